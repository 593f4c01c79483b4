#!/usr/bin/env bash
# Command two: run the WHOLE test suite, installing what it needs first.
#
#   bash tests/run.sh [pytest arguments...]
#
# 1. As root with apt-get (Debian/Ubuntu): installs the Debian packages the tests need, skipping
#    the ones already installed (no apt-get at all when nothing is missing).
# 2. Creates a virtualenv ($VENV, default .venv in the repository) and installs the project
#    with its test extras (`pip install -e '.[test]'`), again only when pyproject.toml changed.
# 3. Runs pytest inside `dbus-run-session` (a private session bus) with
#    QT_QPA_PLATFORM=offscreen and DISPLAY unset (the end-to-end tests start their own Xvfb and
#    use xcb). pytest's exit code is this script's exit code; 5 ("no tests collected") is
#    reported as a failure too.
#
# Environment: VENV (virtualenv path), PYTHON (interpreter that creates it, default python3),
# SKIP_APT=1 (never call apt-get), QT_QPA_PLATFORM (default offscreen).
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
VENV=${VENV:-$ROOT/.venv}
PYTHON=${PYTHON:-python3}

say() { printf '[tests/run.sh] %s\n' "$*" >&2; }
started=$SECONDS

# --------------------------------------------------------------------------- Debian packages

# Qt offscreen; Qt xcb (the libxcb-* that libqxcb.so and libQt6XcbQpa link to, checked with
# ldd); end-to-end tools; a real Secret Service; a font; the sqlite3 shell for debugging.
APT_PACKAGES=(
    libglib2.0-0 libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libxkbcommon0
    libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
    libx11-xcb1 libxcb1 libxcb-image0 libxcb-randr0 libxcb-render0 libxcb-render-util0
    libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0 libxcb-xkb1
    xvfb xdotool imagemagick x11-utils xclip
    gnome-keyring dbus dbus-x11 libsecret-tools
    fonts-dejavu-core fonts-noto-cjk  # fonts-noto-cjk: the Chinese UI (screenshots, i18n)
    sqlite3
    # validators for the desktop entry and AppStream metainfo (tests/test_desktop_entry.py)
    desktop-file-utils appstream
)

install_debian_packages() {
    if [ -n "${SKIP_APT:-}" ]; then
        say "SKIP_APT is set: not installing Debian packages"
        return
    fi
    if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
        say "no apt-get here: install the equivalents of these yourself: ${APT_PACKAGES[*]}"
        return
    fi
    local wanted=("${APT_PACKAGES[@]}") missing=() package
    # The interpreter that creates the venv needs venv and ensurepip (Debian splits them off).
    if ! command -v "$PYTHON" >/dev/null 2>&1 || ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
        wanted+=(python3 python3-venv)
        PYTHON=python3
    fi
    for package in "${wanted[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed'; then
            missing+=("$package")
        fi
    done
    if [ ${#missing[@]} -eq 0 ]; then
        say "Debian packages: all ${#wanted[@]} already installed"
        return
    fi
    if [ "$(id -u)" -ne 0 ]; then
        say "not root, so not installing these missing Debian packages: ${missing[*]}"
        say "install them with: sudo apt-get install ${missing[*]}"
        return
    fi
    say "installing ${#missing[@]} Debian packages: ${missing[*]}"
    local log
    log=$(mktemp)
    if ! {
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -qq update &&
            DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 -qq install -y \
                --no-install-recommends "${missing[@]}"
    } </dev/null >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        say "apt-get failed"
        exit 2
    fi
    rm -f "$log"
}

# --------------------------------------------------------------------------- virtualenv

install_python_packages() {
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating the virtualenv $VENV"
        "$PYTHON" -m venv "$VENV"
    fi
    local stamp="$VENV/.desktop-chat-test-install" want
    want="$(sha256sum pyproject.toml | cut -d' ' -f1) $ROOT"
    # Reinstall when pyproject.toml changed, or when the editable install points elsewhere.
    if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] &&
        "$VENV/bin/python" - "$ROOT" <<'EOF' 2>/dev/null; then
import pathlib, sys
import desktop_chat
sys.exit(pathlib.Path(desktop_chat.__file__).resolve().parent != pathlib.Path(sys.argv[1], "desktop_chat").resolve())
EOF
        say "Python packages: up to date in $VENV"
        return
    fi
    say "installing the project and its test extras into $VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test]' </dev/null
    printf '%s\n' "$want" >"$stamp"
}

check_qt_libraries() {
    local plugins missing
    plugins=$("$VENV/bin/python" -c \
        'import pathlib, PySide6; print(pathlib.Path(PySide6.__file__).parent / "Qt/plugins/platforms")')
    missing=$(ldd "$plugins/libqxcb.so" "$plugins/libqoffscreen.so" 2>/dev/null | grep 'not found' | sort -u || true)
    if [ -n "$missing" ]; then
        say "WARNING: Qt platform plugins miss shared libraries (the tests will fail):"
        printf '%s\n' "$missing" >&2
    fi
}

install_debian_packages
install_python_packages
check_qt_libraries
say "set-up took $((SECONDS - started)) s; running pytest"

# --------------------------------------------------------------------------- pytest

export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
# Tests never use the caller's screen (the end-to-end ones start their own Xvfb); without this,
# a keychain prompt activated on the test bus could pop up on a developer's desktop.
unset DISPLAY WAYLAND_DISPLAY
command=("$VENV/bin/python" -m pytest "$@")
if command -v dbus-run-session >/dev/null 2>&1; then
    command=(dbus-run-session -- "${command[@]}")
else
    say "dbus-run-session not found: running without a private session bus"
fi

status=0
"${command[@]}" </dev/null || status=$?
if [ "$status" -eq 5 ]; then
    say "FAILED: pytest collected no tests (exit code 5)"
fi
exit "$status"
