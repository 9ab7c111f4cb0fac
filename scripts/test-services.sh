#!/usr/bin/env bash
# Installs and starts what the slow test suites need, on a Debian machine:
#   - a throw-away PostgreSQL server (initdb in a temp dir, run as the postgres user, loopback only)
#   - Debian's chromium (browser tests, driven by playwright-core), shellcheck, and tmux (the runbook
#     driven as a person would in a terminal)
# Prints the environment to export (ROLLBOOK_TEST_DATABASE_URL, ROLLBOOK_TEST_PGDATA).
# Safe to run twice; does nothing that needs the network except apt-get for missing packages.
set -euo pipefail
# runuser keeps the working directory; the postgres user may not be allowed into the clone.
cd /

need=()
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test-services: installing ${need[*]}" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
  else
    echo "test-services: missing ${need[*]} and not root; the suites that need them will fail in CI" >&2
  fi
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "test-services: no PostgreSQL binaries found" >&2; exit 1; }
port=${ROLLBOOK_TEST_PGPORT:-54329}
# Take the first free port from there (another server may hold it).
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
pgdata=$(mktemp -d /tmp/rollbook-pg.XXXXXX)
chmod 755 "$pgdata"
runas=()
if [ "$(id -u)" = 0 ]; then
  chown postgres:postgres "$pgdata"
  runas=(runuser -u postgres --)
fi
"${runas[@]}" "$bindir/initdb" -D "$pgdata/data" -U postgres --auth=trust -E UTF8 >/dev/null
"${runas[@]}" "$bindir/pg_ctl" -D "$pgdata/data" -l "$pgdata/server.log" -w \
  -o "-p $port -k $pgdata -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
echo "export ROLLBOOK_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
echo "export ROLLBOOK_TEST_PGDATA=$pgdata/data"
echo "export ROLLBOOK_TEST_PGCTL=$bindir/pg_ctl"
