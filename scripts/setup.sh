#!/usr/bin/env bash
# Prepare this checkout: a virtualenv with the package installed (editable).
# With --test, also the test tools: Debian's Chromium for the browser tests, a
# Java runtime and the npm dev tools (vnu-jar = Nu HTML Checker, axe-core).
# Safe to run again: every step is skipped when its result is already there.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

with_tests=false
for arg in "$@"; do
    case "$arg" in
        --test) with_tests=true ;;
        -h|--help) echo "usage: scripts/setup.sh [--test]"; exit 0 ;;
        *) echo "setup.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

say() { printf '==> %s\n' "$*"; }

as_root() {
    if [[ $(id -u) -eq 0 ]]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else echo "setup.sh: need root (or sudo) to run: $*" >&2; return 1
    fi
}

apt_install() {
    say "apt-get install $*"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# --- the virtualenv -----------------------------------------------------------
python=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
    say "creating .venv with $python"
    if ! "$python" -m venv .venv; then
        rm -rf .venv                      # Debian ships venv/ensurepip apart
        apt_install python3-venv
        "$python" -m venv .venv
    fi
fi

# Reinstall only when pyproject.toml changed since the last successful install,
# or when the test extras are wanted and were not installed with it.
stamp=.venv/.setup-stamp
hash=$(sha256sum pyproject.toml | cut -d' ' -f1)
installed=$(cat "$stamp" 2>/dev/null || true)
extras=""
$with_tests && extras="[test]"
if [[ $installed != "$hash [test]" && $installed != "$hash $extras" ]]; then
    say "installing the package into .venv${extras:+ with $extras}"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".$extras"
    echo "$hash $extras" > "$stamp"
fi

$with_tests || exit 0

# --- system tools for the tests (one apt run for all that are missing) --------
missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v java >/dev/null || missing+=(default-jre-headless)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
    apt_install "${missing[@]}"
fi

# --- npm dev tools -------------------------------------------------------------
if [[ ! -f node_modules/vnu-jar/build/dist/vnu.jar || ! -f node_modules/axe-core/axe.min.js ]]; then
    say "installing npm dev tools (vnu-jar, axe-core)"
    if [[ -f package-lock.json ]]; then
        npm ci --no-audit --no-fund
    else
        npm install --no-audit --no-fund
    fi
fi
say "setup done"
