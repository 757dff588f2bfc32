"""The toolkit's exceptions; each carries the exit code the CLI ends with.

Exceptions are for misuse and unusable input. Problems found *in* data are
findings, never exceptions.
"""

from __future__ import annotations


class RestoreContractsError(Exception):
    """Root of the toolkit's errors: a one-line message and exit code 2."""

    exit_code = 2

    def format_message(self) -> str:
        """The single line shown to the user."""
        return " ".join(str(self).split())


class ConfigError(RestoreContractsError):
    """A configuration file or value that cannot be used; the message names the key."""


class InputError(RestoreContractsError):
    """Input that cannot be read at all (missing file, unknown format, bad option value)."""


__all__ = ("ConfigError", "InputError", "RestoreContractsError")
