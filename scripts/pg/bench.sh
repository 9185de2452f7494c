#!/usr/bin/env bash
# Runs the business-metrics database benchmarks against a fresh PostgreSQL with default settings.
# Usage: scripts/pg/bench.sh [copy|http|catchup|baseline|all] [args...]   (default: all)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
eval "$("$ROOT/scripts/pg/start.sh")"
trap '"$ROOT/scripts/pg/stop.sh" "$VIGIL_PG_DIR"' EXIT
dotnet build -c Release "$ROOT/bench/Vigil.Postgres.Benchmarks/Vigil.Postgres.Benchmarks.csproj" >/dev/null
dotnet "$ROOT/bench/Vigil.Postgres.Benchmarks/bin/Release/net10.0/Vigil.Postgres.Benchmarks.dll" "${@:-all}"
