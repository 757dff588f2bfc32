"""The toolkit's exceptions; each carries the exit code the CLI ends with.

Exceptions are for misuse and unusable input. Problems found *in* data are
findings, never exceptions.
"""

from __future__ import annotations

import errno
import re

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


_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*:/{0,2}[^\s:/@]*:)[^\s@]+@")


def mask_urls(text: str) -> str:
    """``text`` with the password of anything shaped like ``scheme://user:password@`` masked.

    The last net under every message the command line prints: a URL that could
    not be parsed (so no :class:`DatabaseUrl` could mask it) still never shows
    its password, even when the user mistyped it as ``postgresql:/user:pw@host``.
    """
    return _URL_PASSWORD.sub(r"\1***@", text)


_WRITE_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EPIPE, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
)


def os_error_message(exc: OSError) -> str:
    """One line for an error the operating system reported: the file, then what went wrong.

    Every file the toolkit writes names itself in its errors; a write error
    without a name (a full disk, a closed pipe) comes from stdout.
    """
    reason = exc.strerror or str(exc) or type(exc).__name__
    names = [str(name) for name in (exc.filename, exc.filename2) if name is not None]
    if names:
        return " ".join(f"{' -> '.join(names)}: {reason}".split())
    if exc.errno in _WRITE_ERRNOS:
        return " ".join(f"cannot write to stdout: {reason}".split())
    return " ".join(reason.split())


__all__ = (
    "ConfigError",
    "InputError",
    "RestoreContractsError",
    "mask_urls",
    "os_error_message",
)
