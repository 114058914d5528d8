#!/usr/bin/env bash
# A local PostgreSQL for the store's tests: installs the Debian packages when missing, starts a cluster on
# 127.0.0.1 without systemd (works as root in a fresh container), creates a password user and a database,
# and prints their SQLAlchemy URL as the last line of stdout. Everything else goes to stderr, so:
#
#   export CODING_ASSISTANT_TEST_PG="$(bash scripts/postgres_for_tests.sh | tail -n 1)"
#   .venv/bin/python -m pytest tests/store/test_store.py
#
# Idempotent: rerunning it reuses the running cluster, the user (its password is reset to the one printed)
# and the database. Settings: CA_PG_PORT (5432), CA_PG_USER (coding_assistant), CA_PG_PASSWORD (random hex),
# CA_PG_CLUSTER (main; created with pg_createcluster when missing),
# CA_PG_DB (coding_assistant_test).
set -euo pipefail

PORT="${CA_PG_PORT:-5432}"
DB_USER="${CA_PG_USER:-coding_assistant}"
DB_NAME="${CA_PG_DB:-coding_assistant_test}"
DB_PASSWORD="${CA_PG_PASSWORD:-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}"

say() { echo "postgres_for_tests: $*" >&2; }
die() { say "error: $*"; exit 1; }

# Identifiers and the password go into SQL literals: refuse anything that could break out of them.
[[ "$DB_USER" =~ ^[a-z_][a-z0-9_]*$ ]] || die "CA_PG_USER must be a lower-case SQL identifier"
[[ "$DB_NAME" =~ ^[a-z_][a-z0-9_]*$ ]] || die "CA_PG_DB must be a lower-case SQL identifier"
[[ "$DB_PASSWORD" =~ ^[A-Za-z0-9._~-]+$ ]] || die "CA_PG_PASSWORD may hold letters, digits and ._~- only (it goes into a URL)"
[[ "${CA_PG_CLUSTER:-main}" =~ ^[a-z0-9_]+$ ]] || die "CA_PG_CLUSTER must be a lower-case name"
[[ "$PORT" =~ ^[0-9]+$ ]] || die "CA_PG_PORT must be a number"

as_root() {
    if [[ $EUID -eq 0 ]]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "root (or sudo) is needed to run: $*"
    fi
}

as_postgres() {
    if [[ "$(id -un)" == postgres ]]; then "$@"
    elif [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"
    else sudo -u postgres -- "$@"
    fi
}

newest_version() { ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1; }

if [[ -z "$(newest_version)" ]]; then
    say "installing PostgreSQL from the Debian packages"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
VERSION="$(newest_version)"
[[ -n "$VERSION" ]] || die "PostgreSQL is not installed under /usr/lib/postgresql"
BIN="/usr/lib/postgresql/$VERSION/bin"
command -v pg_ctlcluster >/dev/null || die "pg_ctlcluster not found (package postgresql-common)"

CLUSTER="${CA_PG_CLUSTER:-main}"
if [[ ! -d "/etc/postgresql/$VERSION/$CLUSTER" ]]; then
    # Images that set create_main_cluster=false, or a cluster removed earlier.
    say "creating cluster $VERSION/$CLUSTER"
    as_root pg_createcluster --port "$PORT" "$VERSION" "$CLUSTER" >&2
fi

# Listen on the loopback only, on the chosen port; conf.d is included last by Debian's postgresql.conf.
CONF_D="/etc/postgresql/$VERSION/$CLUSTER/conf.d"
CONF="$CONF_D/coding_assistant_tests.conf"
WANTED="$(printf "listen_addresses = '127.0.0.1'\nport = %s" "$PORT")"
CONF_CHANGED=0
if [[ "$(cat "$CONF" 2>/dev/null || true)" != "$WANTED" ]]; then
    as_root mkdir -p "$CONF_D"
    printf '%s\n' "$WANTED" | as_root tee "$CONF" >/dev/null
    CONF_CHANGED=1
fi

# No systemd in a container: the socket directory may be missing after a restart.
as_root install -d -o postgres -g postgres -m 2775 /var/run/postgresql

if as_root pg_ctlcluster "$VERSION" "$CLUSTER" status >/dev/null 2>&1; then
    if [[ $CONF_CHANGED == 1 ]]; then
        say "cluster $VERSION/$CLUSTER running; restarting it to listen on 127.0.0.1:$PORT"
        as_root pg_ctlcluster "$VERSION" "$CLUSTER" restart >&2
    else
        say "cluster $VERSION/$CLUSTER already running on 127.0.0.1:$PORT"
    fi
else
    say "starting cluster $VERSION/$CLUSTER on 127.0.0.1:$PORT"
    as_root pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
fi

for _ in $(seq 1 60); do
    "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" && break
    sleep 0.5
done
"$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" || die "PostgreSQL did not accept connections on 127.0.0.1:$PORT"

psql_admin() { as_postgres "$BIN/psql" -v ON_ERROR_STOP=1 -q -X -p "$PORT" -d postgres "$@"; }

if [[ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" == 1 ]]; then
    psql_admin -c "ALTER ROLE $DB_USER WITH LOGIN CREATEROLE PASSWORD '$DB_PASSWORD'" >&2
else
    say "creating user $DB_USER"
    # CREATEROLE: a test creates the restricted everyday role of the README ("Store") and runs the product as it.
    psql_admin -c "CREATE ROLE $DB_USER WITH LOGIN CREATEROLE PASSWORD '$DB_PASSWORD'" >&2
fi
if [[ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]]; then
    say "creating database $DB_NAME"
    # Owner of the database: the tests create and drop one schema per test in it.
    psql_admin -c "CREATE DATABASE $DB_NAME OWNER $DB_USER" >&2
fi

URL="postgresql+psycopg://$DB_USER:$DB_PASSWORD@127.0.0.1:$PORT/$DB_NAME"
# Check the URL end to end, through TCP and password authentication, before handing it out.
PGPASSWORD="$DB_PASSWORD" "$BIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d "$DB_NAME" -tAc "SELECT 1" >/dev/null \
    || die "cannot log in as $DB_USER on 127.0.0.1:$PORT/$DB_NAME"
say "ready"
echo "$URL"
