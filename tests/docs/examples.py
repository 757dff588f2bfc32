"""The examples of a Markdown page, read in order, in the form tests/docs/test_examples.py runs.

The conventions every page follows (docs/development.md repeats them for writers):

- ```console blocks hold commands, each after ``$ `` (continuation lines
  after ``> ``, as a shell's second prompt shows them), each followed by the
  output it prints (stdout and stderr together, as on a terminal). Output shown
  is compared line by line, trailing spaces ignored; a line ``...`` stands for
  any number of lines and ``...`` inside a line for any text, so a long output
  is shown trimmed. A command shown without output is run and only its exit
  code is checked: 0, or the ``# exit N`` comment that ends the command line.
- ```pycon blocks are doctests; the ones of a page share one namespace, in
  order, as in one interpreter session.
- A block whose first line (after ``<?php``) is a comment holding only a
  relative path (``# test_fixtures.py``, ``// database/seeders/X.php``) is a
  file: it is written there, for the examples after it to use.
- ```toml blocks are configuration fragments: each must load as a
  configuration file; they are never written for later examples (an example
  that needs a configuration file writes it in a console block).
- Other blocks (```yaml, ```js, ```php, ```text) are checked by the tests
  that name them (tests/cli/test_readme_ci.py, tests/compat/test_ajv.py,
  tests/compat/php/test_php_fixtures.py); ```sh, ```bash, ```shell and a
  ```python block that is not a file are refused, so no shell or Python
  example escapes being run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)
FILE_COMMENT = re.compile(r"^(?:#|//) ((?:[\w.-]+/)*[\w.-]+\.\w+)$")
EXIT_COMMENT = re.compile(r"\s+#\s*exit (\d+)\b.*$")
REFUSED = frozenset({"sh", "bash", "shell", "zsh"})


@dataclass(frozen=True)
class Command:
    """One ``$`` command of a console block, with the output and exit code the page shows."""

    line: int
    text: str
    output: tuple[str, ...]
    exit_code: int


@dataclass(frozen=True)
class Block:
    """A fenced block: its language, first line number in the page and body."""

    language: str
    line: int
    body: str
    path: str | None = None
    commands: tuple[Command, ...] = field(default=())


def file_path(language: str, body: str) -> str | None:
    """The relative path a block names as its first comment line, if it is a file block."""
    lines = body.splitlines()
    if language == "php" and lines[:1] == ["<?php"]:
        lines = lines[1:]
    match = FILE_COMMENT.match(lines[0]) if lines else None
    return match[1] if match else None


def parse_console(body: str, first_line: int) -> tuple[Command, ...]:
    """The commands of a console block, each with the output lines after it."""
    commands: list[Command] = []
    text: list[str] = []
    output: list[str] = []
    start = 0

    def close() -> None:
        if text:
            joined = "\n".join(text)
            code = EXIT_COMMENT.search(text[-1])
            commands.append(Command(start, joined, tuple(output), int(code[1]) if code else 0))

    for offset, line in enumerate(body.splitlines()):
        if line.startswith("$ "):
            close()
            text, output, start = [line[2:]], [], first_line + offset
        elif line.startswith("> ") and text and not output:
            text.append(line[2:])
        elif not text:
            raise ValueError(f"line {first_line + offset}: output before any command: {line!r}")
        else:
            output.append(line.rstrip())
    close()
    return tuple(commands)


def blocks(text: str) -> list[Block]:
    """Every fenced block of a page, in order, console blocks parsed into commands."""
    found: list[Block] = []
    for match in FENCE.finditer(text):
        language = match[1].strip().split(" ")[0]
        body = match[2]
        line = text.count("\n", 0, match.start()) + 2
        if language in REFUSED:
            raise ValueError(f"line {line}: a ```{language} block: write ```console with $ prompts")
        path = None if language == "toml" else file_path(language, body)
        if language == "python" and path is None:
            raise ValueError(f"line {line}: a ```python block that is not a file: write ```pycon")
        commands = parse_console(body, line) if language == "console" else ()
        found.append(Block(language, line, body, path, commands))
    return found


def output_pattern(expected: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern for the output a page shows: ``...`` alone is any lines, inside a line any text."""
    parts: list[str] = []
    for line in expected:
        if line == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(re.escape(piece) for piece in line.split("...")) + r"\n")
    return re.compile("".join(parts))


def matches(expected: tuple[str, ...], actual: str) -> bool:
    """Whether the output printed (trailing spaces and blank lines at the end dropped) is shown."""
    lines = [line.rstrip() for line in actual.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    printed = "".join(f"{line}\n" for line in lines)
    return output_pattern(expected).fullmatch(printed) is not None
