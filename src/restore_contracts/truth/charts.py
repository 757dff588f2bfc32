"""Charts of the truth report, drawn by matplotlib as inline SVG.

Why matplotlib and SVG rather than a JavaScript charting library: the page
must open offline and show the same picture to everyone. matplotlib draws on
the machine that writes the report, so the page carries finished drawings and
no script at all (its Content-Security-Policy forbids scripts outright, which
also means nothing from the data can ever run). Text is drawn as glyph
outlines from the DejaVu Sans font that ships inside matplotlib, so the chart
does not depend on the reader's fonts, and the SVG bytes do not depend on the
writer's: ids are salted with a fixed ``svg.hashsalt``, the metadata carries no
date, and math text, TeX and system fonts are turned off. A JavaScript library
would need a vendored bundle, a lock file and a script the page must trust;
matplotlib is a well-kept Python package installed as the optional ``[html]``
extra, imported only when a page is written.

Labels come from the data (statuses, months, vocabulary names): each is made
one printable line by :func:`restore_contracts.display.clean` and shortened to
:data:`LABEL` characters before matplotlib sees it, and matplotlib turns it
into outlines, so a label can never become markup. The SVG is then parsed
(which drops matplotlib's comments), its ids are prefixed per chart so several
charts share one page without clashing, and it is serialised again by the
standard library, which escapes every attribute.
"""

from __future__ import annotations

import importlib.util
import io
import re
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from restore_contracts.display import clean
from restore_contracts.errors import InputError
from restore_contracts.truth._stats import percent

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

LABEL = 40
"""Characters of a data-derived label drawn on a chart; the tables show the whole value."""
MAX_BARS = 30
"""Bars drawn in a distribution chart, whose values come from the data; more are summed into
one "other" bar (the table lists all). Rules, vocabularies and statuses are fixed lists."""
MAX_MONTHS = 60
"""Months drawn in the coverage chart (the latest ones; the table lists all)."""

INSTALL_HINT = "pip install 'restore-contracts[html]' (or: pip install matplotlib)"

_SVG = "http://www.w3.org/2000/svg"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_URL_REF = re.compile(r"url\(#([^)]+)\)")

_BLUE = "#4477aa"
_GREY = "#bbbbbb"
_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


class ChartsUnavailableError(InputError, ImportError):
    """``--format html`` was asked for but matplotlib, which draws its charts, is missing."""


@dataclass(frozen=True, slots=True)
class Chart:
    """One drawn chart: a caption (fixed text, never data) and its SVG element."""

    caption: str
    svg: str


def require_matplotlib() -> None:
    """Say which install brings matplotlib, before any data is read, if it is missing."""
    if importlib.util.find_spec("matplotlib") is None:
        raise ChartsUnavailableError(
            f"the HTML truth report draws its charts with matplotlib, which is not installed: "
            f"{INSTALL_HINT}"
        )


def label(value: object) -> str:
    """A data-derived value as a chart label: one printable line of at most LABEL characters."""
    text = clean(value, LABEL + 1)
    if len(text) > LABEL:
        return text[: LABEL - 1] + "…"
    return text


@contextmanager
def _style() -> Iterator[None]:
    import matplotlib

    with matplotlib.rc_context(), warnings.catch_warnings():
        # matplotlib's own defaults, not the writer's matplotlibrc: same bytes on any machine.
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(
            {
                "svg.hashsalt": "restore-contracts",
                "svg.fonttype": "path",
                "svg.image_inline": True,
                "font.family": ["DejaVu Sans"],
                "font.size": 9,
                "text.usetex": False,
                "text.parse_math": False,
                "axes.spines.top": False,
                "axes.spines.right": False,
                "path.simplify": True,
            }
        )
        # A label in a script DejaVu Sans lacks is drawn as boxes; the table shows it whole.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        warnings.filterwarnings("ignore", message="Matplotlib currently does not support")
        yield


def _figure(bars: int) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8.0, 0.9 + 0.26 * max(bars, 1)), layout="constrained")
    return figure, figure.add_subplot()


def _svg(figure: Figure, prefix: str, caption: str) -> str:
    """The figure as one ``<svg>`` element fit for inlining: ids prefixed, no comments,
    no stylesheet of its own, sized by the page."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata=_METADATA)
    root = ET.fromstring(buffer.getvalue())
    referenced: set[str] = set()
    for element in root.iter():
        href = element.attrib.get(_XLINK_HREF)
        if href is not None and href.startswith("#"):
            referenced.add(href[1:])
        referenced.update(_URL_REF.findall(element.attrib.get("clip-path", "")))
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{_SVG}}}style", f"{{{_SVG}}}metadata"):
                parent.remove(child)
    for element in root.iter():
        element.tag = element.tag.removeprefix(f"{{{_SVG}}}")
        attrib = element.attrib
        if "id" in attrib:
            if attrib["id"] in referenced:
                attrib["id"] = prefix + attrib["id"]
            else:
                del attrib["id"]
        href = attrib.pop(_XLINK_HREF, None)
        if href is not None:
            attrib["href"] = "#" + prefix + href[1:]
        if "clip-path" in attrib:
            attrib["clip-path"] = _URL_REF.sub(rf"url(#{prefix}\1)", attrib["clip-path"])
        if "d" in attrib:
            attrib["d"] = " ".join(attrib["d"].split())
    for size in ("width", "height"):
        root.attrib.pop(size, None)
    root.attrib.pop("version", None)
    root.set("xmlns", _SVG)
    root.set("role", "img")
    root.set("aria-label", caption)
    return ET.tostring(root, encoding="unicode")


def capped(items: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """At most MAX_BARS bars: the rest summed into one bar that says how many values it holds."""
    if len(items) <= MAX_BARS:
        return items
    kept, rest = items[: MAX_BARS - 1], items[MAX_BARS - 1 :]
    return [*kept, (f"other ({len(rest)} values)", sum(n for _, n in rest))]


def _counts(axes: Axes, items: list[tuple[str, int]], unit: str) -> None:
    """Horizontal bars of counts, largest first, each labelled with its count."""
    names = [name for name, _ in items]
    positions = list(range(len(items)))
    bars = axes.barh(positions, [n for _, n in items], color=_BLUE)
    axes.set_yticks(positions, names)
    axes.set_ylim(len(items) - 0.5, -0.5)  # first item on top, no empty band
    axes.bar_label(bars, labels=[str(n) for _, n in items], padding=3)
    axes.set_xlabel(unit)
    axes.margins(x=0.12)


def _shares(axes: Axes, items: list[tuple[str, float | None, str]], unit: str) -> None:
    """Horizontal bars of shares on a 0-100% axis, each labelled with its figures."""
    positions = list(range(len(items)))
    bars = axes.barh(positions, [0.0 if s is None else s * 100 for _, s, _ in items], color=_BLUE)
    axes.set_yticks(positions, [name for name, _, _ in items])
    axes.set_ylim(len(items) - 0.5, -0.5)  # first item on top, no empty band
    axes.bar_label(bars, labels=[text for _, _, text in items], padding=3)
    axes.set_xlim(0, 135)
    axes.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    axes.set_xlabel(unit)


def _distribution_chart(dist: dict[str, dict[str, Any]], caption: str, prefix: str) -> Chart:
    items = capped([(label(value), int(v["count"])) for value, v in dist.items()])
    figure, axes = _figure(len(items))
    _counts(axes, items, "restore runs")
    return Chart(caption, _svg(figure, prefix, caption))


def _distributions(answer: dict[str, Any], prefix: str) -> list[Chart]:
    charts = []
    for key, caption in (
        ("status", "Restore runs by status"),
        ("attention_state", "Restore runs by attention state"),
    ):
        if answer.get(key):
            charts.append(_distribution_chart(answer[key], caption, f"{prefix}{key}-"))
    return charts


def _coverage(answer: dict[str, Any], prefix: str) -> list[Chart]:
    months = list(answer.get("by_month", {}).items())[-MAX_MONTHS:]
    if not months:
        return []
    caption = "Restore runs by month of created_at, with and without an operation run"
    if len(answer["by_month"]) > MAX_MONTHS:
        caption += f" (the latest {MAX_MONTHS} months)"
    linked = [int(v["with_operation_run"]) for _, v in months]
    unlinked = [int(v["runs"]) - n for n, (_, v) in zip(linked, months, strict=True)]
    figure, axes = _figure(12)
    positions = list(range(len(months)))
    axes.bar(positions, linked, color=_BLUE, label="with operation_run_id")
    axes.bar(positions, unlinked, bottom=linked, color=_GREY, label="without")
    axes.set_xticks(
        positions, [label(month) for month, _ in months], rotation=90 if len(months) > 12 else 0
    )
    axes.set_ylabel("restore runs")
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1), ncols=2, frameon=False)
    return [Chart(caption, _svg(figure, prefix, caption))]


def _evidence(answer: dict[str, Any], prefix: str) -> list[Chart]:
    by_status = answer.get("by_status")
    if not by_status:
        return []
    caption = "Executed runs with an operation run that have linked evidence, by status"
    items = [
        (label(status), v["share"], f"{v['with_evidence']} of {v['runs']} ({percent(v['share'])})")
        for status, v in by_status.items()
    ]
    figure, axes = _figure(len(items))
    _shares(axes, items, "share with evidence")
    return [Chart(caption, _svg(figure, prefix, caption))]


def _holds(answer: dict[str, Any], prefix: str) -> list[Chart]:
    rules = answer.get("rules") or []
    if not any(rule["applied"] for rule in rules):
        return []
    caption = "Rows where each assumed rule held"
    items = [
        (
            label(rule["code"]),
            rule["share"],
            "not applied"
            if "skipped" in rule or not rule["applied"]
            else f"{rule['held']} of {rule['applied']} ({percent(rule['share'])})",
        )
        for rule in rules
    ]
    figure, axes = _figure(len(items))
    _shares(axes, items, "share held")
    return [Chart(caption, _svg(figure, prefix, caption))]


def _vocabularies(answer: dict[str, Any], prefix: str) -> list[Chart]:
    entries = answer.get("vocabularies") or []
    if not any(entry["values"] for entry in entries):
        return []
    caption = "Values inside each assumed vocabulary"
    items = [
        (
            label(entry["vocabulary"]),
            entry["share"],
            "not applied"
            if "skipped" in entry
            else "no values"
            if not entry["values"]
            else f"{entry['inside']} of {entry['values']} ({percent(entry['share'])})",
        )
        for entry in entries
    ]
    figure, axes = _figure(len(items))
    _shares(axes, items, "share inside")
    return [Chart(caption, _svg(figure, prefix, caption))]


CHARTS: dict[str, Callable[[dict[str, Any], str], list[Chart]]] = {
    "evidence_for_executions": _evidence,
    "operation_run_coverage": _coverage,
    "assumption_hold_rates": _holds,
    "distributions": _distributions,
    "vocabulary_hold_rates": _vocabularies,
}
"""Question id -> the charts drawn for its answer (questions not named here have none)."""


def draw_charts(report: dict[str, Any]) -> dict[str, list[Chart]]:
    """Question id -> its charts, drawn from the report's figures (empty answers draw none)."""
    require_matplotlib()
    drawn: dict[str, list[Chart]] = {}
    with _style():
        for number, (key, draw) in enumerate(CHARTS.items(), start=1):
            charts = draw(report["questions"][key], f"c{number}-")
            if charts:
                drawn[key] = charts
    return drawn


__all__ = (
    "CHARTS",
    "INSTALL_HINT",
    "Chart",
    "ChartsUnavailableError",
    "capped",
    "draw_charts",
    "label",
    "require_matplotlib",
)
