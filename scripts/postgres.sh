#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests, benchmarks and trying imd on PostgreSQL, in a directory of
# its own (Debian's postgresql package; as root, the server runs as user postgres).
#
#   scripts/postgres.sh start DIR [PORT]   initdb (first time) and start on 127.0.0.1:PORT (default: a free
#                                          port); prints the URL: postgres://im:PASSWORD@127.0.0.1:PORT/im
#   scripts/postgres.sh url DIR            prints the URL again
#   scripts/postgres.sh stop DIR           stops the server (the data stays in DIR)
#   scripts/postgres.sh restart DIR        pg_ctl restart -m fast (clients' connections are cut)
#   scripts/postgres.sh status DIR         exit 0 if it runs
#
# IM_POSTGRES_DURABLE=off starts it without fsync, full page writes and synchronous commit: for test
# suites only (a crash of the machine loses the data). Measurements use the default (durable).
set -euo pipefail

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 2 ] || usage
command="$1"
dir="$(mkdir -p "$2" && cd "$2" && pwd)"

bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "postgres.sh: no PostgreSQL server found in /usr/lib/postgresql (apt-get install postgresql)" >&2
    exit 1
fi

# As root, everything that touches the cluster runs as the postgres user, which owns DIR.
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

url() { cat "$dir/url"; }

case "$command" in
start)
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        password="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
        printf '%s\n' "$password" > "$dir/password"
        if [ "$(id -u)" = 0 ]; then chown postgres: "$dir/password"; fi
        as_owner "$bindir/initdb" -D "$dir/data" -U im --auth-local=trust --auth-host=scram-sha-256 \
            --pwfile="$dir/password" -E UTF8 >"$dir/initdb.log"
        port="${3:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
        printf 'postgres://im:%s@127.0.0.1:%s/im?sslmode=disable\n' "$password" "$port" > "$dir/url"
        echo "$port" > "$dir/port"
    fi
    port="$(cat "$dir/port")"
    options="-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300"
    if [ "${IM_POSTGRES_DURABLE:-on}" = off ]; then
        options="$options -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
    fi
    if ! as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$options" start >/dev/null
    fi
    as_owner "$bindir/psql" -h "$dir" -p "$port" -U im -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'im'" | grep -q 1 ||
        as_owner "$bindir/createdb" -h "$dir" -p "$port" -U im im
    url
    ;;
url) url ;;
stop) as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null ;;
restart) as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 restart >/dev/null ;;
status) as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null ;;
*) usage ;;
esac
