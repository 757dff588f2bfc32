"""Every command's --help ends with examples that run as written, and no summary is cut off."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from restore_contracts.cli import cli
from tests.cli.invocations import PROGRAM, command_words, parse_invocation


def _commands(
    command: click.Command = cli, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            found += _commands(sub, (*path, name))
    return found


COMMANDS = _commands()
IDS = [" ".join(path) or PROGRAM for path, _ in COMMANDS]


def _help(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name=PROGRAM, terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_help_ends_with_examples_that_parse(path: tuple[str, ...], command: click.Command) -> None:
    """--help ends with two or three example lines, each naming this command, each parsing."""
    lines = _help(path).rstrip("\n").splitlines()
    start = lines.index("  Examples:")
    shown = [line.strip() for line in lines[start + 1 :]]
    assert 2 <= len(shown) <= 3, shown
    for line in shown:
        (args,) = command_words(line)
        # an example of a group may show its subcommands; of a command, the command itself
        assert tuple(args[: len(path)]) == path, line
        assert parse_invocation(args)[: len(path) + 1] == [PROGRAM, *path], line


@pytest.mark.parametrize("group", [(), ("db",)], ids=[PROGRAM, "db"])
def test_command_lists_show_whole_summaries(group: tuple[str, ...]) -> None:
    """A group's command list shows each command's whole short help, never one cut with '...'."""
    command = cli if not group else cli.commands[group[0]]
    assert isinstance(command, click.Group)
    text = _help(group)
    listed = text.split("Commands:\n")[1].split("\n\n")[0]
    width = max(map(len, command.commands))
    # one line each on an 80-column terminal: the whole phrase, nothing wrapped or cut
    expected = [
        f"  {name:<{width}}  {sub.short_help}" for name, sub in sorted(command.commands.items())
    ]
    assert listed.splitlines() == expected
    assert "..." not in listed
    assert all(sub.short_help and sub.short_help.endswith(".") for sub in command.commands.values())


def test_a_cut_summary_would_be_caught() -> None:
    """Without short_help, click cuts a long first sentence, which the check above would see."""
    long = click.Command("x", help="A first sentence that goes on and on, far beyond what fits.")
    assert long.get_short_help_str(limit=45).endswith("...")
