#!/usr/bin/env bash
# Starts a throw-away PostgreSQL for benchmarks and manual work: initdb into a temp dir, default settings,
# 127.0.0.1 on a free port. Prints "export VIGIL_PG=<connection string>" and the PID file; stop with stop.sh <dir>.
# Usage: scripts/pg/start.sh [dir]
set -euo pipefail
BIN="${VIGIL_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
[ -x "$BIN/initdb" ] || { echo "PostgreSQL binaries not found (set VIGIL_PG_BIN)" >&2; exit 1; }
DIR="${1:-$(mktemp -d /tmp/vigil-pg-XXXXXX)}"
PORT="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$DIR"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
[ -f "$DIR/data/PG_VERSION" ] || as_pg "$BIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR" start >/dev/null
echo "export VIGIL_PG='Host=127.0.0.1;Port=$PORT;Username=postgres;Database=postgres;Timezone=UTC'"
echo "export VIGIL_PG_DIR='$DIR' VIGIL_PG_PORT=$PORT"
