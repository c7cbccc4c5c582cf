#!/usr/bin/env bash
# Starts (or stops) a throw-away PostgreSQL server from Debian's packages on a free loopback port.
#   postgres.sh start DIR   -> prints "PORT PASSWORD" once the server accepts connections
#   postgres.sh stop DIR
# PostgreSQL refuses to run as root, so the server runs as the 'postgres' system user.
set -euo pipefail
cmd="${1:?start|stop}"; dir="${2:?data directory}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 2; }
run_as() { if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = "0" ] && chown postgres:postgres "$dir"
    port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
    password="$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"
    pwfile="$(mktemp)"; echo "$password" > "$pwfile"; chmod 644 "$pwfile"
    run_as "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$pwfile" -A scram-sha-256 >/dev/null
    rm -f "$pwfile"
    run_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1" >/dev/null
    echo "$port $password"
    ;;
  stop)
    run_as "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    ;;
esac
