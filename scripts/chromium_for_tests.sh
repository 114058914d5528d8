#!/usr/bin/env bash
# Debian's Chromium for the review UI's end-to-end test (tests/ui/test_ui_e2e.py drives /usr/bin/chromium through
# Playwright; Playwright's own browser downloads are never used). Installs the `chromium` package when
# /usr/bin/chromium is missing, as root or through sudo, and prints the browser's path as the last line of
# stdout. Everything else goes to stderr, so:
#
#   bash scripts/chromium_for_tests.sh && .venv/bin/python -m pytest tests/ui/test_ui_e2e.py
#
# Idempotent: when the browser is there already it only prints its path.
set -euo pipefail

BROWSER=/usr/bin/chromium

say() { echo "chromium_for_tests: $*" >&2; }
die() { say "error: $*"; exit 1; }

as_root() {
    if [[ $EUID -eq 0 ]]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "root (or sudo) is needed to run: $*"
    fi
}

if [[ ! -x "$BROWSER" ]]; then
    command -v apt-get >/dev/null || die "$BROWSER is missing and apt-get is not available to install it"
    say "installing chromium from the Debian packages"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2
fi
[[ -x "$BROWSER" ]] || die "$BROWSER is still missing after the install"
# A browser that cannot start (missing shared library) should fail here, not in the middle of a test.
"$BROWSER" --headless --no-sandbox --disable-gpu --version >&2 || die "$BROWSER does not start"
say "ready"
echo "$BROWSER"
