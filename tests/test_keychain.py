"""API keys in a real Secret Service (gnome-keyring on a private D-Bus bus), never in a file.

A session fixture starts its own dbus-daemon and gnome-keyring-daemon (see secret_service.py);
the app runs as subprocesses (`python -m desktop_chat key ...`, `ask`, `export`) pointed at
that bus, with HOME and XDG_*_HOME in a temp dir. KeyStore unit tests use the same service
in-process. Skipped only when dbus-daemon or gnome-keyring-daemon is not installed.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import AppProfile, files_containing, one_line
from fake_openai import FakeOpenAIServer, error
from keyring_fakes import EncryptedKeyring, PlaintextKeyring
from secret_service import SecretService, missing_tools

from desktop_chat.credentials import SERVICE, KeychainUnavailable, KeySource, KeyStore
from desktop_chat.settings import Profile, Settings, save

pytestmark = pytest.mark.keychain

KEY = "sk-proj-KEYCHAIN-LEAKCHECK-3c9f1a7e5d2b"
KEY_TAIL = "LEAKCHECK-3c9f1a7e5d2b"  # what a partial echo of the key would still show
REMOTE_KEY = "sk-remote-PROFILE-8b2d4f6a0c1e"
TESTS = Path(__file__).parent

# One KeyStore lookup in a fresh process, printed as JSON (the key itself only as a flag).
LOOKUP_SCRIPT = """
import json
from desktop_chat.credentials import KeyStore
found = KeyStore({}).lookup("OpenAI")
print(json.dumps({"source": found.source.value, "has_key": bool(found.key),
                  "problem": found.problem}))
"""


@pytest.fixture(scope="session")
def secret_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecretService]:
    missing = missing_tools()
    if missing:
        pytest.skip(
            f"a real Secret Service needs {' and '.join(missing)} "
            "(Debian packages: dbus, gnome-keyring)"
        )
    service = SecretService(tmp_path_factory.mktemp("secret-service")).start()
    yield service
    service.stop()


@pytest.fixture
def keychain(secret_service: SecretService) -> Iterator[SecretService]:
    """The shared service, with no desktop-chat item before or after the test."""
    secret_service.clear(service=SERVICE)
    yield secret_service
    secret_service.clear(service=SERVICE)


@pytest.fixture
def profile(tmp_path: Path) -> AppProfile:
    return AppProfile(tmp_path / "profile")


def bus_env(service: SecretService, **extra: str | None) -> dict[str, str | None]:
    """Point the app at the private bus; OPENAI_* stay unset unless given."""
    env: dict[str, str | None] = {
        "DBUS_SESSION_BUS_ADDRESS": service.address,
        "XDG_RUNTIME_DIR": service.env["XDG_RUNTIME_DIR"],
    }
    env.update(extra)
    return env


def no_bus_env(tmp_path: Path) -> dict[str, str | None]:
    return {"DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path}/no-such-bus-socket"}


def python(
    profile: AppProfile, script: str, env: dict[str, str | None]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=profile.environ(env),
        cwd=profile.root,
        timeout=60,
        check=False,
    )


def lookup_in_subprocess(profile: AppProfile, env: dict[str, str | None]) -> dict[str, object]:
    result = python(profile, LOOKUP_SCRIPT, env)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def assert_no_key_anywhere(texts: list[str], roots: list[Path], *keys: str) -> None:
    for key in keys:
        for needle in (key, key[-12:], base64.b64encode(key.encode()).decode()):
            assert not [t for t in texts if needle in t], f"{needle!r} was printed"
            assert files_containing(roots, needle) == [], f"{needle!r} was written to a file"


# --- the `key` command ------------------------------------------------------------------------


def test_key_set_reads_stdin_and_stores_the_key_in_the_keychain(
    profile: AppProfile, keychain: SecretService
) -> None:
    result = profile.run("key", "set", input=KEY + "\n", env=bus_env(keychain))

    assert result.returncode == 0, result.stderr
    assert "Stored the key for profile 'OpenAI' in the system keychain" in result.stdout
    # keyring's SecretService backend: attributes service, username (and application).
    (attributes,) = keychain.items(service=SERVICE)
    assert attributes["service"] == "desktop-chat"
    assert attributes["username"] == "OpenAI"
    assert keychain.lookup(service="desktop-chat", username="OpenAI") == KEY
    if shutil.which("secret-tool"):
        found = subprocess.run(
            ["secret-tool", "lookup", "service", "desktop-chat", "username", "OpenAI"],
            env={**profile.environ(), **keychain.env},
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert (found.returncode, found.stdout) == (0, KEY)
    assert_no_key_anywhere([result.stdout, result.stderr], [profile.root, keychain.root], KEY)


def test_key_status_says_keychain_and_never_prints_the_key(
    profile: AppProfile, keychain: SecretService
) -> None:
    assert profile.run("key", "set", input=KEY, env=bus_env(keychain)).returncode == 0

    result = profile.run("key", "status", env=bus_env(keychain))

    assert result.returncode == 0, result.stderr
    assert result.stdout == "Profile 'OpenAI': key held in the system keychain.\n"
    assert KEY_TAIL not in result.stdout + result.stderr


def test_key_delete_removes_it(profile: AppProfile, keychain: SecretService) -> None:
    assert profile.run("key", "set", input=KEY, env=bus_env(keychain)).returncode == 0

    deleted = profile.run("key", "delete", env=bus_env(keychain))
    status = profile.run("key", "status", env=bus_env(keychain))
    again = profile.run("key", "delete", env=bus_env(keychain))

    assert deleted.returncode == 0, deleted.stderr
    assert "Deleted the key for profile 'OpenAI'" in deleted.stdout
    assert keychain.items(service=SERVICE) == []
    assert "nowhere: no key is stored" in status.stdout
    assert again.returncode == 0
    assert "No key was stored for profile 'OpenAI'" in again.stdout


def test_key_set_for_an_unknown_profile_fails(profile: AppProfile, keychain: SecretService) -> None:
    result = profile.run("key", "set", "--profile", "Nope", input=KEY, env=bus_env(keychain))

    assert result.returncode == 1
    assert "no profile named 'Nope'" in one_line(result.stderr)
    assert keychain.items(service=SERVICE) == []
    assert KEY_TAIL not in result.stdout + result.stderr


def test_key_set_with_an_empty_stdin_stores_nothing(
    profile: AppProfile, keychain: SecretService
) -> None:
    result = profile.run("key", "set", input="\n", env=bus_env(keychain))

    assert result.returncode == 1
    assert "no key given" in one_line(result.stderr)
    assert keychain.items(service=SERVICE) == []


def test_key_status_with_the_environment_variable_says_environment(
    profile: AppProfile, keychain: SecretService
) -> None:
    assert profile.run("key", "set", input=KEY, env=bus_env(keychain)).returncode == 0
    env_key = "sk-from-ENVIRONMENT-1a2b3c4d5e6f"

    result = profile.run("key", "status", env=bus_env(keychain, OPENAI_API_KEY=env_key))

    assert result.returncode == 0, result.stderr
    assert "the OPENAI_API_KEY environment variable" in result.stdout
    assert "keychain)" in result.stdout  # "(it overrides the keychain)"
    for needle in (KEY_TAIL, env_key, env_key[-12:]):
        assert needle not in result.stdout + result.stderr


# --- KeyStore against the real Secret Service, in this process ----------------------------------


@pytest.fixture
def real_keyring(keychain: SecretService, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """keyring's SecretService backend, talking to the private bus."""
    import keyring
    from keyring.backends.SecretService import Keyring as SecretServiceKeyring

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", keychain.address)
    previous = keyring.get_keyring()
    keyring.set_keyring(SecretServiceKeyring())
    yield
    keyring.set_keyring(previous)


@pytest.mark.usefixtures("real_keyring")
def test_keystore_lookup_order_is_environment_then_session_then_keychain(
    keychain: SecretService,
) -> None:
    with_environment = KeyStore({"OPENAI_API_KEY": "sk-env-key-aaaa"})
    with_environment.store("Unit", "sk-keychain-key-bbbb")
    with_environment.keep_for_session("Unit", "sk-session-key-cccc")

    found = with_environment.lookup("Unit")
    assert (found.source, found.key, found.problem) == (
        KeySource.ENVIRONMENT,
        "sk-env-key-aaaa",
        "",
    )
    without_env = with_environment.lookup("Unit", use_environment=False)
    assert (without_env.source, without_env.key) == (KeySource.SESSION, "sk-session-key-cccc")
    fresh = KeyStore({}).lookup("Unit")
    assert (fresh.source, fresh.key) == (KeySource.KEYCHAIN, "sk-keychain-key-bbbb")
    assert keychain.lookup(service=SERVICE, username="Unit") == "sk-keychain-key-bbbb"

    assert with_environment.delete("Unit") is True
    gone = with_environment.lookup("Unit", use_environment=False)
    assert (gone.source, gone.key, gone.problem) == (KeySource.NONE, None, "")
    assert keychain.items(service=SERVICE) == []
    assert with_environment.delete("Unit") is False


@pytest.mark.usefixtures("real_keyring")
def test_keystore_keep_for_session_stays_in_memory(keychain: SecretService) -> None:
    keys = KeyStore({})
    keys.keep_for_session("Unit", "  sk-session-only-dddd\n")

    found = keys.lookup("Unit")
    assert (found.source, found.key) == (KeySource.SESSION, "sk-session-only-dddd")
    assert keychain.items(service=SERVICE) == []
    assert KeyStore({}).lookup("Unit").source is KeySource.NONE  # another process's view

    keys.store("Unit", "sk-now-in-keychain-eeee")  # storing replaces the session key
    stored = keys.lookup("Unit")
    assert (stored.source, stored.key) == (KeySource.KEYCHAIN, "sk-now-in-keychain-eeee")
    assert "sk-" not in repr(stored)


@pytest.mark.usefixtures("real_keyring")
def test_keystore_rename_moves_a_keychain_key(keychain: SecretService) -> None:
    keys = KeyStore({})
    keys.store("Old name", "sk-renamed-ffff")

    keys.rename("Old name", "New name")

    assert keychain.lookup(service=SERVICE, username="New name") == "sk-renamed-ffff"
    assert keychain.lookup(service=SERVICE, username="Old name") is None


# --- no Secret Service, a locked one, a plaintext backend -----------------------------------


def test_no_secret_service_key_set_fails_with_a_plain_message(
    profile: AppProfile, tmp_path: Path
) -> None:
    env = no_bus_env(tmp_path)

    result = profile.run("key", "set", input=KEY, env=env)
    status = profile.run("key", "status", env=env)
    found = lookup_in_subprocess(profile, env)

    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "No system keychain was found" in line
    assert "OPENAI_API_KEY" in line
    assert "Traceback" not in result.stderr
    assert status.returncode == 0
    assert "nowhere" in status.stdout
    assert "No system keychain was found" in status.stdout
    assert (found["source"], found["has_key"]) == ("none", False)
    assert "No system keychain was found" in str(found["problem"])
    assert_no_key_anywhere([result.stdout, result.stderr], [profile.root], KEY)


@pytest.fixture
def locked_keychain(secret_service: SecretService, tmp_path: Path) -> Iterator[SecretService]:
    """A second, private service whose login keyring holds a key and is then locked."""
    service = SecretService(tmp_path / "locked-service").start()
    try:
        AppProfile(tmp_path / "setup").run("key", "set", input=KEY, env=bus_env(service))
        assert service.lookup(service=SERVICE, username="OpenAI") == KEY
        service.lock()
        yield service
    finally:
        service.stop()


def test_locked_keychain_gives_a_plain_message(
    profile: AppProfile, locked_keychain: SecretService
) -> None:
    env = bus_env(locked_keychain)
    started = time.monotonic()

    result = profile.run("key", "set", input=REMOTE_KEY, env=env)
    status = profile.run("key", "status", env=env)
    found = lookup_in_subprocess(profile, env)

    assert time.monotonic() - started < 30  # the unlock prompt is dismissed, not waited on
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "locked" in line
    assert "OPENAI_API_KEY" in line
    assert "Traceback" not in result.stderr
    assert "nowhere" in status.stdout
    assert "locked" in status.stdout
    assert found["source"] == "none"
    assert found["has_key"] is False
    assert "locked" in str(found["problem"])
    assert_no_key_anywhere(
        [result.stdout, result.stderr, status.stdout, status.stderr],
        [profile.root],
        KEY,
        REMOTE_KEY,
    )


def test_ask_with_a_locked_keychain_says_it_is_locked(
    profile: AppProfile, locked_keychain: SecretService
) -> None:
    result = profile.run("ask", "--model", "gpt-4", "hello", env=bus_env(locked_keychain))

    assert result.returncode == 1
    assert "locked" in one_line(result.stderr)


@pytest.fixture
def plaintext_backend(tmp_path: Path) -> Iterator[type[PlaintextKeyring]]:
    import keyring

    previous = keyring.get_keyring()
    yield PlaintextKeyring
    keyring.set_keyring(previous)


@pytest.mark.parametrize("backend_class", [PlaintextKeyring, EncryptedKeyring])
def test_keystore_refuses_a_plaintext_backend(
    plaintext_backend: object, backend_class: type[PlaintextKeyring], tmp_path: Path
) -> None:
    import keyring

    backing_file = tmp_path / "keyring_pass.cfg"
    keyring.set_keyring(backend_class(backing_file))
    keys = KeyStore({})

    with pytest.raises(KeychainUnavailable, match="plain file") as refused:
        keys.store("OpenAI", KEY)
    found = keys.lookup("OpenAI")

    assert KEY_TAIL not in str(refused.value)
    assert not backing_file.exists()
    assert (found.source, found.key) == (KeySource.NONE, None)
    assert "plain file" in found.problem
    keys.keep_for_session("OpenAI", KEY)  # what the app offers instead
    assert keys.lookup("OpenAI").source is KeySource.SESSION
    assert not backing_file.exists()


def _keyrings_alt_available() -> bool:
    try:
        import keyrings.alt.file  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.parametrize(
    "backend",
    [
        "keyring_fakes.PlaintextKeyring",
        pytest.param(
            "keyrings.alt.file.PlaintextKeyring",
            marks=pytest.mark.skipif(
                not _keyrings_alt_available(), reason="keyrings.alt is not installed"
            ),
        ),
    ],
)
def test_key_set_refuses_a_plaintext_backend_chosen_by_environment(
    profile: AppProfile, tmp_path: Path, backend: str
) -> None:
    env: dict[str, str | None] = {
        "PYTHON_KEYRING_BACKEND": backend,
        "PYTHONPATH": str(TESTS),
        **no_bus_env(tmp_path),
    }

    result = profile.run("key", "set", input=KEY, env=env)

    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "plain file" in line
    assert "OPENAI_API_KEY" in line
    assert_no_key_anywhere([result.stdout, result.stderr], [profile.root], KEY)


# --- end to end: the key goes from the keychain to the server and nowhere else --------------


def test_keychain_key_reaches_the_server_and_nothing_else(
    profile: AppProfile, keychain: SecretService, fake_openai: FakeOpenAIServer
) -> None:
    # The default profile names the (fake) server itself: a stored key never follows
    # OPENAI_BASE_URL to another server, so the environment must not name one here.
    save(
        Settings(profiles=(Profile(name="OpenAI", base_url=fake_openai.base_url),)),
        profile.settings_file,
    )
    env = bus_env(keychain)
    outputs: list[str] = []

    def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        result = profile.run(*args, input=input, env=env)
        outputs.extend([result.stdout, result.stderr])
        return result

    stored = run("key", "set", input=KEY + "\n")
    chat = run("ask", "Say hello")
    export = run("export")
    markdown = run("export", "--format", "markdown")
    status = run("key", "status")
    echoed = (
        f"Incorrect API key provided: {KEY}. Also known as sk-proj-KEY{'*' * 20}{KEY[-4:]}. "
        "You can find your API key at https://platform.openai.com/account/api-keys."
    )
    fake_openai.fail_models(401, echoed, code="invalid_api_key")
    fake_openai.script(error(401, echoed, code="invalid_api_key"))
    rejected = run("ask", "Say hello again")

    assert stored.returncode == 0, stored.stderr
    assert chat.returncode == 0, chat.stderr
    assert chat.stdout == "Hello from the test server.\n"
    assert export.returncode == 0 and markdown.returncode == 0
    assert "Say hello" in export.stdout
    assert "system keychain" in status.stdout
    assert rejected.returncode == 1
    assert "rejected the API key (401)" in one_line(rejected.stderr)
    requests = fake_openai.requests
    paths = {r.path.split("?")[0] for r in requests}
    assert "/v1/chat/completions" in paths and paths <= {"/v1/models", "/v1/chat/completions"}
    for request in requests:  # the key came from the keychain: nothing else held it
        assert request.headers.get("authorization") == f"Bearer {KEY}"
    assert_no_key_anywhere(outputs, [profile.root, keychain.root], KEY)


def test_profiles_switch_between_a_keyless_server_and_a_keyed_one(
    profile: AppProfile, keychain: SecretService, fake_openai: FakeOpenAIServer
) -> None:
    save(
        Settings(
            profiles=(
                Profile(name="Local", base_url=fake_openai.base_url, needs_key=False),
                Profile(name="Remote", base_url=fake_openai.base_url, needs_key=True),
            ),
            default_profile="Local",
        ),
        profile.settings_file,
    )
    env = bus_env(keychain)  # OPENAI_BASE_URL and OPENAI_API_KEY unset: profiles decide
    stored = profile.run("key", "set", "--profile", "Remote", input=REMOTE_KEY, env=env)
    assert stored.returncode == 0, stored.stderr

    local = profile.run("ask", "--profile", "Local", "Hi, local", env=env)
    local_requests = fake_openai.requests
    remote = profile.run("ask", "--profile", "Remote", "Hi, remote", env=env)
    remote_requests = fake_openai.requests[len(local_requests) :]
    default = profile.run("ask", "Hi, default", env=env)
    default_requests = fake_openai.requests[len(local_requests) + len(remote_requests) :]
    local_status = profile.run("key", "status", "--profile", "Local", env=env)

    assert local.returncode == 0, local.stderr
    assert remote.returncode == 0, remote.stderr
    assert default.returncode == 0, default.stderr
    assert local_requests and remote_requests and default_requests
    for request in local_requests + default_requests:
        assert "authorization" not in request.headers
    for request in remote_requests:
        assert request.headers.get("authorization") == f"Bearer {REMOTE_KEY}"
    assert "nowhere" in local_status.stdout
    assert_no_key_anywhere(
        [r.stdout + r.stderr for r in (stored, local, remote, default, local_status)],
        [profile.root],
        REMOTE_KEY,
    )


def test_ask_records_the_profile_of_a_new_conversation(
    profile: AppProfile, keychain: SecretService, fake_openai: FakeOpenAIServer
) -> None:
    save(
        Settings(
            profiles=(
                Profile(name="Local", base_url=fake_openai.base_url, needs_key=False),
                Profile(name="Other", base_url=fake_openai.base_url, needs_key=False),
            ),
            default_profile="Local",
        ),
        profile.settings_file,
    )

    result = profile.run("ask", "--profile", "Other", "Hi", env=bus_env(keychain))

    assert result.returncode == 0, result.stderr
    with profile.store() as store:
        conversation = store.get_conversation(store.conversation_ids()[0])
    assert conversation.profile == "Other"


# --- tool servers' secrets (issue 14): ${keychain} values in mcp_servers ------------------------


@pytest.mark.usefixtures("real_keyring")
def test_a_tool_servers_token_is_kept_in_the_keychain_and_reaches_only_that_server(
    keychain: SecretService, qtbot, controller, tmp_path: Path
) -> None:
    import asyncio
    import shlex

    from mcp_helpers import SERVER_SCRIPT

    from desktop_chat import tool_secrets
    from desktop_chat.mcp_tools import ToolBox, servers_from_settings
    from desktop_chat.providers import Providers
    from desktop_chat.settings import load
    from desktop_chat.ui.tools_dialog import ToolServersDialog

    keychain.clear(service=tool_secrets.SERVICE)
    settings_file = tmp_path / "settings.json"
    providers = Providers(settings_file=settings_file, environ={})
    controller.tools = ToolBox()
    dialog = ToolServersDialog(providers, controller)
    qtbot.addWidget(dialog)
    dialog._add()
    dialog.name_field.setText("github")
    dialog.command_field.setText(shlex.join([sys.executable, SERVER_SCRIPT]))
    dialog.env_field.setPlainText("GITHUB_TOKEN=ghp-secret-token-0123\nLEVEL=debug")
    dialog.secrets_box.setChecked(True)
    dialog._save()
    text = settings_file.read_text(encoding="utf-8")
    assert "ghp-secret-token-0123" not in text  # not in the file ...
    saved = load(settings_file).mcp_servers["github"]
    assert saved["env"] == {"GITHUB_TOKEN": "${keychain}", "LEVEL": "${keychain}"}
    # ... but in the keychain, under its own service
    assert keychain.lookup(service=tool_secrets.SERVICE, username="github/GITHUB_TOKEN") == (
        "ghp-secret-token-0123"
    )

    async def read_from_server(entries: dict[str, object]) -> tuple[str, list[str]]:
        box = ToolBox(servers=servers_from_settings(entries))
        specs, problems = await box.tools(list(entries))
        token = "<none>"
        if specs:
            environment = next(s for s in specs if s.name == "environment")
            token = (await box.call(environment, json.dumps({"name": "GITHUB_TOKEN"}))).text
        await box.close()
        return token, problems

    def run(coroutine):  # on the chat's qasync loop, as in the app
        task = asyncio.ensure_future(coroutine)
        qtbot.waitUntil(task.done, timeout=20_000)
        return task.result()

    token, problems = run(read_from_server({"github": saved}))
    assert (token, problems) == ("ghp-secret-token-0123", [])

    # Renamed in the dialog: the secret follows, the old entry is freed.
    dialog = ToolServersDialog(providers, controller)
    qtbot.addWidget(dialog)
    assert dialog.env_field.toPlainText().startswith("GITHUB_TOKEN=${keychain}")
    assert dialog.secrets_box.isChecked()
    dialog.name_field.setText("gh")
    dialog._save()
    assert keychain.lookup(service=tool_secrets.SERVICE, username="gh/GITHUB_TOKEN") == (
        "ghp-secret-token-0123"
    )
    assert keychain.lookup(service=tool_secrets.SERVICE, username="github/GITHUB_TOKEN") is None

    # A secret missing from the keychain: the server does not start, and says which one.
    keychain.clear(service=tool_secrets.SERVICE)
    _token, problems = run(read_from_server({"gh": load(settings_file).mcp_servers["gh"]}))
    assert len(problems) == 1 and "GITHUB_TOKEN" in problems[0] and "keychain" in problems[0]
    assert "ghp-secret" not in problems[0]
    keychain.clear(service=tool_secrets.SERVICE)


def test_a_tool_secret_that_cannot_be_kept_says_so_without_the_value(monkeypatch) -> None:
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    from desktop_chat import tool_secrets

    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        with pytest.raises(tool_secrets.SecretError) as raised:
            tool_secrets.store("gh", "GITHUB_TOKEN", "ghp-never-shown-999")
    finally:
        keyring.set_keyring(previous)
    assert "GITHUB_TOKEN" in str(raised.value) and "ghp-never" not in str(raised.value)


def test_a_tool_secret_never_goes_to_a_plaintext_keyring(tmp_path: Path) -> None:
    import keyring

    from desktop_chat import tool_secrets

    previous = keyring.get_keyring()
    backend = PlaintextKeyring(tmp_path / "keyring_pass.cfg")
    keyring.set_keyring(backend)
    try:
        with pytest.raises(tool_secrets.SecretError) as raised:
            tool_secrets.store("gh", "GITHUB_TOKEN", "ghp-plain-file-777")
    finally:
        keyring.set_keyring(previous)
    assert "plain file" in str(raised.value)
    assert not (tmp_path / "keyring_pass.cfg").exists()
