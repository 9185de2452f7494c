#!/usr/bin/env bash
# Runs Vigil's main job on the embedded replay data set: no Prometheus, no config needed.
# Anomaly scores appear on http://127.0.0.1:${LISTEN_PORT:-8000}/metrics within seconds (the replay runs 60x real time).
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run --project src/Vigil -c Release -- run "$@"
