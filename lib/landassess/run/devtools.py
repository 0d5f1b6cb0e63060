"""A small Chrome DevTools Protocol client: start the machine's browser headless and print a page to PDF.

This replaces Playwright (165 MB with its own Node driver) for the one thing landassess asks of a
browser (:mod:`landassess.run.pdf`). The browser — Chromium, Chrome or Edge, all speak the same
protocol — is started with ``--remote-debugging-port=0`` in a throw-away profile; the port it chose
is read from ``DevToolsActivePort`` in that profile, and one WebSocket (the ``websockets`` package,
already installed for Voilà) carries the commands. The page sees no network: host names resolve to
nothing (``--host-resolver-rules``) and every request that is not ``file:`` or ``data:`` is failed
(``Fetch.enable``).
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND"]
"""The flags that work on a machine without a network (TOOLCHAIN.md, Headless Chromium)."""

A4_INCHES = (8.27, 11.7)
"""A4 as Playwright's ``format="A4"`` gave it; ``preferCSSPageSize`` lets report.css's named pages win."""

START_SECONDS = 60
COMMAND_SECONDS = 300


class DevToolsError(RuntimeError):
    """The browser did not start, or answered a command with an error."""


class HeadlessBrowser:
    """One headless browser process and one DevTools connection to it."""

    def __init__(self, executable: str, start_seconds: float = START_SECONDS):
        self._profile = Path(tempfile.mkdtemp(prefix="landassess-browser-"))
        self._log = (self._profile / "stderr.log").open("wb")
        try:
            self._process = subprocess.Popen(
                [executable, *LAUNCH_ARGS, "--remote-debugging-port=0", f"--user-data-dir={self._profile}",
                 "about:blank"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log)
        except OSError as error:
            self._cleanup()
            raise DevToolsError(error.strerror or str(error)) from error
        self._socket = None
        self._next_id = 0
        self._events: list[dict] = []
        try:
            self._socket = self._connect(start_seconds)
        except BaseException:
            self.close()
            raise

    def _connect(self, start_seconds: float):
        from websockets.sync.client import connect

        active_port = self._profile / "DevToolsActivePort"
        deadline = time.monotonic() + start_seconds
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise DevToolsError(f"浏览器启动后立即退出（退出码 {self._process.returncode}）{self._last_log_line()}")
            lines = active_port.read_text(encoding="utf-8").split() if active_port.is_file() else []
            if len(lines) >= 2:
                return connect(f"ws://127.0.0.1:{lines[0]}{lines[1]}", proxy=None, max_size=None,
                               open_timeout=start_seconds, ping_interval=None, compression=None, legacy=True)
            time.sleep(0.05)
        raise DevToolsError(f"浏览器 {start_seconds:.0f} 秒内未就绪{self._last_log_line()}")

    def _last_log_line(self) -> str:
        self._log.flush()
        text = (self._profile / "stderr.log").read_text(encoding="utf-8", errors="replace")
        lines = [line for line in text.splitlines() if line.strip() and "dbus" not in line.lower()]
        return f"：{lines[-1].strip()}" if lines else ""

    def call(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = COMMAND_SECONDS) -> dict:
        """Send one command and wait for its answer; events arriving meanwhile are kept or handled."""
        self._next_id += 1
        number = self._next_id
        message = {"id": number, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._socket.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            answer = self._receive(deadline, method)
            if answer.get("id") == number:
                if "error" in answer:
                    raise DevToolsError(f"{method}: {answer['error'].get('message', answer['error'])}")
                return answer.get("result", {})

    def wait_for(self, event: str, session: str | None, timeout: float = COMMAND_SECONDS) -> dict:
        """The first ``event`` of ``session`` (kept ones first)."""
        deadline = time.monotonic() + timeout
        while True:
            for kept in self._events:
                if kept.get("method") == event and kept.get("sessionId") == session:
                    self._events.remove(kept)
                    return kept.get("params", {})
            self._events.append(self._receive(deadline, event))

    def _receive(self, deadline: float, waiting_for: str) -> dict:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DevToolsError(f"浏览器超时未响应（{waiting_for}）")
            try:
                message = json.loads(self._socket.recv(timeout=remaining))
            except TimeoutError:
                continue
            if message.get("method") == "Fetch.requestPaused":
                self._offline(message)
            elif "id" in message or message.get("method"):
                return message

    def _offline(self, message: dict) -> None:
        """Let ``file:`` and ``data:`` through; fail every other request (the report is self-contained)."""
        params, session = message["params"], message.get("sessionId")
        self._next_id += 1
        allowed = params["request"]["url"].startswith(("file:", "data:"))
        reply = {"id": self._next_id, "sessionId": session, "method": "Fetch.continueRequest" if allowed
                 else "Fetch.failRequest", "params": {"requestId": params["requestId"]}}
        if not allowed:
            reply["params"]["errorReason"] = "BlockedByClient"
        self._socket.send(json.dumps(reply))

    def print_to_pdf(self, page: Path, pdf: Path, style: str, wait_for_font: str) -> None:
        """Open ``page`` in a new tab, add ``style``, wait for the fonts, print it to ``pdf`` (A4)."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable", session=session)
        self.call("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}, session=session)
        self.call("Emulation.setEmulatedMedia", {"media": "print"}, session=session)
        navigated = self.call("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
        if navigated.get("errorText"):
            raise DevToolsError(f"无法打开 {page}：{navigated['errorText']}")
        self.wait_for("Page.loadEventFired", session)
        script = (f"(() => {{ const s = document.createElement('style'); s.textContent = {json.dumps(style)};"
                  f" document.head.appendChild(s); return document.fonts.load({json.dumps(wait_for_font)}, '第')"
                  f".then(() => document.fonts.ready).then(() => true); }})()")
        self.call("Runtime.evaluate", {"expression": script, "awaitPromise": True, "returnByValue": True},
                  session=session)
        options = {"paperWidth": A4_INCHES[0], "paperHeight": A4_INCHES[1], "printBackground": True,
                   "preferCSSPageSize": True, "marginTop": 0, "marginBottom": 0, "marginLeft": 0,
                   "marginRight": 0, "generateDocumentOutline": True, "generateTaggedPDF": True}
        try:
            printed = self.call("Page.printToPDF", options, session=session)
        except DevToolsError:  # an older browser that knows neither bookmarks nor tagged PDF
            for key in ("generateDocumentOutline", "generateTaggedPDF"):
                options.pop(key)
            printed = self.call("Page.printToPDF", options, session=session)
        pdf.write_bytes(base64.b64decode(printed["data"]))
        self.call("Target.closeTarget", {"targetId": target})

    def close(self) -> None:
        """Stop the browser and remove its throw-away profile."""
        connected = self._socket is not None
        if connected:
            try:
                self.call("Browser.close", timeout=10)
            except Exception:  # noqa: BLE001, S110 - the process is ended below in any case
                pass
            try:
                self._socket.close()
            except Exception:  # noqa: BLE001, S110
                pass
            self._socket = None
        if self._process.poll() is None:
            try:
                self._process.wait(timeout=10 if connected else 0.1)  # Browser.close asked it to quit
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        self._cleanup()

    def _cleanup(self) -> None:
        self._log.close()
        for _ in range(20):  # Windows keeps the profile locked for a moment after the browser exits
            shutil.rmtree(self._profile, ignore_errors=True)
            if not self._profile.exists():
                return
            time.sleep(0.1)
