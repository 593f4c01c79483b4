"""Side-by-side performance benchmark: the app against bare baselines, measured in one run.

Run from the repository root (Xvfb must be installed; nothing else is needed)::

    python -m tests.perf.bench            # 5 repetitions per scenario, median reported
    python -m tests.perf.bench --quick    # 2 repetitions (about a minute on 2 cores)
    python tests/perf/bench.py --profile  # + cProfile of one GUI stream (where the time goes)
    python -m tests.perf.bench --quick --only history,render   # only some figures (see below)

Every scenario runs in its own fresh subprocess (so its peak RSS is its own), started with the
same interpreter, on a private Xvfb display and a private session bus started here. A fake
OpenAI-compatible server (tests/fake_openai.py) runs in this (parent) process, so its CPU and
memory are not charged to any scenario. Repetitions are interleaved (A B C, B C A, ...) so
that drift of a shared machine hits every scenario alike.

Figures (each printed as measured / baseline = ratio against a target, OK or MISS):

1. start-up: spawn of the real `desktop-chat` entry point (DESKTOP_CHAT_EXIT_AFTER_FIRST_PAINT=1)
   to its `first-paint` line, against a bare PySide6 window with the same kinds of widgets.
2. streaming N chunks (`many(N)`): wall time from `tab.send()` to the controller's `finished`
   signal in the real window, against the openai SDK alone consuming the same stream in a qasync
   loop with a QApplication and no window; plus the longest event-loop stall (a 1 ms precise
   QTimer: max gap between ticks minus 1 ms) in both.
3. CPU seconds (time.process_time) of the GUI stream of N vs N/4 chunks: should scale linearly.
4. peak RSS (ru_maxrss) of the GUI stream process against a bare window process that has also
   imported openai, qasync and keyring.

5. history and rendering (tests/perf/history_bench.py, on a generated history of 10,000
   conversations and 200,000 messages built once per run by tests/perf/history_data.py): start-up
   with that history (plain, and with a session reopening a 5,000-message chat) vs an empty one;
   opening the 5,000-message chat; full-text search (store and sidebar); the sidebar's paging and
   scrolling; per-delta render cost early vs late in a 20,000-chunk answer; tab switching among
   20 long chats and the RSS they hold. `--only` picks figures: base (1-4), history (hstart,
   hopen, search, sidebar), render (delta, tabs), or single names.

To see where a GUI stream's time goes beyond --profile (cProfile sees no native Qt time), set
BENCH_SEND_DELAY=2 for the stream-gui child and attach `py-spy record --native --pid`.

This file is not a test (no test_ functions, not matched by pytest's file pattern): it prints
figures and never fails on a MISS. The final Markdown table is also written to
artifacts/bench.md. Only the standard library is imported at module level, because this same
file is the child process of the stream and RSS scenarios.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
THIS = os.path.abspath(__file__)
RESULT_PREFIX = "RESULT "
PROMPT = "Write a very long answer, please."

# --------------------------------------------------------------------------------------------
# The bare window: the floor for start-up and (with imports) for memory. Run with `python -c`,
# so it pays for nothing but Python, PySide6 and its own widgets.

BARE_WINDOW_CODE = r"""
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import (
    QApplication, QHBoxLayout, QLineEdit, QListWidget, QMainWindow, QPlainTextEdit, QPushButton,
    QSplitter, QTabWidget, QTextBrowser, QVBoxLayout, QWidget,
)

mode = sys.argv[1] if len(sys.argv) > 1 else "startup"
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1100, 760)
window.menuBar().addMenu("&File").addAction("&New chat")
window.menuBar().addMenu("&View").addAction("&Next chat")
sidebar = QWidget()
side = QVBoxLayout(sidebar)
side.addWidget(QLineEdit(placeholderText="Search"))
history = QListWidget()
history.addItem("New chat")
side.addWidget(history, 1)
page = QWidget()
column = QVBoxLayout(page)
column.addWidget(QTextBrowser(), 1)
bottom = QHBoxLayout()
bottom.addWidget(QPlainTextEdit(placeholderText="Message"), 1)
buttons = QVBoxLayout()
buttons.addWidget(QPushButton("Send"))
buttons.addWidget(QPushButton("Stop"))
bottom.addLayout(buttons)
column.addLayout(bottom)
tabs = QTabWidget()
tabs.setDocumentMode(True)
tabs.addTab(page, "New chat")
splitter = QSplitter()
splitter.addWidget(sidebar)
splitter.addWidget(tabs)
splitter.setSizes([240, 860])
window.setCentralWidget(splitter)


class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            window.removeEventFilter(self)
            print("first-paint", flush=True)
            QTimer.singleShot(0 if mode == "startup" else 300, finish)
        return False


def finish():
    if mode == "rss":
        import json, resource
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print("RESULT " + json.dumps({"maxrss_kb": rss}), flush=True)
    app.quit()


first_paint = FirstPaint()
window.installEventFilter(first_paint)
window.show()
if mode == "rss":  # what the app's process holds besides its widgets
    import keyring, openai, qasync  # noqa: E401,F401
app.exec()
"""


# --------------------------------------------------------------------------------------------
# Child side: the stream scenarios. Qt, qasync and the app are imported only here.


class _StallProbe:
    """A 1 ms precise QTimer; the longest gap between its ticks (minus 1 ms) is the stall."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._tick)
        self.started_at = self.last = 0.0
        self.max_gap = self.max_at = self.tail_max_gap = 0.0
        self.long_gaps = 0  # gaps longer than a 60 Hz frame
        self.ticks = 0
        self.in_tail = False

    def start(self) -> None:
        self.started_at = self.last = time.perf_counter()
        self.timer.start()

    def _record(self, now: float) -> None:
        gap = now - self.last
        self.last = now
        if self.in_tail:
            self.tail_max_gap = max(self.tail_max_gap, gap)
            return
        self.ticks += 1
        if gap > 0.0177:
            self.long_gaps += 1
        if gap > self.max_gap:
            self.max_gap, self.max_at = gap, now - self.started_at

    def _tick(self) -> None:
        self._record(time.perf_counter())

    def end_stream(self) -> None:
        """At `finished`: close the gap in progress, then count later gaps as the tail's."""
        self._record(time.perf_counter())
        self.in_tail = True

    def stop(self) -> None:
        self.timer.stop()
        if self.in_tail:
            self.tail_max_gap = max(self.tail_max_gap, time.perf_counter() - self.last)

    def figures(self) -> dict[str, float]:
        return {
            "stall_ms": max(0.0, self.max_gap - 0.001) * 1000,
            "stall_at_s": self.max_at,
            "tail_stall_ms": max(0.0, self.tail_max_gap - 0.001) * 1000,
            "frames_missed": self.long_gaps,
            "ticks": self.ticks,
        }


def _expected_text_length(count: int) -> int:
    return count * len("tok ") + count // 80  # many(): "tok " chunks, a newline every 80th


def _emit(result: dict[str, object]) -> None:
    import json
    import resource

    result["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def child_stream_gui(count: int, base_url: str, workdir: str) -> None:
    """The real window streaming `count` chunks: send() -> controller.finished."""
    import asyncio
    import gc

    sys.path.insert(0, REPO)
    import qasync
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from desktop_chat.api import ProviderConfig
    from desktop_chat.controller import ChatController
    from desktop_chat.store import ConversationStore
    from desktop_chat.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    store = ConversationStore(os.path.join(workdir, "history.sqlite3"))
    controller = ChatController(
        store, ProviderConfig(base_url=base_url, api_key="k", max_retries=0)
    )
    probe = _StallProbe()
    marks: dict[str, object] = {}
    done = asyncio.Event()
    profiler = None

    # Connected before the window exists, so this runs first when `finished` is emitted: the
    # time is the emission's, the tab's own handling of `finished` falls in the "tail".
    def on_finished(_conversation_id: str, message: object) -> None:
        marks["t1"], marks["c1"] = time.perf_counter(), time.process_time()
        if profiler is not None:
            profiler.disable()
        probe.end_stream()
        marks["length"] = len(message.content)  # type: ignore[attr-defined]
        done.set()

    def on_failed(_conversation_id: str, error: object, _partial: object) -> None:
        marks["t1"], marks["c1"] = time.perf_counter(), time.process_time()
        probe.end_stream()
        marks["error"] = str(error)
        done.set()

    controller.finished.connect(on_finished)
    controller.failed.connect(on_failed)
    window = MainWindow(controller)
    window.restore_session()
    painted = asyncio.Event()

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                window.removeEventFilter(self)
                painted.set()
            return False

    paint_filter = FirstPaint()
    window.installEventFilter(paint_filter)
    window.show()

    async def main() -> dict[str, object]:
        nonlocal profiler
        await asyncio.wait_for(painted.wait(), 20)
        # As the app does after its first paint: load the models (imports openai, opens the
        # HTTP connection), so start-up work is not charged to the stream.
        models = asyncio.Event()
        controller.models_loaded.connect(lambda *_: models.set())
        controller.load_models()
        await asyncio.wait_for(models.wait(), 30)
        await asyncio.sleep(0.3)
        # For attaching a sampling profiler (py-spy record --pid) before the stream starts.
        await asyncio.sleep(float(os.environ.get("BENCH_SEND_DELAY", "0")))
        tab = window.current_tab()
        assert tab is not None
        tab.composer.setPlainText(PROMPT)
        gc.collect()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            profiler = cProfile.Profile()
        probe.start()
        t0, c0 = time.perf_counter(), time.process_time()
        if profiler is not None:
            profiler.enable()
        tab.send()
        await asyncio.wait_for(done.wait(), 300)
        await asyncio.sleep(0.25)  # the tail: the tab re-renders the finished answer
        probe.stop()
        if profiler is not None:
            profiler.dump_stats(os.environ["BENCH_PROFILE"])
        result: dict[str, object] = {
            "wall_s": float(marks["t1"]) - t0,  # type: ignore[arg-type]
            "cpu_s": float(marks["c1"]) - c0,  # type: ignore[arg-type]
            "length": marks.get("length"),
            "complete": marks.get("length") == _expected_text_length(count),
            "error": marks.get("error"),
            "rendered_chars": tab.message_view.document().characterCount(),
            **probe.figures(),
        }
        await controller.shutdown()
        return result

    with loop:
        result = loop.run_until_complete(main())
        _emit(result)
        os._exit(0)  # the figures are out; skip tearing down Qt


def child_stream_sdk(count: int, base_url: str) -> None:
    """The floor: the SDK alone consumes the same stream in qasync, QApplication, no window."""
    import asyncio
    import gc

    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    probe = _StallProbe()

    async def main() -> dict[str, object]:
        import openai

        client = openai.AsyncOpenAI(api_key="k", base_url=base_url, max_retries=0)
        _ = [model.id async for model in await client.models.list()]  # same warm-up as the app
        await asyncio.sleep(0.3)
        gc.collect()
        probe.start()
        t0, c0 = time.perf_counter(), time.process_time()
        stream = await client.chat.completions.create(
            model="test-model", messages=[{"role": "user", "content": PROMPT}], stream=True
        )
        parts: list[str] = []
        async with stream:
            async for chunk in stream:
                for choice in chunk.choices:
                    if choice.delta and choice.delta.content:
                        parts.append(choice.delta.content)
        text = "".join(parts)
        t1, c1 = time.perf_counter(), time.process_time()
        probe.end_stream()
        probe.stop()
        await client.close()
        return {
            "wall_s": t1 - t0,
            "cpu_s": c1 - c0,
            "length": len(text),
            "complete": len(text) == _expected_text_length(count),
            **probe.figures(),
        }

    with loop:
        result = loop.run_until_complete(main())
        _emit(result)
        os._exit(0)


COMPARE_MODELS = ("cmp-1", "cmp-2", "cmp-3", "cmp-4")


def child_stream_compare(count: int, base_url: str, workdir: str) -> None:
    """Four answers of `count` chunks streaming at once in one tab's compare view (issue 17):
    send() -> the comparison's all_finished."""
    import asyncio
    import gc

    sys.path.insert(0, REPO)
    import qasync
    from PySide6.QtWidgets import QApplication

    from desktop_chat.api import ProviderConfig
    from desktop_chat.controller import ChatController
    from desktop_chat.store import ConversationStore
    from desktop_chat.ui.main_window import MainWindow

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    store = ConversationStore(os.path.join(workdir, "history.sqlite3"))
    controller = ChatController(
        store, ProviderConfig(base_url=base_url, api_key="k", max_retries=0)
    )
    probe = _StallProbe()
    marks: dict[str, object] = {}
    done = asyncio.Event()

    def on_all_finished(conversation_id: str) -> None:
        marks["t1"], marks["c1"] = time.perf_counter(), time.process_time()
        probe.end_stream()
        comparison = controller.compare.comparison(conversation_id)
        columns = comparison.columns if comparison is not None else []
        marks["lengths"] = [len(c.final.content) if c.final else -1 for c in columns]
        marks["errors"] = [str(c.error) for c in columns if c.error is not None]
        done.set()

    controller.compare.all_finished.connect(on_all_finished)  # before the tab's: see above
    window = MainWindow(controller)
    window.restore_session()
    window.resize(1280, 800)
    window.show()

    async def main() -> dict[str, object]:
        models = asyncio.Event()
        controller.models_loaded.connect(lambda *_: models.set())
        controller.load_models()
        await asyncio.wait_for(models.wait(), 30)
        await asyncio.sleep(0.5)
        tab = window.current_tab()
        assert tab is not None
        tab.model_picker.setCurrentText(COMPARE_MODELS[0])
        for model in COMPARE_MODELS[1:]:
            tab.compare_bar.add(model)
        tab.composer.setPlainText(PROMPT)
        gc.collect()
        probe.start()
        t0, c0 = time.perf_counter(), time.process_time()
        tab.send()
        await asyncio.wait_for(done.wait(), 600)
        await asyncio.sleep(0.25)  # the tail: the columns render their finished answers
        probe.stop()
        lengths = marks.get("lengths") or []
        result: dict[str, object] = {
            "wall_s": float(marks["t1"]) - t0,  # type: ignore[arg-type]
            "cpu_s": float(marks["c1"]) - c0,  # type: ignore[arg-type]
            "chunks": count * len(COMPARE_MODELS),
            "complete": lengths == [_expected_text_length(count)] * len(COMPARE_MODELS),
            "errors": marks.get("errors"),
            **probe.figures(),
        }
        await controller.shutdown()
        return result

    with loop:
        result = loop.run_until_complete(main())
        _emit(result)
        os._exit(0)


def child_main(argv: list[str]) -> None:
    kind = argv[0]
    if kind == "stream-gui":
        child_stream_gui(int(argv[1]), argv[2], argv[3])
    elif kind == "stream-compare":
        child_stream_compare(int(argv[1]), argv[2], argv[3])
    elif kind == "stream-sdk":
        child_stream_sdk(int(argv[1]), argv[2])
    else:  # the history and rendering children (tests/perf/history_bench.py)
        sys.path.insert(0, os.path.dirname(THIS))
        import history_bench

        history_bench.child_main(kind, argv[1:])


# --------------------------------------------------------------------------------------------
# Parent side.


class ChildFailed(RuntimeError):
    pass


class Bench:
    def __init__(
        self,
        runs: int,
        chunks: int,
        verbose: bool,
        figures: set[str] | None = None,
        quick: bool = False,
    ) -> None:
        import tempfile

        sys.path.insert(0, os.path.dirname(THIS))
        import history_bench

        self.figures = figures if figures is not None else set(history_bench.FIGURES)
        self.runs = runs
        self.chunks = chunks
        self.small_chunks = chunks // 4
        self.verbose = verbose
        self.tmp = tempfile.TemporaryDirectory(prefix="desktop-chat-bench-")
        self.home = os.path.join(self.tmp.name, "home")
        self.display = ""
        self.dbus_address = ""
        self._pids: list[int] = []  # processes started here (Xvfb, dbus-daemon), ended at close
        self.server = None
        self._xvfb = None  # the Xvfb Popen, waited for at close
        self.results: dict[str, list[dict[str, float]]] = {}
        self.importtime: dict[str, object] | None = None
        self.failures: dict[str, str] = {}
        # The history and rendering figures (tests/perf/history_bench.py).
        self.extra = history_bench.Extra(self, self.figures, quick)

    # --- environment ------------------------------------------------------------------------

    def start(self) -> None:
        sys.path.insert(0, os.path.join(REPO, "tests"))
        from fake_openai import FakeOpenAIServer

        for sub in (".config", ".local/share", ".local/state", ".cache", "run"):
            os.makedirs(os.path.join(self.home, sub), mode=0o700, exist_ok=True)
        self.server = FakeOpenAIServer().start()
        self._start_xvfb()
        self._start_dbus()

    def _start_xvfb(self) -> None:
        import subprocess

        read_fd, write_fd = os.pipe()
        proc = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write_fd),
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
                "-noreset",  # a start that connects while the server resets would be refused
            ],
            pass_fds=(write_fd,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write_fd)
        self._xvfb = proc
        self._pids.append(proc.pid)
        number = b""
        deadline = time.monotonic() + 15
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            piece = os.read(read_fd, 16)
            if not piece:
                break
            number += piece
        os.close(read_fd)
        if not number.strip():
            raise SystemExit("Xvfb did not start (is it installed?)")
        self.display = ":" + number.decode().strip()

    def _start_dbus(self) -> None:
        """A private session bus: with dbus-x11 installed, Qt would otherwise autolaunch one per
        process (slow, and left behind)."""
        import shutil
        import subprocess

        if shutil.which("dbus-daemon") is None:
            self.dbus_address = "disabled:"
            return
        out = subprocess.run(
            ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
            capture_output=True,
            text=True,
            timeout=15,
            check=True,
        ).stdout.split()
        self.dbus_address, pid = out[0], int(out[1])
        self._pids.append(pid)

    def close(self) -> None:
        import contextlib
        import signal

        if self.server is not None:
            self.server.stop()
        for pid in reversed(self._pids):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        if self._xvfb is not None:
            self._xvfb.wait(timeout=10)  # type: ignore[unreachable]
        self.tmp.cleanup()

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("QT_", "XDG_", "OPENAI_", "DESKTOP_CHAT_", "PYTHON"))
            and k not in ("WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")
        }
        home = self.home
        env.update(
            DISPLAY=self.display,
            QT_QPA_PLATFORM="xcb",
            HOME=home,
            XDG_CONFIG_HOME=os.path.join(home, ".config"),
            XDG_DATA_HOME=os.path.join(home, ".local/share"),
            XDG_STATE_HOME=os.path.join(home, ".local/state"),
            XDG_CACHE_HOME=os.path.join(home, ".cache"),
            XDG_RUNTIME_DIR=os.path.join(home, "run"),
            DBUS_SESSION_BUS_ADDRESS=self.dbus_address,
            OPENAI_BASE_URL=self.server.base_url,  # type: ignore[union-attr]
            OPENAI_API_KEY="sk-bench-not-a-real-key",
            PYTHONPATH=REPO,
            # Read by desktop_chat.app only: print `first-paint` at the first paint, then close.
            DESKTOP_CHAT_EXIT_AFTER_FIRST_PAINT="1",
        )
        env.update(extra or {})
        return env

    # --- running children -------------------------------------------------------------------

    def _spawn_until_line(
        self,
        cmd: list[str],
        line: str,
        timeout: float = 60,
        merge_stderr: bool = False,
        extra_env: dict[str, str] | None = None,
    ) -> tuple[float, list[str], str]:
        """Spawn; return (seconds from spawn to `line` on stdout, stdout lines, stderr tail).
        `self.line_times` then holds the time of every stdout line, first occurrence."""
        import selectors
        import subprocess
        import tempfile

        with tempfile.TemporaryFile() as err:
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                cmd,
                env=self.env(extra_env),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT if merge_stderr else err,
                cwd=self.tmp.name,
            )
            assert proc.stdout is not None
            lines: list[str] = []
            self.line_times: dict[str, float] = {}
            elapsed: float | None = None
            buffer = b""
            selector = selectors.DefaultSelector()
            selector.register(proc.stdout, selectors.EVENT_READ)
            deadline = t0 + timeout
            try:
                while True:
                    if not selector.select(max(0.0, deadline - time.perf_counter())):
                        raise ChildFailed(f"timed out: {' '.join(cmd[:3])}")
                    piece = os.read(proc.stdout.fileno(), 65536)
                    if not piece:
                        break
                    buffer += piece
                    while b"\n" in buffer:
                        raw, buffer = buffer.split(b"\n", 1)
                        text = raw.decode("utf-8", "replace")
                        if elapsed is None and text.strip() == line:
                            elapsed = time.perf_counter() - t0
                        self.line_times.setdefault(text.strip(), time.perf_counter() - t0)
                        lines.append(text)
                proc.wait(timeout=max(1.0, deadline - time.perf_counter()))
            finally:
                selector.close()
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-3000:]
        if merge_stderr:
            tail = "\n".join(lines)[-3000:]
        if elapsed is None:
            raise ChildFailed(f"no {line!r} line from {' '.join(cmd[:3])}:\n{tail}")
        return elapsed, lines, tail

    def _spawn_result(
        self, cmd: list[str], timeout: float, extra_env: dict[str, str] | None = None
    ) -> tuple[float, list[str], str]:
        import subprocess
        import tempfile

        with tempfile.TemporaryFile() as err:
            t0 = time.perf_counter()
            done = subprocess.run(
                cmd,
                env=self.env(extra_env),
                stdout=subprocess.PIPE,
                stderr=err,
                timeout=timeout,
                cwd=self.tmp.name,
            )
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-3000:]
        lines = done.stdout.decode("utf-8", "replace").splitlines()
        return time.perf_counter() - t0, lines, tail

    def app_command(self) -> list[str]:
        import shutil

        script = os.path.join(os.path.dirname(sys.executable), "desktop-chat")
        if not os.path.exists(script):
            script = shutil.which("desktop-chat") or ""
        if not script:
            raise SystemExit("the desktop-chat entry point is not installed in this interpreter")
        return [sys.executable, script]

    # --- scenarios --------------------------------------------------------------------------

    def startup_app(self) -> dict[str, float]:
        """To the first paint of the window's frame, and on to `ready`: the chats attached
        (store, settings, controller, the session's tabs) and the real tab painted."""
        seconds, _, _ = self._spawn_until_line(self.app_command(), "first-paint")
        return {"wall_s": seconds, "ready_s": self.line_times.get("ready", math.nan)}

    def startup_bare(self) -> dict[str, float]:
        seconds, _, _ = self._spawn_until_line(
            [sys.executable, "-c", BARE_WINDOW_CODE, "startup"], "first-paint"
        )
        return {"wall_s": seconds}

    def rss_bare(self) -> dict[str, float]:
        return self._run_child_cmd([sys.executable, "-c", BARE_WINDOW_CODE, "rss"])

    def _run_child_cmd(
        self, cmd: list[str], timeout: float = 300, extra_env: dict[str, str] | None = None
    ) -> dict[str, float]:
        import json

        _, lines, tail = self._spawn_result(cmd, timeout, extra_env)
        for text in reversed(lines):
            if text.startswith(RESULT_PREFIX):
                return json.loads(text[len(RESULT_PREFIX) :])
        raise ChildFailed(f"no result from {' '.join(cmd[:3])}:\n{tail}")

    def _script_stream(self, count: int) -> None:
        from fake_openai import many

        self.server.clear_script()  # type: ignore[union-attr]
        self.server.script(many(count))  # type: ignore[union-attr]

    def stream_gui(self, count: int) -> dict[str, float]:
        import tempfile

        self._script_stream(count)
        with tempfile.TemporaryDirectory(dir=self.tmp.name) as workdir:
            return self._run_child_cmd(
                [
                    sys.executable,
                    THIS,
                    "--child",
                    "stream-gui",
                    str(count),
                    self.server.base_url,
                    workdir,
                ]  # type: ignore[union-attr]
            )

    def stream_compare(self, count: int) -> dict[str, float]:
        import tempfile

        from fake_openai import many

        self.server.clear_script()  # type: ignore[union-attr]
        for model in COMPARE_MODELS:
            self.server.script_model(model, many(count))  # type: ignore[union-attr]
        with tempfile.TemporaryDirectory(dir=self.tmp.name) as workdir:
            return self._run_child_cmd(
                [
                    sys.executable,
                    THIS,
                    "--child",
                    "stream-compare",
                    str(count),
                    self.server.base_url,  # type: ignore[union-attr]
                    workdir,
                ],
                timeout=600,
            )

    def stream_sdk(self, count: int) -> dict[str, float]:
        self._script_stream(count)
        return self._run_child_cmd(
            [sys.executable, THIS, "--child", "stream-sdk", str(count), self.server.base_url]  # type: ignore[union-attr]
        )

    def import_profile(self) -> dict[str, object]:
        """`python -X importtime desktop-chat`: what is imported before the first paint."""
        python, script = self.app_command()
        _, lines, _ = self._spawn_until_line(
            [python, "-X", "importtime", script], "first-paint", merge_stderr=True
        )
        rows: list[tuple[int, int, str]] = []
        for text in lines:
            if text.strip() == "first-paint":
                break
            if not text.startswith("import time:") or "cumulative" in text:
                continue
            _self_us, cumulative_us, name = text.split(":", 1)[1].split("|")
            depth = (len(name) - len(name.lstrip()) - 1) // 2
            rows.append((int(cumulative_us), depth, name.strip()))
        top_level = sorted((r for r in rows if r[1] == 0), reverse=True)
        return {
            "total_s": sum(r[0] for r in top_level) / 1e6,
            "top": [(name, us / 1e6) for us, _, name in top_level[:10]],
            "openai_before_paint": any(r[2] == "openai" for r in rows),
            "modules": len(rows),
        }

    # --- the run ----------------------------------------------------------------------------

    def measure(self) -> None:
        big, small = self.chunks, self.small_chunks
        scenarios: dict[str, tuple[Callable[[], dict[str, float]], int]] = {}
        if "base" in self.figures:
            base = {
                "startup_app": self.startup_app,
                "startup_bare": self.startup_bare,
                "stream_sdk": lambda: self.stream_sdk(big),
                "stream_gui": lambda: self.stream_gui(big),
                "stream_gui_small": lambda: self.stream_gui(small),
                "rss_bare": self.rss_bare,
            }
            scenarios.update((name, (run, self.runs)) for name, run in base.items())
        if "compare" in self.figures:
            # Four streams at once in one tab, against the single stream of the same length.
            scenarios["stream_compare"] = (lambda: self.stream_compare(big), self.runs)
            scenarios.setdefault("stream_gui", (lambda: self.stream_gui(big), self.runs))
        scenarios.update(self.extra.scenarios())
        # Warm the page cache and the fontconfig/sqlite files once; these runs are discarded.
        if "base" in self.figures:
            self._attempt("warm-up", self.startup_bare)
        if self.figures & {"base", "hstart"}:
            self._attempt("warm-up", self.startup_app)
        if "base" in self.figures:
            self.importtime = self._attempt("importtime", self.import_profile)
        names = list(scenarios)
        # Interleaved: each repetition starts one scenario later, so drift hits all alike.
        for rep in range(max((reps for _, reps in scenarios.values()), default=0)):
            order = names[rep % len(names) :] + names[: rep % len(names)]
            for name in order:
                run, reps = scenarios[name]
                if rep >= reps:
                    continue
                t0 = time.perf_counter()
                result = self._attempt(name, run)
                if result is None:
                    continue
                self.results.setdefault(name, []).append(result)
                if self.verbose:
                    shown = {
                        k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()
                    }
                    print(
                        f"  run {rep + 1}/{reps} {name:<17} "
                        f"({time.perf_counter() - t0:4.1f} s) {shown}",
                        flush=True,
                    )

    def _attempt(self, name: str, scenario: Callable[[], T]) -> T | None:
        """Run one scenario; a failure (the app under edit, a timeout) is reported, not fatal."""
        import subprocess

        try:
            return scenario()
        except (ChildFailed, subprocess.TimeoutExpired, OSError, ValueError) as error:
            text = str(error).strip()
            self.failures.setdefault(name, text)
            print(f"  {name} FAILED: {text[-1500:]}", flush=True)
            return None

    def median(self, name: str, key: str) -> float:
        import statistics

        values = [float(r[key]) for r in self.results.get(name, []) if r.get(key) is not None]
        return statistics.median(values) if values else math.nan

    def spread(self, name: str, key: str, scale: float = 1.0, fmt: str = "{:.2f}") -> str:
        values = sorted(float(r[key]) * scale for r in self.results.get(name, []))
        if not values:
            return "n/a"
        return fmt.format(values[0]) + "–" + fmt.format(values[-1])


# --------------------------------------------------------------------------------------------
# Report.


def _rows(bench: Bench) -> list[dict[str, str]]:
    rows = _base_rows(bench) if "base" in bench.figures else []
    if "compare" in bench.figures:
        rows += _compare_rows(bench)
    return rows + bench.extra.rows()


def _compare_rows(bench: Bench) -> list[dict[str, str]]:
    """Four 20,000-chunk answers at once in one tab (issue 17) against one stream."""
    m = bench.median
    n = len(COMPARE_MODELS)
    stall, single_stall = m("stream_compare", "stall_ms"), m("stream_gui", "stall_ms")
    per_chunk = m("stream_compare", "cpu_s") / (n * bench.chunks) * 1e6
    single = m("stream_gui", "cpu_s") / bench.chunks * 1e6
    ratio = per_chunk / single if single else math.nan
    return [
        {
            "metric": f"Longest stall, {n} answers of {bench.chunks:,} chunks at once in one "
            "tab (one stream for context)",
            "measured": f"{stall:.1f} ms",
            "baseline": f"{single_stall:.1f} ms",
            "ratio": f"{stall / single_stall:.2f}×" if single_stall else "—",
            "target": "≤ 50 ms",
            "verdict": "FAILED" if math.isnan(stall) else "OK" if stall <= 50 else "MISS",
        },
        {
            "metric": f"CPU per chunk, {n} answers at once vs one stream",
            "measured": f"{per_chunk:.1f} µs",
            "baseline": f"{single:.1f} µs",
            "ratio": f"{ratio:.2f}×",
            "target": "≤ 1.3×",
            "verdict": "FAILED" if math.isnan(ratio) else "OK" if ratio <= 1.3 else "MISS",
        },
    ]


def _base_rows(bench: Bench) -> list[dict[str, str]]:
    m = bench.median
    rows: list[dict[str, str]] = []

    def ratio_row(
        metric: str,
        measured: float,
        baseline: float,
        target: float | None,
        unit: str,
        fmt: str = "{:.3f}",
    ) -> None:
        from history_bench import table_row

        ratio = measured / baseline if baseline else math.nan
        verdict = (
            "FAILED"
            if math.isnan(ratio)
            else "info"
            if target is None
            else "OK"
            if ratio <= target
            else "MISS"
        )
        shown = "(shown)" if target is None else f"≤ {target:g}×"
        rows.append(table_row(metric, measured, baseline, shown, verdict, unit, fmt))

    ratio_row(
        "Start-up to first paint (app vs bare window)",
        m("startup_app", "wall_s"),
        m("startup_bare", "wall_s"),
        1.3,
        " s",
    )
    ratio_row(
        "Start-up until the chats are in and painted (app `ready` vs bare first paint)",
        m("startup_app", "ready_s"),
        m("startup_bare", "wall_s"),
        None,
        " s",
    )
    ratio_row(
        f"Stream {bench.chunks:,} chunks, send → finished (GUI vs SDK in qasync)",
        m("stream_gui", "wall_s"),
        m("stream_sdk", "wall_s"),
        1.15,
        " s",
    )
    stall, base_stall = m("stream_gui", "stall_ms"), m("stream_sdk", "stall_ms")
    rows.append(
        {
            "metric": "Longest event-loop stall during the GUI stream (SDK alone for context)",
            "measured": f"{stall:.1f} ms",
            "baseline": f"{base_stall:.1f} ms",
            "ratio": f"{stall / base_stall:.2f}×" if base_stall else "—",
            "target": "≤ 50 ms",
            "verdict": "FAILED" if math.isnan(stall) else "OK" if stall <= 50 else "MISS",
        }
    )
    ratio_row(
        f"CPU of the GUI stream, {bench.chunks:,} vs {bench.small_chunks:,} chunks",
        m("stream_gui", "cpu_s"),
        m("stream_gui_small", "cpu_s"),
        4.5,
        " s",
    )
    ratio_row(
        "Peak RSS, GUI stream process vs bare window + openai/qasync/keyring",
        m("stream_gui", "maxrss_kb") / 1024,
        m("rss_bare", "maxrss_kb") / 1024,
        1.3,
        " MB",
        "{:.1f}",
    )
    return rows


def _table(rows: list[dict[str, str]]) -> str:
    head = ["metric", "measured", "baseline", "ratio", "target", "verdict"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row[h] for h in head) + " |" for row in rows]
    return "\n".join(lines)


def _context(bench: Bench) -> list[str]:
    import platform

    lines = []
    try:
        from importlib.metadata import version

        versions = ", ".join(
            f"{name} {version(name)}" for name in ("PySide6-Essentials", "openai", "qasync")
        )
    except Exception:
        versions = "?"
    lines.append(
        f"Median of {bench.runs} runs each (history start-ups and opens: at least 5; the "
        "history/render figures with medians inside: 1 with --quick), interleaved, one fresh "
        f"process per run; Python {platform.python_version()}, {versions}, "
        f"{os.cpu_count()} CPUs, Xvfb/xcb; figures: {', '.join(sorted(bench.figures))}; "
        "load average (1/5/15 min) at the end: "
        + "/".join(f"{x:.1f}" for x in os.getloadavg())
        + " (other work on the machine moves the borderline verdicts)."
    )
    if "base" in bench.figures:
        lines += _base_context(bench)
    lines += bench.extra.notes()
    for name, text in bench.failures.items():
        first = text.splitlines()[-1] if text.splitlines() else text
        lines.append(f"FAILED runs of {name}: {first[:300]}")
    return lines


def _base_context(bench: Bench) -> list[str]:
    m, s = bench.median, bench.spread
    lines = []
    lines.append(
        f"Spreads (min–max): start-up app {s('startup_app', 'wall_s')} s, bare "
        f"{s('startup_bare', 'wall_s')} s; stream GUI {s('stream_gui', 'wall_s')} s, SDK "
        f"{s('stream_sdk', 'wall_s')} s; GUI stall {s('stream_gui', 'stall_ms', fmt='{:.0f}')} ms."
    )
    lines.append(
        f"GUI stream: CPU {m('stream_gui', 'cpu_s'):.2f} s of {m('stream_gui', 'wall_s'):.2f} s "
        f"wall (SDK alone: CPU {m('stream_sdk', 'cpu_s'):.2f} s); "
        f"{m('stream_gui', 'frames_missed'):.0f} gaps > 1 frame (SDK alone: "
        f"{m('stream_sdk', 'frames_missed'):.0f}); longest stall "
        f"{m('stream_gui', 'stall_at_s'):.2f} s after send; after `finished`, the tab's re-render "
        f"stalls {m('stream_gui', 'tail_stall_ms'):.0f} ms. "
        f"{bench.small_chunks:,} chunks: {m('stream_gui_small', 'wall_s'):.2f} s wall, "
        f"{m('stream_gui_small', 'stall_ms'):.0f} ms stall."
    )
    complete = all(
        r.get("complete")
        for n in ("stream_gui", "stream_gui_small", "stream_sdk")
        for r in bench.results.get(n, [])
    )
    lines.append(
        "Every stream arrived whole: "
        + ("yes." if complete else "NO — see the runs above.")
        + f" SDK-alone process peak RSS {m('stream_sdk', 'maxrss_kb') / 1024:.0f} MB."
    )
    info = bench.importtime
    if info:
        lines.append(
            f"Imports before the app's first paint (`python -X importtime desktop-chat`, one "
            f"run): {info['total_s']:.2f} s in {info['modules']} modules; `openai` imported "
            f"before the first paint: {'YES' if info['openai_before_paint'] else 'no'}. Top 10 "
            "top-level imports by cumulative time:"
            + "".join(
                f"\n    - `{name}` {sec * 1000:.0f} ms"
                for name, sec in info["top"]  # type: ignore[union-attr]
            )
        )
    return lines


def _print_line_by_line(rows: list[dict[str, str]]) -> None:
    print()
    for row in rows:
        print(
            f"{row['metric']}\n    measured {row['measured']:>10}   baseline "
            f"{row['baseline']:>10}   ratio {row['ratio']:>7}   target {row['target']:<8}  "
            f"{row['verdict']}"
        )


def _profile_stream(bench: Bench) -> None:
    import pstats
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pstats", delete=False) as handle:
        path = handle.name
    os.environ["BENCH_PROFILE"] = path
    try:
        result = bench.stream_gui(bench.chunks)
    finally:
        del os.environ["BENCH_PROFILE"]
    print(
        f"\ncProfile of one GUI stream of {bench.chunks:,} chunks (send → finished; wall "
        f"{result['wall_s']:.2f} s under the profiler):"
    )
    stats = pstats.Stats(path)
    stats.strip_dirs().sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("cumulative").print_stats(
        r"(controller|message_view|conversation_tab|main_window|render|store|tab_chrome|live_)", 40
    )
    os.unlink(path)


def main(argv: list[str] | None = None) -> int:
    import argparse

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        child_main(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 runs per scenario")
    parser.add_argument("--runs", type=int, help="runs per scenario (default 5)")
    parser.add_argument("--chunks", type=int, default=20_000, help="chunks in the big stream")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also cProfile one GUI stream and print where its time goes",
    )
    parser.add_argument(
        "--only",
        metavar="LIST",
        help="comma-separated figures: base (start-up, stream, RSS), history (= hstart, hopen, "
        "search, sidebar), render (= delta, tabs), or any of those names; default: all",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no per-run lines")
    args = parser.parse_args(argv)
    runs = args.runs or (2 if args.quick else 5)
    sys.path.insert(0, os.path.dirname(THIS))
    import history_bench

    figures = history_bench.selection(args.only)

    started = time.perf_counter()
    bench = Bench(runs, args.chunks, verbose=not args.quiet, figures=figures, quick=args.quick)
    try:
        bench.start()
        bench.extra.prepare()
        print(
            f"desktop-chat benchmark: {runs} run(s) per scenario on Xvfb {bench.display}, "
            f"fake server {bench.server.base_url}",
            flush=True,
        )  # type: ignore[union-attr]
        bench.measure()
        rows = _rows(bench)
        _print_line_by_line(rows)
        table = _table(rows)
        notes = _context(bench)
        print("\n" + table + "\n")
        for line in notes:
            print("- " + line)
        os.makedirs(os.path.join(REPO, "artifacts"), exist_ok=True)
        # A partial run (--only) does not overwrite the full table.
        name = "bench.md" if not args.only else f"bench-{args.only.replace(',', '-')}.md"
        with open(os.path.join(REPO, "artifacts", name), "w", encoding="utf-8") as out:
            out.write(
                f"<!-- python -m tests.perf.bench{' --quick' if args.quick else ''}"
                f"{' --only ' + args.only if args.only else ''}, "
                f"{time.strftime('%Y-%m-%d %H:%M')} -->\n\n{table}\n\n"
            )
            out.write("".join(f"- {line}\n" for line in notes))
        print(f"\nWritten to artifacts/{name} ({time.perf_counter() - started:.0f} s in all).")
        if args.profile and "base" in bench.figures:
            _profile_stream(bench)
    finally:
        bench.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
