#!/usr/bin/env bash
# Stops a server started by start.sh (by the PID in its postmaster.pid) and removes its directory.
set -euo pipefail
DIR="${1:?usage: stop.sh <dir>}"
PID="$(head -1 "$DIR/data/postmaster.pid")"
kill -INT "$PID"
for _ in $(seq 1 300); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
rm -rf "$DIR"
