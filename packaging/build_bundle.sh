#!/usr/bin/env bash
# Build the one-folder PyInstaller bundle (dist/desktop-chat/) and check that it works.
#
#   bash packaging/build_bundle.sh
#
# 1. A separate venv ($BUNDLE_VENV, default /tmp/bundle-venv) gets PyInstaller and the project
#    itself, installed from a freshly built wheel (non-editable: exactly what a user gets,
#    package data included), so neither the checkout nor a dev venv leaks into the bundle.
# 2. PyInstaller builds packaging/desktop-chat.spec into $BUNDLE_DIST (default dist/).
# 3. Checks, each with a throwaway HOME and XDG_* directories (nothing of yours is touched):
#    - `desktop-chat --version` answers with the package's version;
#    - the window opens offscreen and reaches its first paint (QT_QPA_PLATFORM=offscreen
#      DESKTOP_CHAT_EXIT_AFTER_FIRST_PAINT=1), then exits 0;
#    - `install-desktop-entry` writes the packaged entry and icons, with Exec set to the
#      bundle's executable (desktop-file-validate checks it where installed);
#    - keyring finds the Secret Service inside the bundle: a key is stored, found and deleted
#      through `desktop-chat key` against a throwaway gnome-keyring on a private session bus
#      (skipped, and said so, when dbus-run-session or gnome-keyring-daemon is missing).
# 4. Prints the bundle's size and the build time. The last line is "bundle check: OK" or the
#    script exits non-zero.
#
# Environment: BUNDLE_VENV, BUNDLE_DIST (output folder), BUNDLE_WORK (PyInstaller work folder,
# default build/bundle), PYTHON (interpreter for the venv, default python3).
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
BUNDLE_VENV=${BUNDLE_VENV:-/tmp/bundle-venv}
BUNDLE_DIST=${BUNDLE_DIST:-$ROOT/dist}
BUNDLE_WORK=${BUNDLE_WORK:-$ROOT/build/bundle}
PYTHON=${PYTHON:-python3}
PYINSTALLER_REQUIREMENT=${PYINSTALLER_REQUIREMENT:-pyinstaller>=6.10,<7}
NAME=desktop-chat

say() { printf '[build_bundle] %s\n' "$*" >&2; }
fail() {
    say "FAILED: $*"
    exit 1
}
started=$SECONDS

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# --------------------------------------------------------------------------- venv

# Two builds sharing one venv (say, two test runs at once) would reinstall the package under
# each other's PyInstaller run: take turns.
mkdir -p "$(dirname -- "$BUNDLE_VENV")"
if command -v flock >/dev/null 2>&1; then
    exec 9>"$BUNDLE_VENV.lock"
    flock 9
fi

if [ ! -x "$BUNDLE_VENV/bin/python" ]; then
    say "creating the build venv $BUNDLE_VENV"
    "$PYTHON" -m venv "$BUNDLE_VENV"
fi
pip=("$BUNDLE_VENV/bin/python" -m pip --disable-pip-version-check --quiet)
if ! "$BUNDLE_VENV/bin/python" -c 'import PyInstaller' 2>/dev/null; then
    say "installing $PYINSTALLER_REQUIREMENT"
    "${pip[@]}" install "$PYINSTALLER_REQUIREMENT" </dev/null
fi

say "building the wheel and installing it (non-editable) with its dependencies"
# Build from a copy of the tracked and new source files, so the build leaves nothing in the
# checkout (setuptools writes build/ and *.egg-info next to pyproject.toml).
mkdir "$scratch/src" "$scratch/wheel"
(
    cd "$ROOT"
    tar -cf - --exclude-vcs --exclude='./build' --exclude='./dist' --exclude='./.venv' \
        --exclude='*.egg-info' --exclude='__pycache__' --exclude='./artifacts' \
        pyproject.toml README.md desktop_chat
) | tar -xf - -C "$scratch/src"
"${pip[@]}" wheel --no-deps --wheel-dir "$scratch/wheel" "$scratch/src" </dev/null
wheel=$(ls "$scratch"/wheel/*.whl)
"${pip[@]}" install --force-reinstall --no-deps "$wheel" </dev/null
"${pip[@]}" install "$wheel" </dev/null # its dependencies, where missing or outdated
# From the scratch folder: a script on stdin has the current directory on sys.path.
(cd "$scratch" && "$BUNDLE_VENV/bin/python" -) <<'EOF' || fail "the installed package does not carry its data files"
from importlib import resources
import desktop_chat, pathlib, sys
root = resources.files("desktop_chat.resources")
if "site-packages" not in desktop_chat.__file__:
    sys.exit(f"desktop_chat imported from {desktop_chat.__file__}, not the venv")
for name in ("desktop-chat.desktop.in", "io.github.desktop_chat.DesktopChat.metainfo.xml",
             "icons/hicolor/scalable/apps/io.github.desktop_chat.DesktopChat.svg",
             "icons/hicolor/256x256/apps/io.github.desktop_chat.DesktopChat.png"):
    if not root.joinpath(*name.split("/")).is_file():
        sys.exit(f"missing from the installed package: {name}")
EOF

# --------------------------------------------------------------------------- build

say "running PyInstaller"
build_started=$SECONDS
(
    # Not from the checkout: `desktop_chat` must come from the venv's site-packages.
    cd "$scratch"
    "$BUNDLE_VENV/bin/pyinstaller" --noconfirm --log-level WARN \
        --distpath "$BUNDLE_DIST" --workpath "$BUNDLE_WORK" "$ROOT/packaging/desktop-chat.spec" \
        </dev/null
)
build_seconds=$((SECONDS - build_started))
bundle="$BUNDLE_DIST/$NAME"
exe="$bundle/$NAME"
[ -x "$exe" ] || fail "no executable at $exe"

# --------------------------------------------------------------------------- checks

# A throwaway home for every check: settings, history, logs, sockets, keyrings.
isolated() {
    local home="$scratch/home"
    mkdir -p "$home" "$scratch/runtime"
    chmod 700 "$scratch/runtime"
    env -u DISPLAY -u WAYLAND_DISPLAY -u OPENAI_API_KEY -u OPENAI_BASE_URL \
        -u DBUS_SESSION_BUS_ADDRESS -u PYTHON_KEYRING_BACKEND \
        HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" \
        XDG_STATE_HOME="$home/.local/state" XDG_CACHE_HOME="$home/.cache" \
        XDG_RUNTIME_DIR="$scratch/runtime" TMPDIR="$scratch" \
        OPENAI_BASE_URL=http://127.0.0.1:9/v1 QT_QPA_PLATFORM=offscreen "$@"
}

expected_version=$(cd "$scratch" && "$BUNDLE_VENV/bin/python" -c 'import desktop_chat; print(desktop_chat.__version__)')
version=$(isolated timeout 60 "$exe" --version) || fail "--version exited non-zero"
[ "$version" = "$NAME $expected_version" ] || fail "--version said '$version'"
say "check --version: $version"

paint_started=$SECONDS
status=0
output=$(isolated DESKTOP_CHAT_EXIT_AFTER_FIRST_PAINT=1 timeout 120 "$exe" 2>&1) || status=$?
if [ "$status" -ne 0 ] || ! grep -qx 'first-paint' <<<"$output"; then
    printf '%s\n' "$output" >&2
    fail "the window did not reach its first paint offscreen (exit $status)"
fi
say "check first paint offscreen: first-paint, exit 0 ($((SECONDS - paint_started)) s)"

data_home="$scratch/data-home"
isolated "$exe" install-desktop-entry --data-home "$data_home" >/dev/null ||
    fail "install-desktop-entry failed"
entry="$data_home/applications/io.github.desktop_chat.DesktopChat.desktop"
[ -f "$entry" ] || fail "no desktop entry at $entry"
[ -f "$data_home/icons/hicolor/256x256/apps/io.github.desktop_chat.DesktopChat.png" ] ||
    fail "the icons were not installed"
grep -qxF "Exec=$(cd "$bundle" && pwd -P)/$NAME" "$entry" ||
    fail "Exec does not point at the bundle: $(grep '^Exec=' "$entry" | head -1)"
if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate "$entry" || fail "desktop-file-validate rejected the entry"
    say "check desktop entry: installed from the bundle, Exec is the bundle, validates"
else
    say "check desktop entry: installed from the bundle, Exec is the bundle (desktop-file-validate not installed)"
fi

if command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
    keyring_log="$scratch/keyring.log"
    # shellcheck disable=SC2016  # expanded by the inner shell
    if ! isolated dbus-run-session -- bash -c '
        set -e
        printf bundle-check | gnome-keyring-daemon --unlock --components=secrets >/dev/null
        printf "sk-bundle-check\n" | "$1" key set
        "$1" key status | tee /dev/stderr | grep -q "the system keychain"
        "$1" key delete
        "$1" key status | grep -q "nowhere"
    ' bash "$exe" >"$keyring_log" 2>&1; then
        cat "$keyring_log" >&2
        fail "keyring did not find the Secret Service inside the bundle"
    fi
    say "check keyring: the Secret Service backend stores, finds and deletes a key"
else
    say "check keyring: SKIPPED (needs dbus-run-session and gnome-keyring-daemon)"
fi

size=$(du -sh "$bundle" | cut -f1)
say "bundle: $bundle"
say "bundle size: $size (du -sh); PyInstaller took ${build_seconds} s; everything took $((SECONDS - started)) s"
echo "bundle check: OK"
