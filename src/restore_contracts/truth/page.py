"""Render the truth report as one self-contained HTML page with charts.

The page is the Markdown report, rendered, plus charts: its text is made from
the very lines :func:`restore_contracts.truth.markdown.render_markdown` writes
for the same report dict, so the two cannot say different things, and a new
section of the Markdown appears on the page without a change here.

The Markdown renderer writes a small, fixed subset (headings, tables, bullet
lists, code spans, a bold verdict or title at the start of a line), and its
own escaping guarantees that no value from the data can start a line, close a
code span or split a table cell (it cleans every string and escapes backticks
and pipes). So the page reads that structure off the line starts, backticks
and pipes alone; everything between them is text, HTML-escaped (quotes
included) before it is written. No data-derived string reaches the page
unescaped, and none is ever put in an attribute.

Self-contained and offline: the styles are inline, the charts are inline SVG
(see :mod:`restore_contracts.truth.charts`), and a Content-Security-Policy
allows nothing else: no scripts, no fonts, images or styles from anywhere, so
the page makes no network request of any kind even if opened from a web
server. The bytes depend only on the report: no clock, no random ids.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from restore_contracts.display import LIMIT, clean
from restore_contracts.truth.charts import Chart, draw_charts
from restore_contracts.truth.markdown import ORDER, render_markdown

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
"""Everything the page may load: its own inline styles and nothing else."""

STYLE = """
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: #1b1b1b; background: #fff; margin: 0; }
main { max-width: 68rem; margin: 0 auto; padding: 1.5rem 2rem 4rem; overflow-wrap: anywhere; }
h1 { font-size: 1.7rem; margin: 0 0 0.8rem; }
h2 { font-size: 1.2rem; margin: 2.4rem 0 0.6rem; padding-top: 0.8rem;
  border-top: 1px solid #d8d8d8; }
p, ul { margin: 0.5rem 0; }
code { font: 0.88em/1.4 ui-monospace, "DejaVu Sans Mono", monospace; background: #f2f2f2;
  padding: 0 0.25em; border-radius: 3px; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.92rem; }
th, td { border: 1px solid #d8d8d8; padding: 0.2rem 0.6rem; text-align: left;
  vertical-align: top; overflow-wrap: anywhere; }
th { background: #f6f6f6; white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
p.empty { color: #666; }
figure.chart { margin: 0.8rem 0 1.2rem; }
figure.chart svg { display: block; width: 100%; max-width: 56rem; height: auto; }
figure.chart svg * { stroke-linejoin: round; stroke-linecap: butt; }
figcaption { font-weight: 600; font-size: 0.9rem; margin-bottom: 0.2rem; }
""".strip()

_NUMBER = re.compile(r"-?\d+(\.\d+)?%?|n/a|-")
_BOLD = re.compile(r"^(Verdict: )?\*\*(.+?)\*\*")
_HEADING_KEY = re.compile(r"\(`([a-z_]+)`\)$")


def _inline(text: str, *, lead: bool = False) -> str:
    """A line or cell of the Markdown as HTML: code spans, the rest escaped text; with
    ``lead`` (a paragraph: its start is the renderer's, never data) also a leading bold."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: the last one is text
        parts[-2:] = [parts[-2] + "`" + parts[-1]]
    html = []
    for index, part in enumerate(parts):
        if index % 2:
            html.append(f"<code>{escape(part)}</code>")
            continue
        bold = _BOLD.match(part) if lead and index == 0 else None
        if bold is not None:
            html.append(escape(bold.group(1) or ""))
            html.append(f"<strong>{escape(bold.group(2))}</strong>")
            part = part[bold.end() :]
        html.append(escape(part))
    return "".join(html)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _cell(tag: str, text: str) -> str:
    numeric = tag == "td" and _NUMBER.fullmatch(text) is not None
    return f'<td class="n">{_inline(text)}</td>' if numeric else f"<{tag}>{_inline(text)}</{tag}>"


def _table(lines: list[str]) -> list[str]:
    header, rows = _cells(lines[0]), [_cells(line) for line in lines[2:]]
    html = ["<table>", "<thead><tr>" + "".join(_cell("th", c) for c in header) + "</tr></thead>"]
    html.append("<tbody>")
    html += ["<tr>" + "".join(_cell("td", c) for c in row) + "</tr>" for row in rows]
    html += ["</tbody>", "</table>"]
    return html


def _figures(charts: list[Chart]) -> list[str]:
    return [
        f'<figure class="chart"><figcaption>{escape(chart.caption)}</figcaption>{chart.svg}'
        "</figure>"
        for chart in charts
    ]


def _body(markdown: str, charts: dict[str, list[Chart]]) -> list[str]:
    """The Markdown's lines as HTML blocks; each question's charts follow its verdict."""
    lines = markdown.splitlines()
    html: list[str] = []
    pending: list[Chart] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if pending and line and not line.startswith("Verdict: "):
            html += _figures(pending)
            pending = []
        if line.startswith("### "):
            match = _HEADING_KEY.search(line)
            key = match.group(1) if match and match.group(1) in ORDER else None
            anchor = f' id="{key}"' if key else ""
            html.append(f"<h2{anchor}>{_inline(line[4:])}</h2>")
            pending = charts.get(key, []) if key else []
        elif line.startswith("## "):
            html.append(f"<h1>{_inline(line[3:])}</h1>")
        elif line.startswith("|"):
            end = index
            while end < len(lines) and lines[end].startswith("|"):
                end += 1
            html += _table(lines[index:end])
            index = end
            continue
        elif line.startswith("- "):
            html.append("<ul>")
            while index < len(lines) and lines[index].startswith("- "):
                html.append(f"<li>{_inline(lines[index][2:])}</li>")
                index += 1
            html.append("</ul>")
            continue
        elif line == "_(no rows)_":
            html.append('<p class="empty"><em>(no rows)</em></p>')
        elif line:
            html.append(f"<p>{_inline(line, lead=True)}</p>")
        index += 1
    html += _figures(pending)
    return html


def render_html(report: dict[str, Any], *, limit: int = LIMIT) -> str:
    """The report as one HTML page: the Markdown report's sections and figures, with charts."""
    markdown = render_markdown(report, limit=limit)
    charts = draw_charts(report)
    title = escape(
        f"Truth report: {clean(report['source'], limit)} ({clean(report['date'], limit)})"
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="referrer" content="no-referrer">',
            f"<title>{title}</title>",
            f"<style>\n{STYLE}\n</style>",
            "</head>",
            "<body>",
            "<main>",
            *_body(markdown, charts),
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


__all__ = ("CSP", "render_html")
