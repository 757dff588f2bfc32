"""The one thing pyproject.toml cannot say: the C text scanner (src/restore_contracts/_textscan.c).

It is optional: an install without a C compiler still works, and the readers then split CSV
and TSV and convert id columns in Python, at a lower rate (docs/scaling.md).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "restore_contracts._textscan",
            sources=["src/restore_contracts/_textscan.c"],
            optional=True,
        )
    ]
)
