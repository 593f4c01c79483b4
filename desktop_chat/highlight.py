"""Syntax highlighting with a time bound: Pygments runs in a worker process, never in the app.

Several Pygments lexers backtrack catastrophically (a ```cddl fence holding `a = "` and 40
backslashes takes 22 s; 60 would take days), and Python's `re` keeps the GIL while it matches,
so a thread would freeze the window just the same. The worker is a separate process; a thread
of ours waits on its pipe (which does release the GIL) with a deadline. A block the worker does
not finish in time is shown as plain text for the rest of the session and the worker is killed
and started again for the next block.

Callers never wait: `lookup` answers at once with the HTML, or None while the block is queued;
listeners are called (from the waiting thread) when a queued block is done. No Qt here.
"""

from __future__ import annotations

import html
import logging
import multiprocessing
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger(__name__)

DEADLINE_SECONDS = 1.5  # per block; real code, even thousands of lines, takes milliseconds
MAX_CODE_CHARS = 200_000  # longer blocks are shown plain without asking the worker
CACHE_ENTRIES = 2048
PLAIN_LANGUAGES = frozenset({"", "text", "plain", "plaintext", "txt", "math"})

Key = tuple[str, str, bool]  # code, language, dark


def plain(code: str) -> str:
    return html.escape(code, quote=False)


def style_name(dark: bool) -> str:
    return "monokai" if dark else "default"


def highlight_now(code: str, language: str, dark: bool) -> str:
    """Pygments, in this process: only the worker (and tests of it) may call this."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(language)
    except ClassNotFound:
        return plain(code)
    formatter = HtmlFormatter(nowrap=True, noclasses=True, style=style_name(dark))
    return highlight(code, lexer, formatter)


def _worker(connection: Connection) -> None:
    """The worker process: highlight each (code, language, dark) it is sent, in order."""
    while True:
        try:
            code, language, dark = connection.recv()
        except (EOFError, OSError):
            return
        try:
            result = highlight_now(code, language, dark)
        except Exception:  # a lexer bug must not end the worker: that block is plain
            result = plain(code)
        try:
            connection.send(result)
        except (BrokenPipeError, OSError):
            return


class Highlighter:
    """One worker process, one waiting thread, a cache of finished blocks."""

    def __init__(self, deadline_seconds: float = DEADLINE_SECONDS) -> None:
        self.deadline_seconds = deadline_seconds
        self._cache: OrderedDict[Key, str] = OrderedDict()
        self._queued: set[Key] = set()
        self._jobs: queue.SimpleQueue[Key | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []
        self._thread: threading.Thread | None = None
        self._process: Any = None
        self._connection: Connection | None = None
        self._closed = False
        self.timed_out: list[Key] = []  # blocks given up on (shown plain), for the log and tests

    # --- what the renderer asks -------------------------------------------------------------

    def lookup(self, code: str, language: str, dark: bool) -> str | None:
        """The block's HTML if known; else None, and the block is queued for the worker."""
        language = language.lower()
        if language in PLAIN_LANGUAGES or len(code) > MAX_CODE_CHARS or self._closed:
            return plain(code)
        key = (code, language, dark)
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
                return found
            if key in self._queued:
                return None
            self._queued.add(key)
            self._start_thread()
        self._jobs.put(key)
        return None

    def add_listener(self, callback: Callable[[], None]) -> None:
        """Called, from the highlighter's thread, after queued blocks were done."""
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[], None]) -> None:
        if callback in self._listeners:
            self._listeners.remove(callback)

    @property
    def busy(self) -> bool:
        with self._lock:
            return bool(self._queued)

    def close(self) -> None:
        self._closed = True
        self._jobs.put(None)
        thread = self._thread
        if thread is None:
            return
        if thread is not threading.current_thread():
            thread.join(timeout=self.deadline_seconds + 1)
        if not thread.is_alive():
            self._stop_worker()  # else the thread stops it when its wait ends

    # --- the waiting thread -----------------------------------------------------------------

    def _start_thread(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="highlighter", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            key = self._jobs.get()
            if key is None or self._closed:
                break
            result = self._highlight_in_worker(key)
            with self._lock:
                self._cache[key] = result
                while len(self._cache) > CACHE_ENTRIES:
                    self._cache.popitem(last=False)
                self._queued.discard(key)
                more_waiting = not self._jobs.empty()
            if not more_waiting:  # one notice per burst, not one per block
                for callback in list(self._listeners):
                    try:
                        callback()
                    except Exception:
                        log.exception("highlight listener failed")
        self._stop_worker()

    def _highlight_in_worker(self, key: Key) -> str:
        code, language, _dark = key
        try:
            connection = self._worker_connection()
            connection.send(key)
            if connection.poll(self.deadline_seconds):
                result = connection.recv()
                return result if isinstance(result, str) else plain(code)
        except (EOFError, OSError) as error:
            log.warning("highlighter worker failed (%s); showing the block plain", error)
            self._stop_worker()
            return plain(code)
        log.warning(
            "highlighting %d chars of %r took over %.1f s; shown plain, worker restarted",
            len(code),
            language,
            self.deadline_seconds,
        )
        self.timed_out.append(key)
        self._stop_worker()  # it may be stuck for days: kill it, the next block gets a new one
        return plain(code)

    def _worker_connection(self) -> Connection:
        if self._connection is None or self._process is None or not self._process.is_alive():
            self._stop_worker()
            # spawn, not fork: forking a process with Qt and asyncio threads is unsafe.
            context = multiprocessing.get_context("spawn")
            ours, theirs = context.Pipe()
            process = context.Process(
                target=_worker, args=(theirs,), name="desktop-chat-highlighter", daemon=True
            )
            process.start()
            theirs.close()
            self._process, self._connection = process, ours
        return self._connection

    def _stop_worker(self) -> None:
        connection, process = self._connection, self._process
        self._connection = self._process = None
        if connection is not None:
            connection.close()
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(timeout=2)
            process.close()


_shared: Highlighter | None = None


def shared() -> Highlighter:
    """The app's highlighter, made on first use (no process exists until a fence is shown)."""
    global _shared
    if _shared is None or _shared._closed:
        _shared = Highlighter()
    return _shared


def shutdown() -> None:
    global _shared
    if _shared is not None:
        _shared.close()
        _shared = None
