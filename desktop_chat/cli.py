"""The commands that need no window: ask, export, import, recover, key.

Each prints a one-line error to stderr and exits non-zero on failure. They use the same store
and API client as the GUI, so what they write shows up in the app's history.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import os
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from desktop_chat import paths
from desktop_chat.domain import (
    DEFAULT_MODEL,
    MAX_STOP_SEQUENCES,
    REASONING_EFFORTS,
    SAVE_EVERY_SECONDS,
    AnswerWasThinking,
    ErrorKind,
    Message,
    MessageStatus,
    Parameters,
    ReasoningDelta,
    RequestAdapted,
    Role,
    TextDelta,
    ToolCallsReady,
    request_history,
    title_from_prompt,
)
from desktop_chat.request_rules import not_applicable_reason
from desktop_chat.wording import counted

if TYPE_CHECKING:
    from desktop_chat.api import ChatClient
    from desktop_chat.domain import ToolCall
    from desktop_chat.mcp_tools import ToolBox, ToolSpec
    from desktop_chat.providers import Providers
    from desktop_chat.store import ConversationStore

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl+C
EXIT_TERMINATED = 143  # 128 + SIGTERM


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ask = subparsers.add_parser(
        "ask",
        help="ask one question and stream the answer to stdout (saved in the history)",
        description="Stream an answer to stdout. Reads the prompt from stdin with '-' or when "
        "stdin is piped. The exchange is saved in the history, so it shows up in the app.",
    )
    ask.add_argument("prompt", nargs="?", help="the question; '-' or omitted reads stdin")
    ask.add_argument(
        "--model",
        "-m",
        action="append",
        help="model name (default: the profile's default model if the server lists it, "
        "else the first model the server lists); give it up to four times to compare "
        "models: each answer is printed under `== model ==`",
    )
    ask.add_argument("--system", "-s", help="system message for a new conversation")
    ask.add_argument("--profile", "-p", help="provider profile (default: the default profile)")
    ask.add_argument(
        "--continue",
        "-c",
        dest="continue_last",
        action="store_true",
        help="append to the most recent conversation",
    )
    ask.add_argument(
        "-o",
        "--option",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="a parameter for this request only, repeatable: temperature, top_p, max_tokens, "
        "presence_penalty, frequency_penalty, seed, stop, reasoning_effort, json_mode, "
        "context_messages",
    )
    ask.add_argument(
        "--show-thinking",
        action="store_true",
        help="print a reasoning model's thinking to stderr (it is always saved, never on stdout)",
    )
    ask.add_argument(
        "--tools",
        "-T",
        dest="tool_servers",
        action="append",
        default=[],
        metavar="SERVER",
        help="let the model use this MCP server's tools (repeatable; see `mcp list`); each "
        "call is asked on the terminal, or denied when stdin is not one",
    )
    ask.add_argument(
        "--yes", "-y", action="store_true", help="approve every tool call without asking"
    )
    ask.add_argument(
        "--attach",
        "-a",
        dest="attachments",
        action="append",
        default=[],
        metavar="FILE",
        help="attach a file (repeatable): an image for a vision model, or a text, code, "
        "Markdown, CSV, JSON or PDF document sent as text",
    )
    ask.set_defaults(command_function=run_ask)
    mcp = subparsers.add_parser(
        "mcp",
        help="tool servers (MCP): list them, or import them from another app's config file",
        description="`mcp import FILE` takes the servers of a Claude Desktop "
        "(claude_desktop_config.json), Cursor (mcp.json) or VS Code config file into "
        "settings.json; `mcp list` shows them.",
    )
    mcp_commands = mcp.add_subparsers(dest="mcp_command", required=True)
    mcp_import = mcp_commands.add_parser("import", help="merge a config file's mcpServers")
    mcp_import.add_argument("file", help="claude_desktop_config.json, .cursor/mcp.json, ...")
    mcp_import.add_argument(
        "--replace", action="store_true", help="replace servers of the same name"
    )
    mcp_commands.add_parser("list", help="the configured servers")
    mcp.set_defaults(command_function=run_mcp)

    export = subparsers.add_parser(
        "export",
        help="export conversations as JSON (desktop-chat/1) or Markdown",
        description="Write conversations (the active branch of each) to a file or stdout.",
    )
    export.add_argument("--format", choices=("json", "markdown"), default="json")
    export.add_argument("--conversation", metavar="ID", help="only this conversation")
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    export.add_argument(
        "--all-branches",
        action="store_true",
        help="JSON: also list each message's other versions (alternatives, compared answers)",
    )
    export.set_defaults(command_function=run_export)

    importer = subparsers.add_parser(
        "import",
        help="import a desktop-chat JSON export or a ChatGPT export (.json or .zip)",
        description="Merge conversations from a file; importing the same file twice adds "
        "nothing new. A malformed file is rejected whole.",
    )
    importer.add_argument("file", help="desktop-chat JSON, ChatGPT conversations.json or .zip")
    importer.set_defaults(command_function=run_import)

    models = subparsers.add_parser(
        "models",
        help="list the models a profile's server offers (chat models; --all for every one)",
        description="One model id per line, as the server lists them. Words of QUERY must each "
        "appear in the id (case-insensitive): `desktop-chat models gpt 5 mini`.",
    )
    models.add_argument("query", nargs="*", help="words that must all appear in the id")
    models.add_argument("-p", "--profile", default="", help="a profile from Settings")
    models.add_argument(
        "--all", action="store_true", help="also embeddings, speech, image and other models"
    )
    models.set_defaults(command_function=run_models)

    recover = subparsers.add_parser(
        "recover",
        help="copy the readable chats of a damaged history file into the history",
        description="A history the app cannot open is moved aside (history.damaged-<time>"
        ".sqlite3) and a new one started. This copies what can still be read from such a file "
        "into the current history (using `sqlite3 .recover` when the sqlite3 tool is "
        "installed); running it twice adds nothing new. The damaged file is only read.",
    )
    recover.add_argument("file", help="the damaged history, e.g. history.damaged-….sqlite3")
    recover.set_defaults(command_function=run_recover)

    key = subparsers.add_parser(
        "key",
        help="store, delete or locate a profile's API key in the system keychain",
        description="Keys live in the OS keychain (Secret Service, macOS Keychain, Windows "
        "Credential Locker), never in a file. 'set' reads the key from stdin or a hidden "
        "prompt, never from the command line.",
    )
    key.add_argument("action", choices=("set", "delete", "status"))
    key.add_argument("--profile", "-p", help="profile name (default: the default profile)")
    key.set_defaults(command_function=run_key)

    from desktop_chat import desktop_entry

    desktop_entry.add_command(subparsers)  # install-desktop-entry


def _fail(message: str) -> int:
    print(f"desktop-chat: {message}", file=sys.stderr)
    return EXIT_FAILED


def _open_store(failure_prefix: str = "") -> ConversationStore | None:
    """The history database, or None after saying (one line) why it cannot be opened."""
    from desktop_chat.migrations import NewerDatabaseError
    from desktop_chat.store import ConversationStore, StoreError

    try:
        store = ConversationStore(paths.database_path())
    except (NewerDatabaseError, StoreError) as error:
        _fail(f"{failure_prefix}{error}")
        return None
    if store.moved_aside is not None:
        # Said once (the next run finds the new history sound), and the command goes on.
        print(f"desktop-chat: {damaged_history_text(store.moved_aside)}", file=sys.stderr)
    return store


def damaged_history_text(moved_to: Path) -> str:
    return (
        f"the history database was damaged: it was moved aside to {moved_to} and a new one "
        f"started (try `desktop-chat recover {moved_to}` to get its chats back)"
    )


def _providers() -> Providers:
    """The settings and keys; a damaged settings file is told in one line each (once)."""
    from desktop_chat.providers import Providers

    providers = Providers()
    for warning in providers.load_warnings:
        print(f"desktop-chat: {warning}", file=sys.stderr)
    return providers


def run_recover(args: argparse.Namespace) -> int:
    from desktop_chat.store import StoreError

    damaged = Path(args.file)
    if not damaged.is_file():
        return _fail(f"nothing recovered: no file {damaged}")
    store = _open_store("nothing recovered: ")
    if store is None:
        return EXIT_FAILED
    try:
        if store.path is not None and damaged.resolve() == store.path.resolve():
            return _fail("nothing recovered: that is the history in use")
        chats, messages = store.recover_from(damaged)
    except StoreError as error:
        return _fail(f"nothing recovered: {error}")
    finally:
        store.close()
    print(f"Recovered {counted(chats, 'chat')} and {counted(messages, 'message')} from {damaged}.")
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    from desktop_chat import exchange

    store = _open_store()
    if store is None:
        return EXIT_FAILED
    try:
        ids = [args.conversation] if args.conversation else store.conversation_ids()
        try:
            conversations = [store.get_conversation(i) for i in ids]
        except KeyError:
            return _fail(f"no conversation with id {args.conversation}")
        if args.format == "json" and args.all_branches:

            def others(message: Message) -> list[Message]:
                ids = [i for i in store.siblings(message.id) if i != message.id]
                return [store.get_message(i) for i in ids]

            text = exchange.to_json(conversations, alternatives=others)
        else:
            render = exchange.to_json if args.format == "json" else exchange.to_markdown
            text = render(conversations)
    finally:
        store.close()
    if args.output:
        from desktop_chat.files import write_private_atomically

        try:
            write_private_atomically(Path(args.output), text)
        except OSError as error:
            return _fail(f"cannot write {args.output}: {error.strerror or error}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    """Every failure is one line, `desktop-chat: nothing imported: FILE: reason`, and leaves
    the history as it was (the file is checked whole first, then written in one transaction)."""
    from desktop_chat import exchange
    from desktop_chat.store import StoreError

    path = Path(args.file)
    try:
        conversations = exchange.load_file(path)
    except exchange.ImportFormatError as error:
        return _fail(_one_line(f"nothing imported: {error}"))  # the text starts with FILE
    except MemoryError:
        return _fail(_one_line(f"nothing imported: {path.name}: not enough memory to read it"))
    store = _open_store(_one_line(f"nothing imported: {path.name}: "))
    if store is None:
        return EXIT_FAILED
    try:
        added, messages = store.import_conversations(conversations)
    except StoreError as error:
        return _fail(_one_line(f"nothing imported: {path.name}: {error}"))
    finally:
        store.close()
    print(
        f"Imported {counted(added, 'new conversation')} and {counted(messages, 'new message')} "
        f"from {len(conversations)} in the file."
    )
    return EXIT_OK


def _one_line(text: str) -> str:
    """A message for one stderr line: a newline or other control character (a file name may
    hold one) is shown escaped."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def _read_prompt(args: argparse.Namespace, stdin: TextIO) -> str:
    if args.prompt and args.prompt != "-":
        return str(args.prompt)
    if args.prompt == "-" or not stdin.isatty():
        return stdin.read().rstrip("\n")
    return ""


def run_models(args: argparse.Namespace) -> int:
    from desktop_chat.api import ChatClient, ChatFailure
    from desktop_chat.model_choice import matches, query_words
    from desktop_chat.model_list import chat_models

    providers = _providers()
    if args.profile and args.profile not in {p.name for p in providers.settings.profiles}:
        return _fail(f"no profile named {args.profile!r} (see Settings)")

    async def listed() -> list[str]:
        client = ChatClient(providers.config(args.profile))
        try:
            return await client.list_models()
        finally:
            await client.close()

    try:
        models = asyncio.run(listed())
    except ChatFailure as failure:
        return _fail(f"no model list: {failure.error.message} {failure.error.hint}")
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    words = query_words(" ".join(args.query))
    shown = [m for m in (models if args.all else chat_models(models)) if matches(m, words)]
    sys.stdout.write("".join(f"{model}\n" for model in shown))
    return EXIT_OK if shown or not args.query else EXIT_FAILED


_FLOAT_OPTIONS = ("temperature", "top_p", "presence_penalty", "frequency_penalty")
_INT_OPTIONS = ("max_tokens", "seed", "context_messages")


def parameters_with_options(parameters: Parameters, options: list[list[str]]) -> Parameters:
    """`-o NAME VALUE` pairs over a chat's parameters; ValueError names a bad one."""
    changes: dict[str, object] = {}
    stops: list[str] = []
    for name, value in options:
        name = name.strip().lower().replace("-", "_")
        try:
            if name in _FLOAT_OPTIONS:
                changes[name] = float(value)
            elif name in _INT_OPTIONS:
                changes[name] = int(value)
            elif name == "stop":
                stops.append(value)
            elif name == "json_mode":
                changes[name] = value.strip().lower() in ("1", "true", "yes", "on")
            elif name == "reasoning_effort":
                if value not in REASONING_EFFORTS:
                    raise ValueError(f"one of {', '.join(REASONING_EFFORTS)}")
                changes[name] = value
            else:
                known = (*_FLOAT_OPTIONS, *_INT_OPTIONS, "stop", "reasoning_effort", "json_mode")
                raise ValueError(f"unknown; the options are {', '.join(known)}")
        except ValueError as error:
            detail = str(error) if "one of" in str(error) or "unknown" in str(error) else ""
            raise ValueError(f"-o {name} {value!r}: {detail or 'not a number'}") from None
    if stops:
        changes["stop"] = tuple(stops[:MAX_STOP_SEQUENCES])
    return dataclasses.replace(parameters, **changes)  # type: ignore[arg-type]


def _tell_what_is_not_sent(model: str, options: list[list[str]]) -> None:
    """One line on stderr per option the model is known not to take (it is not sent)."""
    for name, _value in options:
        reason = not_applicable_reason(model, name.strip().lower().replace("-", "_"))
        if reason:
            print(f"desktop-chat: {name} is not sent: {reason}", file=sys.stderr)


def run_ask(args: argparse.Namespace) -> int:
    try:
        parameters_with_options(Parameters(), args.option)
    except ValueError as error:
        print(f"desktop-chat: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.attachments:
        from desktop_chat.attachments import AttachmentError, load_attachment

        limit = _providers().settings.attachment_text_limit
        try:
            args.loaded_attachments = tuple(
                load_attachment(Path(f), limit) for f in args.attachments
            )
        except AttachmentError as error:
            print(f"desktop-chat: {error}", file=sys.stderr)
            return EXIT_FAILED
    prompt = _read_prompt(args, sys.stdin)
    if not prompt.strip():
        print(
            "desktop-chat: ask needs a prompt (an argument, or '-' to read stdin)", file=sys.stderr
        )
        return EXIT_USAGE
    try:
        return asyncio.run(_ask(args, prompt))
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`desktop-chat ask … | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


class _Answer:
    """The answer as it streams: written to stdout at once, to the history about once a
    second (SAVE_EVERY_SECONDS, as the window does), so a crash or kill -9 loses at most
    the last second of it."""

    def __init__(self, store: ConversationStore) -> None:
        self.store = store
        self.message_id: str | None = None
        self.chunks: list[str] = []
        self.thinking: list[str] = []
        self._saved_at = time.monotonic()

    @property
    def reasoning(self) -> str:
        return "".join(self.thinking)

    @property
    def text(self) -> str:
        if len(self.chunks) > 1:
            self.chunks[:] = ["".join(self.chunks)]
        return self.chunks[0] if self.chunks else ""

    def append(self, text: str) -> None:
        self.chunks.append(text)
        sys.stdout.write(text)
        sys.stdout.flush()
        now = time.monotonic()
        if now - self._saved_at >= SAVE_EVERY_SECONDS and self.message_id is not None:
            self._saved_at = now
            from desktop_chat.store import StoreError

            # Still STREAMING. A busy database is no reason to stop: the text stays in memory
            # and is written at the next save.
            with contextlib.suppress(StoreError):
                self.store.update_message(self.message_id, self.text, None, self.reasoning or None)

    def end_line(self) -> None:
        """A final newline on stdout, so that the shell prompt starts on its own line."""
        if self.chunks and not self.text.endswith("\n"):
            sys.stdout.write("\n")
            sys.stdout.flush()

    def keep_or_drop(self, status: MessageStatus) -> None:
        _keep_or_drop(self.store, self.message_id, self.chunks, status)


async def _ask(args: argparse.Namespace, prompt: str) -> int:
    from desktop_chat.api import ChatClient, ChatFailure
    from desktop_chat.store import StoreError

    store = _open_store()
    if store is None:
        return EXIT_FAILED

    providers = _providers()
    if args.profile and args.profile not in {p.name for p in providers.settings.profiles}:
        store.close()
        return _fail(f"no profile named {args.profile!r} (see Settings)")
    conversation = None
    if args.continue_last:
        recent = store.most_recent_conversation_id()
        conversation = store.get_conversation(recent) if recent else None
    # A continued chat keeps its own profile unless --profile says otherwise.
    profile = args.profile or (conversation.profile if conversation else "")
    config = providers.config(profile)
    toolbox = None
    if args.tool_servers:
        from desktop_chat.mcp_tools import ToolBox

        toolbox = ToolBox.from_settings(providers.settings, config.api_key)
        unknown = [name for name in args.tool_servers if name not in toolbox.enabled()]
        if unknown:
            store.close()
            return _fail(f"no enabled tool server named {unknown[0]!r} (see `mcp list`)")
    client = ChatClient(config)
    answer = _Answer(store)
    terminated = _cancel_on_sigterm()
    try:
        models = list(dict.fromkeys(args.model or []))[:4]  # -m A -m B: compare (issue 17)
        model = (models[0] if models else None) or (conversation.model if conversation else None)
        if not model:
            model = await _default_model(client, config.default_model or DEFAULT_MODEL)
        if conversation is None:
            conversation = store.create_conversation(
                title=title_from_prompt(prompt),
                model=model,
                system_prompt=args.system or "",
                profile=args.profile or "",
            )
        elif args.system is not None:
            print("desktop-chat: --system is ignored with --continue", file=sys.stderr)
        parent = conversation.last_message
        user = store.add_message(
            conversation.id,
            parent.id if parent else None,
            Role.USER,
            prompt,
            attachments=getattr(args, "loaded_attachments", ()),
        )
        conversation = store.get_conversation(conversation.id)
        if len(models) > 1:
            from desktop_chat.compare_cli import ask_models

            _kept, failures = await ask_models(
                store, client, conversation.id, user.id, models, profile
            )
            for failed_model, error in failures:
                print(
                    f"desktop-chat: {failed_model}: {error.message} {error.hint}", file=sys.stderr
                )
            return EXIT_FAILED if failures else EXIT_OK
        answer.message_id = store.add_message(
            conversation.id,
            user.id,
            Role.ASSISTANT,
            "",
            model=model,
            status=MessageStatus.STREAMING,
        ).id
        parameters = parameters_with_options(conversation.parameters, args.option)
        conversation = dataclasses.replace(conversation, parameters=parameters)
        history = request_history(conversation, upto=user)
        _tell_what_is_not_sent(model, args.option)
        specs: dict[str, ToolSpec] = {}
        if toolbox is not None:
            listed, problems = await toolbox.tools(args.tool_servers)
            for problem in problems:
                print(f"desktop-chat: {problem}", file=sys.stderr)
            specs = {spec.exposed: spec for spec in listed}
        definitions = [spec.definition() for spec in specs.values()]
        step = 0
        while True:
            calls: tuple[ToolCall, ...] = ()
            stream = client.stream_chat(model, history, parameters, definitions)
            async for event in stream:
                if isinstance(event, TextDelta):
                    answer.append(event.text)
                elif isinstance(event, RequestAdapted):
                    print(f"desktop-chat: {event.note}", file=sys.stderr)
                elif isinstance(event, AnswerWasThinking):
                    # Printed already, as it came: say so; the history keeps them apart.
                    answer.end_line()
                    answer.chunks.clear()
                    print(
                        "desktop-chat: the text above was the model's thinking (it ended with "
                        "</think>); the answer follows",
                        file=sys.stderr,
                    )
                elif isinstance(event, ReasoningDelta):
                    answer.thinking.append(event.text)
                    if args.show_thinking:  # never on stdout: that is the answer, for pipes
                        sys.stderr.write(event.text)
                        sys.stderr.flush()
                elif isinstance(event, ToolCallsReady):
                    calls = event.calls
            answer.end_line()
            store.update_message(
                answer.message_id, answer.text, MessageStatus.COMPLETE, answer.reasoning or None
            )
            if not calls or toolbox is None:
                return EXIT_OK
            # The tool loop: run the calls, then ask again with their results.
            at_limit = step >= toolbox.step_limit
            await _run_tool_calls(args, store, toolbox, specs, answer.message_id, calls, at_limit)
            if at_limit:
                return _fail(
                    f"stopped after {toolbox.step_limit} tool steps; the last calls were not run"
                )
            step += 1
            calling = answer.message_id
            answer = _Answer(store)
            answer.message_id = store.add_message(
                conversation.id,
                calling,
                Role.ASSISTANT,
                "",
                model=model,
                status=MessageStatus.STREAMING,
            ).id
            conversation = dataclasses.replace(
                store.get_conversation(conversation.id), parameters=parameters
            )
            history = request_history(conversation, upto=store.get_message(calling))
    except ChatFailure as failure:
        answer.end_line()
        answer.keep_or_drop(MessageStatus.ERROR)
        reason = ""
        if failure.error.kind is ErrorKind.NO_API_KEY:
            problem = providers.key_lookup(profile).problem
            reason = f" {problem}" if problem else ""
        return _fail(f"{failure.error.message}{reason} {failure.error.hint}")
    except asyncio.CancelledError:
        answer.keep_or_drop(MessageStatus.INTERRUPTED)
        if not terminated.is_set():
            raise  # Ctrl+C: asyncio.run turns this back into KeyboardInterrupt
        answer.end_line()
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        kept = "; the partial answer is kept as interrupted" if answer.chunks else ""
        _fail(f"stopped by SIGTERM{kept}")
        return EXIT_TERMINATED
    except (KeyboardInterrupt, BrokenPipeError):
        answer.keep_or_drop(MessageStatus.INTERRUPTED)
        raise
    except StoreError as error:
        return _fail(str(error))
    finally:
        _restore_sigterm()
        if toolbox is not None:
            await toolbox.close()  # no tool server outlives the command
        await client.close()
        store.close()


def _cancel_on_sigterm() -> asyncio.Event:
    """SIGTERM cancels the running `ask` task (as Ctrl+C does), so the partial answer is kept
    and the process ends cleanly; the returned event tells that it was SIGTERM."""
    terminated = asyncio.Event()
    task = asyncio.current_task()
    if task is None or not hasattr(signal, "SIGTERM"):
        return terminated

    def on_sigterm() -> None:
        terminated.set()
        task.cancel()

    with contextlib.suppress(NotImplementedError, RuntimeError):  # no signal handlers on Windows
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, on_sigterm)
    return terminated


def _restore_sigterm() -> None:
    with contextlib.suppress(NotImplementedError, RuntimeError):
        asyncio.get_running_loop().remove_signal_handler(signal.SIGTERM)


def _keep_or_drop(
    store: ConversationStore, answer_id: str | None, chunks: list[str], status: MessageStatus
) -> None:
    """A partial answer is kept with its status; an empty one is not stored at all."""
    if answer_id is None:
        return
    if chunks:
        store.update_message(answer_id, "".join(chunks), status)
    else:
        store.delete_message(answer_id)


async def _default_model(client: ChatClient, preferred: str) -> str:
    """The profile's default model, unless the server lists others but not it (a local
    server without gpt-4): then the first it lists — as the window does."""
    from desktop_chat.api import ChatFailure
    from desktop_chat.model_list import fallback_model

    try:
        models = await client.list_models()
    except ChatFailure:
        return preferred
    if not models or preferred in models:
        return preferred
    return fallback_model(models) or preferred


def run_mcp(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from desktop_chat.mcp_tools import servers_from_settings, servers_in_file

    providers = _providers()
    settings = providers.settings
    if args.mcp_command == "list":
        servers = servers_from_settings(settings.mcp_servers)
        for server in servers.values():
            flags = [
                f for f, on in (("disabled", server.disabled), ("default", server.default)) if on
            ]
            note = f" ({', '.join(flags)})" if flags else ""
            print(f"{server.name}{note}: {server.describe()}")
        return EXIT_OK if servers else EXIT_FAILED
    try:
        found = servers_in_file(Path(args.file).read_text(encoding="utf-8"))
    except OSError as error:
        return _fail(f"cannot read {args.file}: {error.strerror}")
    except ValueError as error:
        return _fail(f"{args.file}: {_one_line(str(error))}")
    merged = dict(settings.mcp_servers)
    added, replaced, kept = [], [], []
    for name, entry in found.items():
        if name in merged and not args.replace:
            kept.append(name)
            continue
        (replaced if name in merged else added).append(name)
        merged[name] = entry
    providers.update(replace(settings, mcp_servers=merged))
    for label, names in (("added", added), ("replaced", replaced)):
        if names:
            print(f"{label}: {', '.join(names)}")
    if kept:
        print(f"kept (already configured; --replace to take the file's): {', '.join(kept)}")
    return EXIT_OK


async def _terminal_approval(call_name: str, server: str, arguments: str, yes: bool) -> bool:
    """Ask y/N on the terminal; without one (a pipe, cron) a call is denied."""
    if yes:
        return True
    if not sys.stdin.isatty():
        print(
            f"desktop-chat: tool call {call_name} denied (stdin is not a terminal; "
            "use --yes to approve)",
            file=sys.stderr,
        )
        return False
    sys.stderr.write(f"Run the tool {call_name} of {server}? [y/N] ")
    sys.stderr.flush()
    reply = await asyncio.to_thread(sys.stdin.readline)
    return reply.strip().lower() in ("y", "yes")


async def _run_tool_calls(
    args: argparse.Namespace,
    store: ConversationStore,
    toolbox: ToolBox,
    specs: dict[str, ToolSpec],
    message_id: str,
    calls: tuple[ToolCall, ...],
    at_limit: bool,
) -> None:
    """Each call: approved (settings' alwaysAllow, --yes, or y on the terminal), run, printed
    to stderr with its result, and stored on the answer."""
    from desktop_chat.tool_loop import CANCELLED, DENIED, step_limit_text

    done = list(calls)
    try:
        for position, call in enumerate(calls):
            spec = specs.get(call.name)
            print(f"[tool] {call.name} {call.arguments}", file=sys.stderr)
            if at_limit:
                done[position] = call.answered(step_limit_text(toolbox.step_limit), "skipped")
            elif spec is None:
                unknown = f"Error: no tool called {call.name!r} is enabled here."
                done[position] = call.answered(unknown, "error")
            elif toolbox.always_allowed(spec.server, spec.name) or await _terminal_approval(
                spec.name, spec.server, call.arguments, args.yes
            ):
                outcome = await toolbox.call(spec, call.arguments)
                done[position] = call.answered(outcome.text, "ok" if outcome.ok else "error")
            else:
                done[position] = call.answered(DENIED, "denied")
            print(f"[result] {done[position].result}", file=sys.stderr)
            store.set_tool_calls(message_id, done)
    except BaseException:
        done = [c if c.result is not None else c.answered(CANCELLED, "cancelled") for c in done]
        store.set_tool_calls(message_id, done)
        raise


def run_key(args: argparse.Namespace) -> int:
    import getpass

    from desktop_chat.credentials import ENVIRONMENT_VARIABLE, KeychainUnavailable, KeySource

    providers = _providers()
    profile = providers.settings.profile(args.profile)
    if args.profile and profile.name != args.profile:
        return _fail(f"no profile named {args.profile!r} (see Settings)")
    keys = providers.keys
    try:
        if args.action == "set":
            if sys.stdin.isatty():
                secret = getpass.getpass(f"API key for profile {profile.name!r} (hidden): ")
            else:
                secret = sys.stdin.readline()
            if not secret.strip():
                return _fail("no key given; nothing stored")
            keys.store(profile.name, secret)
            print(f"Stored the key for profile {profile.name!r} in the system keychain.")
        elif args.action == "delete":
            found = keys.delete(profile.name)
            print(
                f"Deleted the key for profile {profile.name!r} from the system keychain."
                if found
                else f"No key was stored for profile {profile.name!r}."
            )
        else:
            lookup = providers.key_lookup(profile.name)
            where = {
                KeySource.ENVIRONMENT: f"the {ENVIRONMENT_VARIABLE} environment variable "
                "(it overrides the keychain)",
                KeySource.KEYCHAIN: "the system keychain",
                KeySource.SESSION: "this session only",
                KeySource.NONE: "nowhere: no key is stored",
            }[lookup.source]
            print(f"Profile {profile.name!r}: key held in {where}.")
            if lookup.problem:
                print(lookup.problem)
    except KeychainUnavailable as error:
        return _fail(f"{error} Use {ENVIRONMENT_VARIABLE} instead.")
    except ValueError as error:
        return _fail(str(error))
    return EXIT_OK
