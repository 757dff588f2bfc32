"""Parse a documented ``restore-contracts ...`` command line with the real click commands.

A documented example must name commands and options that exist and give them values they
accept: each line is split as a shell would, cut at the first shell operator, and handed to
``make_context`` of the command it names, which raises on an unknown command, an unknown
option, a missing argument or a refused value, without running anything.
"""

from __future__ import annotations

import shlex

import click

from restore_contracts.cli import cli

PROGRAM = "restore-contracts"
SHELL_OPERATORS = frozenset({"|", "||", "&&", ";", ">", ">>", "<", "2>", "&", "#"})


def command_words(line: str) -> list[list[str]]:
    """The argument lists of every ``restore-contracts`` invocation on one shell line."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars="|&;<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    words = list(lexer)
    found: list[list[str]] = []
    for index, word in enumerate(words):
        if word.endswith(PROGRAM) and (index == 0 or words[index - 1] in SHELL_OPERATORS):
            args: list[str] = []
            for arg in words[index + 1 :]:
                if arg in SHELL_OPERATORS or set(arg) <= set("|&;<>"):
                    break
                args.append(arg)
            found.append(args)
    return found


def _rest(ctx: click.Context) -> list[str]:
    """The words a group left for its subcommand (Click 8.2 keeps the first one apart)."""
    return [*getattr(ctx, "_protected_args", []), *ctx.args]


def parse_invocation(args: list[str]) -> list[str]:
    """Resolve ``args`` to a command and parse its options; returns the command path.

    Raises click.UsageError (or the toolkit's InputError from a value check) when the line
    could not run as written.
    """
    command: click.Command = cli
    path = [PROGRAM]
    ctx = cli.make_context(PROGRAM, list(args), resilient_parsing=False)
    rest = _rest(ctx)
    while isinstance(command, click.Group) and rest:
        name, rest = rest[0], rest[1:]
        sub = command.get_command(ctx, name)
        if sub is None:
            raise click.UsageError(f"no such command {name!r} in {' '.join(path)}")
        path.append(name)
        command = sub
        ctx = command.make_context(name, list(rest), parent=ctx, resilient_parsing=False)
        rest = _rest(ctx) if isinstance(command, click.Group) else []
    if isinstance(command, click.Group):
        raise click.UsageError(f"{' '.join(path)} needs a subcommand")
    return path
