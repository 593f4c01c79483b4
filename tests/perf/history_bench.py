"""History and rendering figures for tests/perf/bench.py: a big history, long chats, many tabs.

Groups (select with `bench.py --only`): `history` = hstart, hopen, search, sidebar;
`render` = delta, tabs. Each figure is measured in fresh child processes, side by side with
its baseline in the same run:

hstart   app start (the real entry point) to first paint with the generated history (10,000
         conversations, 200,000 messages; history_data.py), plainly and with a saved session
         that reopens the 5,000-message conversation, against the same start on an empty history.
hopen    MainWindow.open_conversation(5,000-message chat) to the end of the first paint of the
         tab's message view, against opening a ~20-message chat the same way.
search   20 queries (5 common words, 5 rare ones, each twice): ConversationStore.search, and the
         sidebar's searchField -> list painted with the debounce timer set to 0; against a bare
         ranked FTS5 query (messages_fts MATCH ... ORDER BY rank LIMIT 50) on the same database.
sidebar  rows in the history model after the window opens and after one scroll to the bottom;
         time to page-step the list from top to bottom (through all 10,000 rows), against a
         QListView over a QStringListModel holding the same number of rows.
delta    (also: a 100 KB answer with no space against the same prose with spaces, CPU seconds)
         MessageView driven directly: begin_stream, then append_delta per ~5-char chunk, with a
         viewport repaint + processEvents; median cost of chunks 90-110 vs 19,990-20,010, with a
         newline every 80 chunks, and without any newline (one paragraph: a known weakness).
tabs     20 open chats of 500 messages (markdown + code): setCurrentIndex -> end of the new tab's
         first paint, median of 40 switches, against 20 chats of 6 messages; and the process's
         VmRSS (after gc) with those 20 tabs against one such tab.

"End of a paint": an event filter sees the Paint event of the viewport and posts a zero timer;
the time is taken when that timer fires, i.e. after the whole paint pass (and its flush).

Every database scenario runs on its own copy of the generated file. Set BENCH_PROFILE=FILE to
have a child cProfile its measured section (open, search, tabs, delta) into FILE.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RESULT_PREFIX = "RESULT "

GROUPS = {
    "base": ("base",),
    "history": ("hstart", "hopen", "search", "sidebar"),
    "render": ("delta", "tabs", "images"),
}
FIGURES = ("base", "hstart", "hopen", "search", "sidebar", "delta", "tabs", "compare", "images")
NEEDS_DATABASE = {"hstart", "hopen", "search", "sidebar", "tabs"}

DELTA_EARLY = (90, 110)  # chunk numbers (1-based, inclusive) timed around the 100th
DELTA_CHUNKS = 20_010
DELTA_LATE = (19_990, 20_010)
CHUNK_CHARS = 5
NEWLINE_EVERY = 80
SWITCHES = 40
STREAM_100K_CHARS = 100_000
PICKER_MODELS = 3_000
IMAGE_TURNS = 50  # a conversation of 50 prompts, each with a screenshot or a photo


def selection(text: str | None) -> set[str]:
    """`--only history,delta` -> the set of figure names (groups expand)."""
    if not text:
        return set(FIGURES)
    chosen: set[str] = set()
    for word in (w.strip() for w in text.split(",")):
        if not word:
            continue
        if word in GROUPS:
            chosen.update(GROUPS[word])
        elif word in FIGURES:
            chosen.add(word)
        else:
            raise SystemExit(
                f"--only: unknown {word!r}; choose from {', '.join([*GROUPS, *FIGURES[1:]])}"
            )
    return chosen


# ============================================================================================
# Child side. Qt is imported only in these functions.


def _emit(result: dict[str, object]) -> None:
    import resource

    result["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def _vm_rss_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class _Profile:
    """cProfile around the measured section when BENCH_PROFILE names a file."""

    def __init__(self) -> None:
        self.path = os.environ.get("BENCH_PROFILE")
        self.profiler = None
        if self.path:
            import cProfile

            self.profiler = cProfile.Profile()

    def __enter__(self) -> _Profile:
        if self.profiler is not None:
            self.profiler.enable()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.profiler is not None:
            self.profiler.disable()

    def dump(self) -> None:
        if self.profiler is not None and self.path:
            self.profiler.dump_stats(self.path)


class _Gui:
    """A QApplication, and "do this, then wait for the end of that widget's next paint"."""

    def __init__(self) -> None:
        from PySide6.QtWidgets import QApplication

        self.app = QApplication.instance() or QApplication(sys.argv[:1])
        self.app.setQuitOnLastWindowClosed(False)

    def until_painted(
        self, action: Callable[[], object], target: Callable[[], Any], timeout: float = 30.0
    ) -> dict[str, float]:
        """Run `action`, then wait for the end of `target()`'s first paint after it.

        Returns seconds from the start of `action` to: its return (`call`), the Paint event
        (`paint`) and the end of that paint pass (`end`)."""
        from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

        loop = QEventLoop()
        marks: dict[str, float] = {}

        def done() -> None:
            marks["end"] = time.perf_counter()
            loop.quit()

        class Watch(QObject):
            def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint and "paint" not in marks:
                    marks["paint"] = time.perf_counter()
                    QTimer.singleShot(0, done)
                return False

        watch = Watch()
        guard = QTimer()
        guard.setSingleShot(True)
        guard.timeout.connect(loop.quit)
        t0 = time.perf_counter()
        action()
        marks["call"] = time.perf_counter()
        widget = target()
        widget.installEventFilter(watch)
        guard.start(int(timeout * 1000))
        if "end" not in marks:
            loop.exec()
        guard.stop()
        widget.removeEventFilter(watch)
        if "end" not in marks:
            raise RuntimeError(f"no paint of {widget.objectName() or widget} within {timeout} s")
        return {key: value - t0 for key, value in marks.items()}

    def settle(self, seconds: float) -> None:
        """Run the event loop for a while (deferred layouts, zero timers)."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()


def _window(db_path: str) -> tuple[_Gui, Any]:
    """The real MainWindow on `db_path`, shown and painted once."""
    sys.path.insert(0, REPO)
    gui = _Gui()
    from desktop_chat.api import ProviderConfig
    from desktop_chat.controller import ChatController
    from desktop_chat.store import ConversationStore
    from desktop_chat.ui.main_window import MainWindow

    store = ConversationStore(db_path)
    controller = ChatController(
        store, ProviderConfig(base_url="http://127.0.0.1:9/v1", api_key="k", max_retries=0)
    )
    window = MainWindow(controller)
    window.restore_session()
    gui.until_painted(window.show, lambda: window)
    gui.settle(0.3)
    return gui, window


def child_open(db_path: str, conversation_id: str) -> None:
    """Figure 2: open_conversation(id) -> end of the first paint of its message view."""
    gui, window = _window(db_path)
    from desktop_chat.ui.message_view import MessageView

    store = window.store
    split: dict[str, float] = {"store_s": 0.0, "show_conversation_s": 0.0}
    original_get = store.get_conversation
    original_show = MessageView.show_conversation

    def timed_get(*args: object, **kwargs: object) -> object:
        t = time.perf_counter()
        try:
            return original_get(*args, **kwargs)
        finally:
            split["store_s"] += time.perf_counter() - t

    def timed_show(self: MessageView, messages: object) -> None:
        t = time.perf_counter()
        try:
            original_show(self, messages)
        finally:
            split["show_conversation_s"] += time.perf_counter() - t

    store.get_conversation = timed_get  # type: ignore[method-assign]
    MessageView.show_conversation = timed_show  # type: ignore[method-assign]
    with _Profile() as profile:
        marks = gui.until_painted(
            lambda: window.open_conversation(conversation_id),
            lambda: window.current_tab().message_view.viewport(),
        )
    profile.dump()
    tab = window.current_tab()
    store.get_conversation = original_get  # type: ignore[method-assign]
    t = time.perf_counter()
    messages = len(store.get_conversation(conversation_id).messages)
    again = time.perf_counter() - t
    _emit(
        {
            "open_s": marks["end"],
            "call_s": marks["call"],
            "paint_s": marks["paint"],
            **split,
            "store_again_s": again,
            "messages": messages,
            "laid_out": len(tab.message_view._frames),
            "chars": tab.message_view.document().characterCount(),
        }
    )
    os._exit(0)


def _queries(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """20 queries: common and rare words alternating, each word twice."""
    common, rare = manifest["common"], manifest["rare"]
    once = [
        pair for c, r in zip(common, rare, strict=True) for pair in (("common", c), ("rare", r))
    ]
    return once + once


def _search_summary(prefix: str, times: list[float], queries: list[tuple[str, str]]) -> dict:
    kinds = [kind for kind, _ in queries]
    return {
        f"{prefix}_median_s": statistics.median(times),
        f"{prefix}_worst_s": max(times),
        f"{prefix}_common_median_s": statistics.median(
            t for t, k in zip(times, kinds, strict=True) if k == "common"
        ),
        f"{prefix}_rare_median_s": statistics.median(
            t for t, k in zip(times, kinds, strict=True) if k == "rare"
        ),
        f"{prefix}_times_ms": [round(t * 1000, 2) for t in times],
    }


def child_search(db_path: str, manifest_path: str) -> None:
    """Figure 3: store.search x20, then the sidebar's search field x20 (list painted)."""
    with open(manifest_path, encoding="utf-8") as handle:
        manifest = json.load(handle)
    queries = _queries(manifest)
    gui, window = _window(db_path)
    store = window.store
    sidebar = window.sidebar
    profile = _Profile()
    store_times: list[float] = []
    hits: dict[str, int] = {}
    with profile:
        for _kind, word in queries:
            t = time.perf_counter()
            found = store.search(word)
            store_times.append(time.perf_counter() - t)
            hits[word] = len(found)
    # The sidebar: typing fires a 120 ms single-shot timer; set it to 0 so the figure is the
    # reload and the repaint, not the debounce.
    from PySide6.QtCore import QTimer

    timer = getattr(sidebar, "_refresh_timer", None)
    if not isinstance(timer, QTimer):
        timers = [t for t in sidebar.findChildren(QTimer) if t.isSingleShot()]
        timer = timers[0] if timers else None
    if timer is None:
        raise SystemExit("the sidebar has no debounce timer to shorten")
    debounce_ms = timer.interval()
    timer.setInterval(0)
    list_times: list[float] = []
    rows: dict[str, int] = {}
    with profile:
        for _kind, word in queries:
            marks = gui.until_painted(
                lambda w=word: sidebar.search_field.setText(w),
                lambda: sidebar.list_view.viewport(),
            )
            list_times.append(marks["end"])
            rows[word] = sidebar.model.rowCount()
            gui.settle(0.02)
    profile.dump()
    _emit(
        {
            **_search_summary("store", store_times, queries),
            **_search_summary("sidebar", list_times, queries),
            "hits": hits,
            "rows": rows,
            "debounce_ms": debounce_ms,
        }
    )
    os._exit(0)


def child_search_floor(db_path: str, manifest_path: str) -> None:
    """Figure 3's baseline: a bare ranked FTS5 query for the same words, same database."""
    import sqlite3

    with open(manifest_path, encoding="utf-8") as handle:
        manifest = json.load(handle)
    queries = _queries(manifest)
    db = sqlite3.connect(db_path)
    db.execute("SELECT COUNT(*) FROM conversations").fetchone()  # open the file, read schema
    times: list[float] = []
    for _kind, word in queries:
        t = time.perf_counter()
        db.execute(
            "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rank LIMIT 50",
            (f'"{word}"*',),
        ).fetchall()
        times.append(time.perf_counter() - t)
    _emit(_search_summary("floor", times, queries))
    os._exit(0)


def _page_scroll(gui: _Gui, view: Any, model: Any) -> dict[str, float]:
    """Page-step `view` from the top to the very bottom (fetching every page on the way)."""
    from PySide6.QtCore import QModelIndex
    from PySide6.QtWidgets import QAbstractSlider

    bar = view.verticalScrollBar()
    bar.setValue(0)
    gui.settle(0.1)
    steps: list[float] = []
    stuck = 0
    t0 = time.perf_counter()
    while len(steps) < 100_000:
        before = (bar.value(), model.rowCount())
        t = time.perf_counter()
        bar.triggerAction(QAbstractSlider.SliderAction.SliderPageStepAdd)
        gui.app.processEvents()  # fetchMore's rows, the delayed item layout, the new range
        view.viewport().repaint()
        steps.append(time.perf_counter() - t)
        at_end = bar.value() >= bar.maximum()
        if at_end and not model.canFetchMore(QModelIndex()):
            break
        if (bar.value(), model.rowCount()) == before:
            stuck += 1
            if stuck > 50:
                break
        else:
            stuck = 0
    total = time.perf_counter() - t0
    return {
        "scroll_s": total,
        "steps": len(steps),
        "step_median_ms": statistics.median(steps) * 1000,
        "step_worst_ms": max(steps) * 1000,
        "rows_end": model.rowCount(),
        "reached_end": bar.value() >= bar.maximum() and not model.canFetchMore(QModelIndex()),
    }


def child_sidebar(db_path: str) -> None:
    """Figure 4: rows after opening, after one scroll to the bottom; page-step scroll time."""
    gui, window = _window(db_path)
    view, model = window.history_list, window.sidebar.model
    # Rows actually read from the store (the model may know its full length up front).
    rows_open = getattr(model, "loaded_rows", model.rowCount())
    view.scrollToBottom()
    gui.settle(0.3)
    rows_once = getattr(model, "loaded_rows", model.rowCount())
    result = _page_scroll(gui, view, model)
    _emit({"rows_open": rows_open, "rows_once": rows_once, **result})
    os._exit(0)


def child_sidebar_floor(rows: int) -> None:
    """Figure 4's baseline: a QListView over a QStringListModel of `rows` rows, same layout."""
    gui = _Gui()
    from PySide6.QtCore import QStringListModel
    from PySide6.QtWidgets import (
        QLabel,
        QLineEdit,
        QListView,
        QMainWindow,
        QSplitter,
        QTabWidget,
        QVBoxLayout,
        QWidget,
    )

    window = QMainWindow()
    window.resize(1100, 760)
    window.menuBar().addMenu("&File")
    sidebar = QWidget()
    column = QVBoxLayout(sidebar)
    column.setContentsMargins(6, 6, 0, 6)
    column.addWidget(QLineEdit())
    column.addWidget(QLabel("History"))
    model = QStringListModel([f"Conversation number {i} about things" for i in range(rows)])
    view = QListView()
    view.setModel(model)
    view.setUniformItemSizes(True)
    column.addWidget(view, 1)
    splitter = QSplitter()
    splitter.addWidget(sidebar)
    splitter.addWidget(QTabWidget())
    splitter.setSizes([240, 860])
    window.setCentralWidget(splitter)
    gui.until_painted(window.show, lambda: window)
    gui.settle(0.3)
    _emit({"rows_open": model.rowCount(), **_page_scroll(gui, view, model)})
    os._exit(0)


def _stream_text(chunks: int, newlines: bool) -> list[str]:
    """`chunks` pieces of CHUNK_CHARS characters of prose; every NEWLINE_EVERY-th ends a line."""
    import random

    import history_data

    text = history_data._Text(random.Random(7), sentences=3000)
    prose = ""
    while len(prose) < chunks * CHUNK_CHARS:
        prose += text.prose(20, 40) + " "
    pieces = [prose[i * CHUNK_CHARS : (i + 1) * CHUNK_CHARS] for i in range(chunks)]
    if newlines:
        for i in range(NEWLINE_EVERY - 1, chunks, NEWLINE_EVERY):
            pieces[i] = pieces[i][:-1] + "\n"
    return pieces


def child_delta(variant: str, every: int) -> None:
    """Figure 5: MessageView, one streamed answer of DELTA_CHUNKS chunks.

    Every chunk goes through append_delta. Inside the two timed windows, and every `every`
    chunks elsewhere, the viewport is repainted and events processed after the append; a timed
    chunk is append + repaint + processEvents. The "paragraph" variant (no newline) brings the
    answer from chunk DELTA_EARLY[1] to DELTA_LATE[0] in appends of NEWLINE_EVERY chunks each
    (the same text, so the same document): one chunk at a time costs O(length) per chunk there,
    minutes in all.
    """
    sys.path.insert(0, REPO)
    sys.path.insert(0, HERE)
    import random

    import history_data

    gui = _Gui()
    from desktop_chat.domain import Message, MessageStatus, Role, utc_now
    from desktop_chat.ui.message_view import MessageView

    newlines = variant == "lines"
    pieces = _stream_text(DELTA_CHUNKS, newlines)
    view = MessageView()
    view.resize(860, 560)  # about the message view's size in the 1100x760 window
    # The conversation so far fills the view, so the early chunks repaint a full viewport like
    # the late ones do (an empty view paints less, whatever the document's length).
    text = history_data._Text(random.Random(11), sentences=300)
    earlier = []
    parent = None
    for i in range(6):
        role = Role.USER if i % 2 == 0 else Role.ASSISTANT
        content = text.user() if role is Role.USER else text.answer(rich=True)
        earlier.append(Message(f"m{i}", "c", parent, role, content, utc_now()))
        parent = f"m{i}"
    gui.until_painted(view.show, lambda: view.viewport())
    view.show_conversation(earlier)
    view.begin_stream(
        Message(
            "answer", "c", parent, Role.ASSISTANT, "", utc_now(), status=MessageStatus.STREAMING
        )
    )
    gui.settle(0.2)
    viewport = view.viewport()
    app = gui.app
    early: list[float] = []
    late: list[float] = []
    profile = _Profile()
    t_start = time.perf_counter()

    def timed(number: int) -> float:
        t = time.perf_counter()
        view.append_delta(pieces[number - 1])
        viewport.repaint()
        app.processEvents()
        return time.perf_counter() - t

    number = 1
    while number <= DELTA_CHUNKS:
        if DELTA_EARLY[0] <= number <= DELTA_EARLY[1]:
            early.append(timed(number))
            number += 1
        elif DELTA_LATE[0] <= number <= DELTA_LATE[1]:
            with profile:
                late.append(timed(number))
            number += 1
        elif not newlines and DELTA_EARLY[1] < number < DELTA_LATE[0]:
            upto = min(number + NEWLINE_EVERY, DELTA_LATE[0])
            view.append_delta("".join(pieces[number - 1 : upto - 1]))
            viewport.repaint()
            app.processEvents()
            number = upto
        else:
            view.append_delta(pieces[number - 1])
            if number % every == 0:
                viewport.repaint()
                app.processEvents()
            number += 1
    total = time.perf_counter() - t_start
    profile.dump()
    document = view.document()
    streamed = "".join(pieces)
    _emit(
        {
            "early_ms": statistics.median(early) * 1000,
            "late_ms": statistics.median(late) * 1000,
            "early_worst_ms": max(early) * 1000,
            "late_worst_ms": max(late) * 1000,
            "total_s": total,
            "chars": len(streamed),
            "blocks": document.blockCount(),
            "complete": document.toPlainText().endswith(streamed[-200:]),
            "every": every,
        }
    )
    os._exit(0)


def child_stream_100k(variant: str) -> None:
    """A 100 KB answer streamed in CHUNK_CHARS chunks, a repaint every 20 (about a frame of
    fast tokens): process CPU seconds, for prose and for the same length with no space."""
    gui = _Gui()
    from desktop_chat.domain import Message, MessageStatus, Role, utc_now
    from desktop_chat.ui.message_view import MessageView

    prose = "".join(_stream_text(STREAM_100K_CHARS // CHUNK_CHARS, newlines=False))
    text = prose if variant == "spaced" else prose.replace(" ", "x")
    view = MessageView()
    view.resize(860, 560)
    gui.until_painted(view.show, lambda: view.viewport())
    view.begin_stream(
        Message("answer", "c", None, Role.ASSISTANT, "", utc_now(), status=MessageStatus.STREAMING)
    )
    gui.settle(0.2)
    viewport, app = view.viewport(), gui.app
    cpu, wall = time.process_time(), time.perf_counter()
    for number, start in enumerate(range(0, len(text), CHUNK_CHARS)):
        view.append_delta(text[start : start + CHUNK_CHARS])
        if number % 20 == 0:
            viewport.repaint()
            app.processEvents()
    viewport.repaint()
    app.processEvents()
    _emit(
        {
            "cpu_s": time.process_time() - cpu,
            "wall_s": time.perf_counter() - wall,
            "chars": len(text),
            "spaces": text.count(" "),
        }
    )
    os._exit(0)


def child_picker(variant: str) -> None:
    """The Ctrl+L model picker with PICKER_MODELS ids (`vendor/model`): set_models + open to
    the end of the list's first paint (median of 15), and one keystroke's filter + repaint
    (median of 30). The baseline variant is a bare QListView over a QStringListModel of the
    same ids, shown and filtered (setStringList) the same way."""
    gui = _Gui()
    from PySide6.QtCore import QStringListModel
    from PySide6.QtWidgets import QComboBox, QLineEdit, QListView

    vendors = ("openai", "anthropic", "google", "meta-llama", "mistralai", "qwen", "deepseek")
    ids = [
        f"{vendors[i % len(vendors)]}/model-{i:04d}-{'mini' if i % 3 else 'pro'}"
        for i in range(PICKER_MODELS)
    ]
    anchor = QComboBox()
    anchor.show()
    gui.settle(0.2)
    queries = ["m", "mo", "mod", "mode", "model", "model-1", "model-12", "mini", "pro", "qwen"]
    opened: list[float] = []
    keys: list[float] = []
    if variant == "app":
        from desktop_chat.model_choice import ModelMemory
        from desktop_chat.store import ConversationStore
        from desktop_chat.ui.model_picker import ModelPickerPopup

        memory = ModelMemory(ConversationStore(), "")
        for model in ids[:5]:
            memory.use(model)
        for _ in range(15):
            popup = ModelPickerPopup()

            def show(popup: Any = popup) -> None:
                popup.set_models(ids, memory, True)
                popup.open_under(anchor)

            marks = gui.until_painted(show, lambda popup=popup: popup.list_view.viewport())
            opened.append(marks["end"])
            search = popup.search
            view = popup.list_view.viewport()
            for query in queries * 3:
                t = time.perf_counter()
                search.setText(query)
                view.repaint()
                gui.app.processEvents()
                keys.append(time.perf_counter() - t)
            popup.close()
            popup.deleteLater()
            gui.settle(0.05)
    else:
        for _ in range(15):
            field, view = QLineEdit(), QListView()
            model = QStringListModel()
            view.setModel(model)
            view.setUniformItemSizes(True)

            def show(view: Any = view, model: Any = model) -> None:
                model.setStringList(ids)
                view.show()

            marks = gui.until_painted(show, lambda view=view: view.viewport())
            opened.append(marks["end"])
            for query in queries * 3:
                t = time.perf_counter()
                field.setText(query)
                model.setStringList([i for i in ids if query in i])
                view.viewport().repaint()
                gui.app.processEvents()
                keys.append(time.perf_counter() - t)
            view.close()
            view.deleteLater()
            gui.settle(0.05)
    _emit(
        {
            "open_median_s": statistics.median(opened),
            "key_median_s": statistics.median(keys),
            "key_worst_s": max(keys),
            "models": len(ids),
        }
    )
    os._exit(0)


def child_tabs(db_path: str, ids_csv: str, switches: int) -> None:
    """Figures 6 and 7: open these chats (each painted once), switch tabs, VmRSS after gc."""
    import gc

    gui, window = _window(db_path)
    ids = [i for i in ids_csv.split(",") if i]
    opened: list[float] = []
    for conversation_id in ids:
        marks = gui.until_painted(
            lambda c=conversation_id: window.open_conversation(c),
            lambda: window.current_tab().message_view.viewport(),
        )
        opened.append(marks["end"])
    gui.settle(0.3)
    gc.collect()
    rss_open = _vm_rss_kb()
    tabs = window.tabs
    indices = [tabs.indexOf(window.tab_for(c)) for c in ids]
    position = len(ids) - 1  # the last one opened is current
    times: list[float] = []
    first_visit: list[bool] = []
    seen = {position}
    profile = _Profile()
    for _ in range(switches if len(ids) > 1 else 0):
        position = (position + 7) % len(ids)
        index = indices[position]
        with profile:
            marks = gui.until_painted(
                lambda i=index: tabs.setCurrentIndex(i),
                lambda i=index: tabs.widget(i).message_view.viewport(),
            )
        times.append(marks["end"])
        first_visit.append(position not in seen)
        seen.add(position)
        gui.settle(0.03)
    profile.dump()
    gui.settle(0.3)
    gc.collect()
    result: dict[str, object] = {
        "tabs": len(ids),
        "open_median_s": statistics.median(opened),
        "open_worst_s": max(opened),
        "rss_open_kb": rss_open,
        "rss_kb": _vm_rss_kb(),
        "chars": sum(
            t.message_view.document().characterCount() for t in window.conversation_tabs()
        ),
    }
    if times:
        revisits = [t for t, first in zip(times, first_visit, strict=True) if not first]
        result.update(
            switch_median_s=statistics.median(times),
            switch_worst_s=max(times),
            switch_revisit_median_s=statistics.median(revisits) if revisits else math.nan,
            switches=len(times),
        )
    _emit(result)
    os._exit(0)


def _bench_image(index: int) -> Any:
    """A distinct 1920x1080 picture: a screenshot-like one (flat areas, text) for even
    numbers, a photo-like one (gradients and grain, so it becomes a JPEG) for odd ones."""
    import random

    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter

    width, height = 1920, 1080
    image = QImage(width, height, QImage.Format.Format_RGB32)
    rng = random.Random(index)
    painter = QPainter(image)
    if index % 2 == 0:
        image.fill(QColor(245, 245, 247))
        painter.fillRect(QRect(0, 0, 300, height), QColor(40, 44, 52))
        painter.setPen(QColor(20, 20, 20))
        for line in range(40):
            painter.drawText(320, 30 + line * 26, f"Line {line} of screenshot {index}: " * 3)
        for _ in range(12):
            colour = QColor(rng.randrange(256), rng.randrange(256), rng.randrange(256))
            painter.fillRect(
                QRect(rng.randrange(300, 1700), rng.randrange(0, 900), 200, 120), colour
            )
    else:
        gradient = QLinearGradient(0, 0, width, height)
        gradient.setColorAt(0, QColor(rng.randrange(256), 120, 200))
        gradient.setColorAt(1, QColor(30, rng.randrange(256), 60))
        painter.fillRect(image.rect(), gradient)
        painter.setPen(Qt.PenStyle.NoPen)
        for _ in range(3000):  # grain, so the picture is not trivially compressible
            painter.setBrush(QColor(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
            painter.drawEllipse(rng.randrange(width), rng.randrange(height), 9, 9)
    painter.end()
    return image


def child_images(workdir: str, variant: str) -> None:
    """Issue 13: a chat of 50 prompts each with an image (`images`), or the same chat with no
    images (`plain`): open it in a tab → first paint, page-step it top → bottom → top with a
    repaint per step (a frame each), and VmRSS after gc."""
    import gc

    sys.path.insert(0, REPO)
    gui = _Gui()
    from desktop_chat.attachments import attachment_from_image
    from desktop_chat.domain import Role
    from desktop_chat.store import ConversationStore

    db_path = os.path.join(workdir, "images.sqlite3")
    store = ConversationStore(db_path)
    chat = store.create_conversation(title="Screenshots")
    parent = None
    stored_bytes = 0
    answer = (
        "Here is what I see in it:\n\n- a sidebar on the left\n- **forty lines** of text\n"
        "- a few coloured boxes\n\n" + "The layout is a common one for such tools. " * 8
    )
    for index in range(IMAGE_TURNS):
        files = []
        if variant == "images":
            files = [attachment_from_image(_bench_image(index), f"screenshot-{index}.png")]
            stored_bytes += files[0].size
        prompt = store.add_message(
            chat.id, parent, Role.USER, f"What is in picture {index}?", attachments=files
        )
        parent = store.add_message(chat.id, prompt.id, Role.ASSISTANT, answer, model="m").id
    store.close()
    del files
    gc.collect()

    _, window = _window(db_path)
    import markdown_it  # noqa: F401  (as the app's warm-up after its first paint does)

    gc.collect()
    rss_before = _vm_rss_kb()
    with _Profile() as profile:
        marks = gui.until_painted(
            lambda: window.open_conversation(chat.id),
            lambda: window.current_tab().message_view.viewport(),
        )
    profile.dump()
    view = window.current_tab().message_view
    gui.settle(0.3)
    bar = view.verticalScrollBar()
    from PySide6.QtWidgets import QAbstractSlider

    steps: list[float] = []
    bar.setValue(0)
    gui.settle(0.05)
    down, up = (
        QAbstractSlider.SliderAction.SliderPageStepAdd,
        QAbstractSlider.SliderAction.SliderPageStepSub,
    )
    for action, end in ((down, bar.maximum), (up, bar.minimum)):
        for _ in range(10_000):
            t = time.perf_counter()
            bar.triggerAction(action)
            gui.app.processEvents()
            view.viewport().repaint()
            steps.append(time.perf_counter() - t)
            if bar.value() == end():
                break
    gui.settle(0.3)
    gc.collect()
    _emit(
        {
            "open_s": marks["end"],
            "call_s": marks["call"],
            "paint_s": marks["paint"],
            "steps": len(steps),
            "step_median_ms": statistics.median(steps) * 1000,
            "step_worst_ms": max(steps) * 1000,
            "rss_before_kb": rss_before,
            "rss_kb": _vm_rss_kb(),
            "stored_mb": stored_bytes / 2**20,
            "height_px": bar.maximum() + bar.pageStep(),
        }
    )
    os._exit(0)


def child_main(kind: str, args: list[str]) -> None:
    sys.path.insert(0, HERE)
    if kind == "h-open":
        child_open(args[0], args[1])
    elif kind == "h-search":
        child_search(args[0], args[1])
    elif kind == "h-search-floor":
        child_search_floor(args[0], args[1])
    elif kind == "h-sidebar":
        child_sidebar(args[0])
    elif kind == "h-sidebar-floor":
        child_sidebar_floor(int(args[0]))
    elif kind == "h-delta":
        child_delta(args[0], int(args[1]))
    elif kind == "h-picker":
        child_picker(args[0])
    elif kind == "h-stream100k":
        child_stream_100k(args[0])
    elif kind == "h-tabs":
        child_tabs(args[0], args[1], int(args[2]))
    elif kind == "h-images":
        child_images(args[0], args[1])
    else:
        raise SystemExit(f"unknown child {kind!r}")


# ============================================================================================
# Parent side: the database, the scenarios, the rows and notes.


def table_row(
    metric: str,
    measured: float,
    baseline: float | None,
    target: str,
    verdict: str,
    unit: str,
    fmt: str = "{:.3f}",
    scale: float = 1.0,
) -> dict[str, str]:
    """One row of the results table (bench.py's figures and these): the cells as text."""
    usable = baseline is not None and not math.isnan(baseline) and baseline != 0
    ratio = measured / baseline if usable else math.nan  # type: ignore[operator]
    return {
        "metric": metric,
        "measured": "failed" if math.isnan(measured) else fmt.format(measured * scale) + unit,
        "baseline": "—"
        if baseline is None
        else "failed"
        if math.isnan(baseline)
        else fmt.format(baseline * scale) + unit,
        "ratio": "—" if math.isnan(ratio) else f"{ratio:.2f}×",
        "target": target,
        "verdict": verdict,
    }


class Extra:
    """The history and rendering scenarios of one bench run."""

    def __init__(self, bench: Any, figures: set[str], quick: bool) -> None:
        self.bench = bench
        self.figures = figures
        self.quick = quick
        self.source = os.path.join(bench.tmp.name, "history-source")
        self.manifest: dict[str, Any] = {}
        self.generation_failed = ""

    @property
    def active(self) -> bool:
        return bool(self.figures - {"base"})

    # --- the database ---------------------------------------------------------------------

    def prepare(self) -> None:
        if not self.figures & NEEDS_DATABASE:
            return
        import history_data

        sys.path.insert(0, REPO)
        print(
            f"Generating the history ({history_data.CONVERSATIONS:,} conversations, "
            f"{history_data.MESSAGES:,} messages) …",
            flush=True,
        )
        try:
            self.manifest = history_data.generate(self.source, progress=self.bench.verbose)
        except Exception as error:  # the store under edit may not import; report, go on
            import traceback

            self.generation_failed = f"{type(error).__name__}: {error}"
            traceback.print_exc()
            return
        self._write_session_copy()
        print(
            f"  {self.manifest['conversations']:,} conversations, {self.manifest['messages']:,} "
            f"messages, {self.manifest['bytes'] / 2**20:.0f} MB, in "
            f"{self.manifest['seconds']:.1f} s",
            flush=True,
        )

    def _write_session_copy(self) -> None:
        """history-session.sqlite3: the history plus a saved session (as save_session writes
        it) whose one tab is the 5,000-message conversation."""
        import shutil

        from desktop_chat.store import ConversationStore

        target = os.path.join(self.source, "history-session.sqlite3")
        shutil.copyfile(os.path.join(self.source, "history.sqlite3"), target)
        store = ConversationStore(target)
        state = {
            "tabs": [{"id": self.manifest["big"], "draft": ""}],
            "current": 0,
            "geometry": "",  # no saved geometry: the default size, as for the other starts
        }
        store.set_state("session", json.dumps(state))
        store.close()

    def _copy(self, name: str) -> tuple[str, str]:
        """A private copy of a source database: (its directory, the file)."""
        import shutil
        import tempfile

        if not self.manifest:
            raise ValueError(f"no generated history ({self.generation_failed or 'not built'})")
        directory = tempfile.mkdtemp(dir=self.bench.tmp.name, prefix="db-")
        data = os.path.join(directory, "desktop-chat")
        os.makedirs(data, mode=0o700)
        path = os.path.join(data, "history.sqlite3")
        shutil.copyfile(os.path.join(self.source, name), path)
        return directory, path

    # --- scenarios ------------------------------------------------------------------------

    def _start(self, name: str) -> dict[str, float]:
        import shutil

        directory, _ = self._copy(name)
        try:
            seconds, _, _ = self.bench._spawn_until_line(
                self.bench.app_command(), "first-paint", extra_env={"XDG_DATA_HOME": directory}
            )
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return {"wall_s": seconds}

    def _child(self, kind: str, *args: str, database: str | None = None) -> dict[str, Any]:
        import shutil

        directory = None
        argv = list(args)
        if database is not None:
            directory, path = self._copy(database)
            argv = [path, *argv]
        try:
            return self.bench._run_child_cmd(
                [sys.executable, os.path.join(HERE, "bench.py"), "--child", kind, *argv],
                timeout=600,
            )
        finally:
            if directory:
                shutil.rmtree(directory, ignore_errors=True)

    def scenarios(self) -> dict[str, tuple[Callable[[], dict[str, Any]], int]]:
        """name -> (run once, repetitions)."""
        runs = self.bench.runs
        cheap = max(5, runs)  # start-ups and opens: a second or two each, and noisy
        heavy = 1 if self.quick else max(1, runs // 2)  # medians of 20-40 samples inside
        manifest = os.path.join(self.source, "manifest.json")
        out: dict[str, tuple[Callable[[], dict[str, Any]], int]] = {}
        f = self.figures
        if "hstart" in f:
            out["hstart_empty"] = (lambda: self._start("empty.sqlite3"), cheap)
            out["hstart_plain"] = (lambda: self._start("history.sqlite3"), cheap)
            out["hstart_session"] = (lambda: self._start("history-session.sqlite3"), cheap)
        if "hopen" in f:
            out["hopen_big"] = (
                lambda: self._child(
                    "h-open", self.manifest.get("big", ""), database="history.sqlite3"
                ),
                cheap,
            )
            out["hopen_small"] = (
                lambda: self._child(
                    "h-open", self.manifest.get("small", ""), database="history.sqlite3"
                ),
                cheap,
            )
        if "search" in f:
            out["search_app"] = (
                lambda: self._child("h-search", manifest, database="history.sqlite3"),
                heavy,
            )
            out["search_floor"] = (
                lambda: self._child("h-search-floor", manifest, database="history.sqlite3"),
                heavy,
            )
        if "sidebar" in f:
            out["sidebar_app"] = (
                lambda: self._child("h-sidebar", database="history.sqlite3"),
                heavy,
            )
            out["sidebar_floor"] = (
                lambda: self._child("h-sidebar-floor", str(self.manifest.get("conversations", 0))),
                heavy,
            )
        if "delta" in f:
            every = "8" if self.quick else "1"
            out["delta_lines"] = (lambda: self._child("h-delta", "lines", every), heavy)
            out["delta_paragraph"] = (lambda: self._child("h-delta", "paragraph", every), heavy)
            out["stream100k_spaced"] = (lambda: self._child("h-stream100k", "spaced"), heavy)
            out["stream100k_spaceless"] = (lambda: self._child("h-stream100k", "spaceless"), heavy)
            out["picker_app"] = (lambda: self._child("h-picker", "app"), heavy)
            out["picker_floor"] = (lambda: self._child("h-picker", "floor"), heavy)
        if "tabs" in f:
            long_ids = ",".join(self.manifest.get("long", []))
            short_ids = ",".join(self.manifest.get("short", []))
            first = ",".join(self.manifest.get("long", [])[:1])
            out["tabs_long20"] = (
                lambda: self._child("h-tabs", long_ids, str(SWITCHES), database="history.sqlite3"),
                heavy,
            )
            out["tabs_short20"] = (
                lambda: self._child("h-tabs", short_ids, str(SWITCHES), database="history.sqlite3"),
                heavy,
            )
            out["tabs_long1"] = (
                lambda: self._child("h-tabs", first, "0", database="history.sqlite3"),
                heavy,
            )
        if "images" in f:
            out["images_50"] = (lambda: self._images("images"), cheap)
            out["images_none"] = (lambda: self._images("plain"), cheap)
        return out

    def _images(self, variant: str) -> dict[str, Any]:
        import shutil
        import tempfile

        workdir = tempfile.mkdtemp(dir=self.bench.tmp.name, prefix="images-")
        try:
            return self._child("h-images", workdir, variant)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    # --- report ---------------------------------------------------------------------------

    def _worst(self, name: str, key: str) -> float:
        values = [float(r[key]) for r in self.bench.results.get(name, []) if key in r]
        return max(values) if values else math.nan

    def rows(self) -> list[dict[str, str]]:
        m, w = self.bench.median, self._worst
        rows: list[dict[str, str]] = []
        f = self.figures

        def row(
            metric: str,
            measured: float,
            baseline: float,
            target: str,
            ok: bool | None,
            unit: str,
            fmt: str = "{:.3f}",
            scale: float = 1.0,
        ) -> None:
            verdict = (
                "FAILED"
                if math.isnan(measured)
                else "report"
                if ok is None
                else "OK"
                if ok
                else "MISS"
            )
            rows.append(table_row(metric, measured, baseline, target, verdict, unit, fmt, scale))

        def ratio_row(metric: str, a: float, b: float, target: float, unit: str, **kw: Any) -> None:
            ratio = a / b if b else math.nan
            ok = None if math.isnan(ratio) else ratio <= target
            row(metric, a, b, f"≤ {target:g}×", ok if not math.isnan(b) else None, unit, **kw)

        def below(metric: str, a: float, b: float | None, limit_s: float, **kw: Any) -> None:
            row(metric, a, b, f"< {limit_s * 1000:g} ms", a < limit_s, " ms", "{:.1f}", 1000, **kw)

        if "hstart" in f:
            ratio_row(
                "Start-up to first paint, 10k chats / 200k messages, no tabs saved (vs empty)",
                m("hstart_plain", "wall_s"),
                m("hstart_empty", "wall_s"),
                1.2,
                " s",
            )
            ratio_row(
                "Start-up to first paint, session reopens the 5,000-message chat (vs empty)",
                m("hstart_session", "wall_s"),
                m("hstart_empty", "wall_s"),
                1.2,
                " s",
            )
        if "hopen" in f:
            below(
                "Open the 5,000-message chat in a tab → its first paint (vs a ~20-message chat)",
                m("hopen_big", "open_s"),
                m("hopen_small", "open_s"),
                0.3,
            )
        if "search" in f:
            below(
                "Search, store.search: median of 20 (5 common + 5 rare words ×2; vs bare FTS5)",
                m("search_app", "store_median_s"),
                m("search_floor", "floor_median_s"),
                0.05,
            )
            below(
                "Search, store.search: worst of 20 (vs bare ranked FTS5 query)",
                w("search_app", "store_worst_s"),
                w("search_floor", "floor_worst_s"),
                0.05,
            )
            below(
                "Search in the sidebar field → list painted, debounce excluded: median of 20",
                m("search_app", "sidebar_median_s"),
                m("search_floor", "floor_median_s"),
                0.05,
            )
            below(
                "Search in the sidebar field → list painted, debounce excluded: worst of 20",
                w("search_app", "sidebar_worst_s"),
                w("search_floor", "floor_worst_s"),
                0.05,
            )
        if "sidebar" in f:
            rows_open = m("sidebar_app", "rows_open")
            row(
                "History rows read from the store after the window opens (10,000 chats)",
                rows_open,
                None,  # type: ignore[arg-type]
                "≤ 2 pages (400 rows)",
                rows_open <= 400,
                " rows",
                "{:.0f}",
            )
            row(
                "History rows read after one jump to the bottom",
                m("sidebar_app", "rows_once"),
                None,  # type: ignore[arg-type]
                "report",
                None,
                " rows",
                "{:.0f}",
            )
            row(
                "Page-step the history list top → bottom, all 10,000 rows (vs QStringListModel)",
                m("sidebar_app", "scroll_s"),
                m("sidebar_floor", "scroll_s"),
                "report",
                None,
                " s",
            )
            row(
                "Longest single page step of that scroll (vs QStringListModel)",
                w("sidebar_app", "step_worst_ms") / 1000,
                w("sidebar_floor", "step_worst_ms") / 1000,
                "≤ 16.7 ms (a frame)",
                w("sidebar_app", "step_worst_ms") <= 16.7,
                " ms",
                "{:.1f}",
                1000,
            )
        if "delta" in f:
            ratio_row(
                "Per-delta render cost, chunk 20,000 vs chunk 100 (append+repaint, newline/80)",
                m("delta_lines", "late_ms") / 1000,
                m("delta_lines", "early_ms") / 1000,
                1.5,
                " ms",
                fmt="{:.2f}",
                scale=1000,
            )
            ratio_row(
                "Same, one paragraph with no newline (known weakness)",
                m("delta_paragraph", "late_ms") / 1000,
                m("delta_paragraph", "early_ms") / 1000,
                1.5,
                " ms",
                fmt="{:.2f}",
                scale=1000,
            )
            ratio_row(
                "100 KB answer without spaces vs with spaces (CPU, 5-char chunks, repaint/20)",
                m("stream100k_spaceless", "cpu_s"),
                m("stream100k_spaced", "cpu_s"),
                2.0,
                " s",
            )
            below(
                "Model picker (Ctrl+L), 3,000 models: open → first paint, median of 15 "
                "(vs a bare QListView of them)",
                m("picker_app", "open_median_s"),
                m("picker_floor", "open_median_s"),
                0.15,
            )
            below(
                "Model picker: one keystroke's filter + repaint, median of 450 (vs the same "
                "filter into a QStringListModel)",
                m("picker_app", "key_median_s"),
                m("picker_floor", "key_median_s"),
                1 / 60,
            )
        if "tabs" in f:
            below(
                "Tab switch among 20 chats of 500 messages → first paint, median of 40 "
                "(vs 20 chats of 6)",
                m("tabs_long20", "switch_median_s"),
                m("tabs_short20", "switch_median_s"),
                0.05,
            )
            ratio_row(
                "RSS (VmRSS after gc) with 20 such tabs open vs with one",
                m("tabs_long20", "rss_kb") / 1024,
                m("tabs_long1", "rss_kb") / 1024,
                1.5,
                " MB",
                fmt="{:.1f}",
            )
        if "images" in f:
            below(
                f"Open a chat of {IMAGE_TURNS} prompts with an image each → first paint "
                "(vs the same chat without images)",
                m("images_50", "open_s"),
                m("images_none", "open_s"),
                0.05,
            )
            below(
                "Longest frame page-stepping that chat down and up, repaint each step, "
                "median of the runs (vs without images)",
                m("images_50", "step_worst_ms") / 1000,
                m("images_none", "step_worst_ms") / 1000,
                0.05,
            )
            row(
                "RSS (VmRSS after gc) with that chat open vs the same chat without images",
                m("images_50", "rss_kb") / 1024,
                m("images_none", "rss_kb") / 1024,
                "report",
                None,
                " MB",
                "{:.1f}",
            )
        return rows

    def notes(self) -> list[str]:
        m, s, w = self.bench.median, self.bench.spread, self._worst
        lines: list[str] = []
        f = self.figures
        man = self.manifest
        if self.generation_failed:
            lines.append(f"History database NOT generated: {self.generation_failed}")
        elif man:
            hits = man.get("hits", {})
            lines.append(
                f"Generated history: {man['conversations']:,} conversations, "
                f"{man['messages']:,} messages ({man['bytes'] / 2**20:.0f} MB SQLite file, "
                f"{man['seconds']:.0f} s via import_conversations in batches); one chat of 5,000 "
                f"messages, 20 of 500 (markdown + code), 20 of 6. Messages containing each "
                "searched word (prefix match): "
                + ", ".join(f"{k} {v:,}" for k, v in hits.items())
                + "."
            )
        if "hstart" in f:
            lines.append(
                "Start-ups with history (spreads, min–max): empty "
                f"{s('hstart_empty', 'wall_s')} s, "
                f"10k chats {s('hstart_plain', 'wall_s')} s, session with the 5,000-message chat "
                f"{s('hstart_session', 'wall_s')} s. The saved session's geometry is left empty."
            )
        if "hopen" in f:
            lines.append(
                "Opening the 5,000-message chat: "
                f"{m('hopen_big', 'open_s') * 1000:.0f} ms to the end of the first paint, of which "
                f"open_conversation() returns after {m('hopen_big', 'call_s') * 1000:.0f} ms "
                f"(store.get_conversation {m('hopen_big', 'store_s') * 1000:.0f} ms, "
                f"MessageView.show_conversation {m('hopen_big', 'show_conversation_s') * 1000:.0f} "
                f"ms; the same get_conversation again, warm: "
                f"{m('hopen_big', 'store_again_s') * 1000:.0f} ms); "
                f"{m('hopen_big', 'laid_out'):.0f} of {m('hopen_big', 'messages'):.0f} messages "
                f"laid out. The ~20-message chat: {m('hopen_small', 'open_s') * 1000:.0f} ms "
                f"(store {m('hopen_small', 'store_s') * 1000:.1f} ms). Spreads: "
                f"{s('hopen_big', 'open_s', 1000, '{:.0f}')} ms vs "
                f"{s('hopen_small', 'open_s', 1000, '{:.0f}')} ms."
            )
        if "search" in f:
            lines.append(
                "Search, by kind of word (medians): store.search common "
                f"{m('search_app', 'store_common_median_s') * 1000:.1f} ms, rare "
                f"{m('search_app', 'store_rare_median_s') * 1000:.1f} ms; sidebar common "
                f"{m('search_app', 'sidebar_common_median_s') * 1000:.1f} ms, rare "
                f"{m('search_app', 'sidebar_rare_median_s') * 1000:.1f} ms; bare FTS5 common "
                f"{m('search_floor', 'floor_common_median_s') * 1000:.1f} ms, rare "
                f"{m('search_floor', 'floor_rare_median_s') * 1000:.1f} ms. Per query (ms, in "
                "order): store "
                + str(self._last("search_app", "store_times_ms"))
                + "; sidebar "
                + str(self._last("search_app", "sidebar_times_ms"))
                + "."
            )
        if "sidebar" in f:
            lines.append(
                f"History list scroll: {m('sidebar_app', 'steps'):.0f} page steps "
                f"(median {m('sidebar_app', 'step_median_ms'):.2f} ms, worst "
                f"{w('sidebar_app', 'step_worst_ms'):.1f} ms), {m('sidebar_app', 'rows_end'):.0f} "
                f"rows at the end, reached the end: {self._last('sidebar_app', 'reached_end')}; "
                f"QStringListModel: {m('sidebar_floor', 'steps'):.0f} steps (median "
                f"{m('sidebar_floor', 'step_median_ms'):.2f} ms)."
            )
        if "delta" in f:
            every = self._last("delta_lines", "every")
            lines.append(
                "Per-delta cost (append_delta + viewport repaint + processEvents), medians of 21 "
                f"chunks: with newlines {m('delta_lines', 'early_ms'):.2f} ms at ~100 → "
                f"{m('delta_lines', 'late_ms'):.2f} ms at ~20,000 (worst "
                f"{w('delta_lines', 'late_worst_ms'):.1f} ms; the answer "
                f"{m('delta_lines', 'chars'):,.0f} chars, {m('delta_lines', 'blocks'):.0f} "
                f"blocks); one paragraph {m('delta_paragraph', 'early_ms'):.2f} ms → "
                f"{m('delta_paragraph', 'late_ms'):.2f} ms. Between the windows every chunk is "
                f"appended and a repaint runs every {every} chunk(s) (the paragraph variant is "
                "brought to chunk 19,990 in appends of 80 chunks)."
            )
        if "tabs" in f:
            lines.append(
                "Tabs: opening each 500-message chat → its paint, median "
                f"{m('tabs_long20', 'open_median_s') * 1000:.0f} ms (worst "
                f"{w('tabs_long20', 'open_worst_s') * 1000:.0f} ms); switches: median "
                f"{m('tabs_long20', 'switch_median_s') * 1000:.1f} ms, revisits "
                f"{m('tabs_long20', 'switch_revisit_median_s') * 1000:.1f} ms, worst "
                f"{w('tabs_long20', 'switch_worst_s') * 1000:.1f} ms (6-message chats: worst "
                f"{w('tabs_short20', 'switch_worst_s') * 1000:.1f} ms). VmRSS: 20 long tabs "
                f"{m('tabs_long20', 'rss_kb') / 1024:.0f} MB (right after opening "
                f"{m('tabs_long20', 'rss_open_kb') / 1024:.0f} MB), 20 short "
                f"{m('tabs_short20', 'rss_kb') / 1024:.0f} MB, 1 long "
                f"{m('tabs_long1', 'rss_kb') / 1024:.0f} MB."
            )
        if "images" in f:
            lines.append(
                f"Images: {IMAGE_TURNS} pictures of 1920×1080 (half screenshot-like PNG, half "
                "photo-like JPEG, through the app's own downscale/encode), "
                f"{m('images_50', 'stored_mb'):.1f} MB stored; scroll of "
                f"{m('images_50', 'steps'):.0f} page steps (median "
                f"{m('images_50', 'step_median_ms'):.1f} ms, without images "
                f"{m('images_none', 'step_median_ms'):.1f} ms); VmRSS before opening "
                f"{m('images_50', 'rss_before_kb') / 1024:.0f} MB."
            )
        return lines

    def _last(self, name: str, key: str) -> object:
        runs = self.bench.results.get(name, [])
        return runs[-1].get(key) if runs else None
