#!/usr/bin/env bash
# Java for the Spark tests (pyspark 4 needs Java 17 or later): installs Debian's default-jre-headless with
# apt-get when `java` is missing or older than 17, as root or through sudo. Idempotent: does nothing when a
# suitable java is on the PATH. Quiet: one line on stderr unless something fails.
#
#   bash scripts/java_for_tests.sh && .venv/bin/python -m pytest tests/batch/test_spark.py
set -euo pipefail

say() { echo "java_for_tests: $*" >&2; }
die() { say "error: $*"; exit 1; }

java_major() {
    # `java -version` prints e.g. 'openjdk version "17.0.15" 2025-04-15' (or "1.8.0_392" for Java 8) on stderr.
    local version
    version="$(java -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)"
    [[ "$version" == 1.* ]] && version="${version#1.}"
    echo "${version%%[.+-]*}"
}

suitable_java() { command -v java >/dev/null && [[ "$(java_major)" =~ ^[0-9]+$ ]] && (( $(java_major) >= 17 )); }

as_root() {
    if [[ $EUID -eq 0 ]]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "root (or sudo) is needed to run: $*"
    fi
}

if suitable_java; then
    say "java $(java_major) already installed"
    exit 0
fi
command -v apt-get >/dev/null || die "no java >= 17 and no apt-get: install a Java 17+ runtime and put it on the PATH"

say "installing default-jre-headless from the Debian packages"
# Slim images drop /usr/share/man; the JRE's post-install step links a man page there and fails without it.
as_root mkdir -p /usr/share/man/man1
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null
hash -r
suitable_java || die "java >= 17 is still not on the PATH after installing default-jre-headless (found: $(java_major || true))"
say "java $(java_major) ready"
