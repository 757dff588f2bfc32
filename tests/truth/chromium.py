"""Open a page in headless Chromium and report what a person would see and what the page did.

Chromium is driven through the DevTools protocol over a pipe
(``--remote-debugging-pipe``: messages on file descriptors 3 and 4), so no
port is opened and no extra package is needed. The report lists every network
request the page made, every console message and uncaught exception, the
size and drawn elements of each chart, and a screenshot of the whole page.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)
TIMEOUT = 60.0

CHARTS_JS = """
JSON.stringify([...document.querySelectorAll("figure.chart")].map(figure => {
  const svg = figure.querySelector("svg");
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  const drawn = svg ? [...svg.querySelectorAll("path, use")].filter(e => {
    const b = e.getBoundingClientRect(); return b.width > 0 || b.height > 0;
  }).length : 0;
  const bars = svg ? [...svg.querySelectorAll('path[style*="fill: #4477aa"]')].filter(e => {
    const b = e.getBoundingClientRect(); return b.width > 0 && b.height > 0;
  }).length : 0;
  return {
    caption: figure.querySelector("figcaption")?.textContent ?? null,
    width: Math.round(box.width), height: Math.round(box.height), drawn: drawn, bars: bars,
  };
}))
"""


def chromium_or_skip() -> str:
    """The Chromium binary; skipped where it is absent, except under CI, which installs it."""
    found = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is required under CI (.ci/run installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


@dataclass
class PageReport:
    """What loading one page did."""

    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)
    title: str = ""
    overflow: int = 0
    """Pixels the page is wider than the window (0: nothing sticks out sideways)."""
    screenshot: bytes = b""


class _Pipe:
    """The DevTools protocol over Chromium's pipe: NUL-terminated JSON messages."""

    def __init__(self, process: subprocess.Popen[bytes], write_fd: int, read_fd: int) -> None:
        self._process = process
        self._write = write_fd
        self._read = read_fd
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def _message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("chromium did not answer in time")
            ready, _, _ = select.select([self._read], [], [], left)
            if ready:
                chunk = os.read(self._read, 1 << 20)
                if not chunk:
                    raise RuntimeError(f"chromium closed the pipe (exit {self._process.poll()})")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        decoded: dict[str, Any] = json.loads(message)
        return decoded

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its result, keeping the events that arrive meanwhile."""
        self._next += 1
        command: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session is not None:
            command["sessionId"] = session
        os.write(self._write, json.dumps(command).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = self._message(deadline)
            if message.get("id") == self._next:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message["result"]
                return result
            self.events.append(message)

    def wait_for(self, method: str) -> None:
        """Wait until an event of ``method`` has arrived."""
        deadline = time.monotonic() + TIMEOUT
        while not any(e.get("method") == method for e in self.events):
            self.events.append(self._message(deadline))


def _console_lines(events: list[dict[str, Any]]) -> list[str]:
    lines = []
    for event in events:
        params = event.get("params", {})
        if event.get("method") == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            lines.append(f"console.{params['type']}: {text}")
        elif event.get("method") == "Runtime.exceptionThrown":
            lines.append(f"exception: {params['exceptionDetails'].get('text')}")
        elif event.get("method") == "Log.entryAdded":
            entry = params["entry"]
            lines.append(f"{entry['source']} {entry['level']}: {entry['text']}")
    return lines


def _high(fds: tuple[int, int]) -> tuple[int, int]:
    """The pipe's ends moved to descriptors above 9, so placing them at 3 and 4 in the child
    cannot overwrite one with the other."""
    moved = tuple(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in fds)
    for fd in fds:
        os.close(fd)
    return moved[0], moved[1]


def open_page(path: Path, *, width: int = 1200) -> PageReport:
    """Load ``path`` in a fresh headless Chromium and report what happened."""
    binary = chromium_or_skip()
    to_chromium_read, to_chromium_write = _high(os.pipe())
    from_chromium_read, from_chromium_write = _high(os.pipe())

    def child_fds() -> None:  # the pipe Chromium expects: it reads fd 3, writes fd 4
        os.dup2(to_chromium_read, 3)
        os.dup2(from_chromium_write, 4)

    with tempfile.TemporaryDirectory(prefix="rc-chromium-") as profile:
        process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=child_fds,
        )
        os.close(to_chromium_read)
        os.close(from_chromium_write)
        pipe = _Pipe(process, to_chromium_write, from_chromium_read)
        try:
            return _load(pipe, path, width)
        finally:
            with contextlib.suppress(RuntimeError, TimeoutError, OSError):
                pipe.call("Browser.close")
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            os.close(to_chromium_write)
            os.close(from_chromium_read)


def _load(pipe: _Pipe, path: Path, width: int) -> PageReport:
    target = pipe.call("Target.createTarget", url="about:blank")["targetId"]
    session = pipe.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        pipe.call(f"{domain}.enable", session)
    pipe.call(
        "Emulation.setDeviceMetricsOverride",
        session,
        width=width,
        height=800,
        deviceScaleFactor=1,
        mobile=False,
    )
    pipe.events.clear()
    url = path.resolve().as_uri()
    pipe.call("Page.navigate", session, url=url)
    pipe.wait_for("Page.loadEventFired")

    def evaluate(expression: str) -> Any:
        result = pipe.call("Runtime.evaluate", session, expression=expression, returnByValue=True)
        return result["result"].get("value")

    report = PageReport()
    report.title = evaluate("document.title")
    report.charts = json.loads(evaluate(CHARTS_JS))
    report.overflow = int(
        evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )
    height = int(evaluate("document.documentElement.scrollHeight"))
    pipe.call(
        "Emulation.setDeviceMetricsOverride",
        session,
        width=width,
        height=min(height, 16000),
        deviceScaleFactor=1,
        mobile=False,
    )
    shot = pipe.call("Page.captureScreenshot", session, format="png")
    report.screenshot = base64.b64decode(shot["data"])
    report.requests = [
        e["params"]["request"]["url"]
        for e in pipe.events
        if e.get("method") == "Network.requestWillBeSent"
    ]
    report.console = _console_lines(pipe.events)
    return report


__all__ = ("PageReport", "chromium_or_skip", "open_page")
