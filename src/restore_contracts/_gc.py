"""The cyclic garbage collector paused while rows stream through."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while rows stream through, then restore its state.

    Rows, worlds and blocks of text rows are trees of dicts, lists, tuples and
    strings without a reference cycle among them: reference counting frees each
    as soon as it is written or checked. The cyclic collector would walk
    millions of young containers (and, in its full passes, everything else the
    process holds) to find nothing: about a fifth of the time of generating
    worlds, a quarter of reading CSV or TSV in a process holding much.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
