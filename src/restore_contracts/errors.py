"""The toolkit's exceptions; each carries the exit code the CLI ends with.

Exceptions are for misuse and unusable input. Problems found *in* data are
findings, never exceptions.
"""

from __future__ import annotations

from restore_contracts.display import clean

MESSAGE_LIMIT = 2000
"""Characters of an error line shown before it is shortened."""


class RestoreContractsError(Exception):
    """Root of the toolkit's errors: a one-line message and exit code 2."""

    exit_code = 2

    def format_message(self) -> str:
        """The single line shown to the user, with whatever it quotes from the input (a file
        name, a value) made printable and bounded (:func:`restore_contracts.display.clean`)."""
        return clean(" ".join(str(self).split()), limit=MESSAGE_LIMIT)


class ConfigError(RestoreContractsError):
    """A configuration file or value that cannot be used; the message names the key."""


class InputError(RestoreContractsError):
    """Input that cannot be read at all (missing file, unknown format, bad option value)."""


__all__ = ("ConfigError", "InputError", "RestoreContractsError")
