#!/usr/bin/env bash
# Scale benchmark (issue #15): a synthetic exporter with $SERIES series scraped by a real Prometheus; `vigil run`
# queries them every $INTERVAL with the default detector, as 1, 2 and 3 shards; then the reference Python service of
# ../shared/reference/000 (requests + prometheus_client + a pickled scikit-learn IsolationForest) on the same query.
# Prints a markdown table: cycle time, CPU seconds per cycle, peak RSS, Prometheus query time.
#
#   bash bench/scale/run.sh                   # 100k series, 5 measured cycles of 30 s per configuration
#   SERIES=20000 CYCLES=3 bash bench/scale/run.sh
#   SKIP=3 SHARDS=1 bash bench/scale/run.sh   # steady state: measure after 3 more cycles
#   VARIANTS='main:BIN=/tmp/old/vigil;wks:DOTNET_gcServer=0' SHARDS=1 bash bench/scale/run.sh
#     one row per variant against the same Prometheus (label:ENV=value ..., BIN= another vigil, COMPRESSION=false for
#     sources.prometheus.compression, PROTOCOL=remote_read and LOOKBACK=1m for sources.prometheus.protocol and
#     lookback_delta, RUNTIMECONFIG=file for a vigil.runtimeconfig.json of its own), to compare within a run
#   GCDUMP=/tmp/d PERF=/tmp/p SHARDS=1 SKIP_REFERENCE=1 bash bench/scale/run.sh
#     also writes a dotnet-gcdump of shard 0 after the measured cycles (/tmp/d.gcdump) and a `perf record -g` of the
#     measured cycles, every thread of shard 0 (/tmp/p.data, with the JIT's perf map), for the profiles of docs/benchmarks.md
#   MATURE=620 SHARDS=1 SKIP_REFERENCE=1 bash bench/scale/run.sh
#     mature series: backfills Prometheus with 620 samples per series at $INTERVAL before it starts (backfill.py,
#     `promtool tsdb create-blocks-from openmetrics`, ~5 min for 100k series), so Vigil's warm-up feeds every series
#     620 points of history (past `auto`'s 600-point season search) and the measured cycles run on mature state;
#     MATURE_CACHE=/tmp/bf keeps the backfill for later runs (reused while it is within the warm-up's 15 h reach)
#
# Needs the Debian packages prometheus, python3-requests, python3-prometheus-client, python3-sklearn (installed here
# when missing) and the .NET SDK. Everything listens on loopback and is stopped by PID at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
SERIES=${SERIES:-100000}
CYCLES=${CYCLES:-5}
INTERVAL=${INTERVAL:-30}
SHARDS=${SHARDS:-"1 2 3"}
# Cycles left out after the first (warm-up) one before measuring, for Vigil and the reference alike: 0 measures from
# the end of the first cycle (the method of the first figures); 3 leaves out the JIT's tiering and the warm-up's garbage
# and measures the steady state.
SKIP=${SKIP:-0}
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/vigil-scale.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

missing=()
for pkg in prometheus python3-requests python3-prometheus-client python3-sklearn; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get install -y -q "${missing[@]}" >/dev/null
fi

port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
peak_rss_mb() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
prom_query() { curl -sf --get "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1"; }
TICK=$(getconf CLK_TCK)

# VIGIL_BIN: an already built `vigil` (e.g. src/Vigil/bin/Release/net10.0/vigil) instead of a fresh publish.
VIGIL=${VIGIL_BIN:-}
if [ -z "$VIGIL" ]; then
  echo "building vigil..." >&2
  dotnet publish src/Vigil -c Release -o "$WORK/vigil" --nologo -v quiet >/dev/null
  VIGIL="$WORK/vigil/vigil"
fi

EXPORTER_PORT=$(port); PROM_PORT=$(port)
if [ -n "${MATURE:-}" ]; then
  # MATURE_CACHE=dir keeps the backfilled TSDB (and the exporter port its series are labelled with) for the next run:
  # the backfill takes minutes, and its history stays usable while it is within the warm-up's reach (15 h at 30 s).
  if [ -n "${MATURE_CACHE:-}" ] && [ -f "$MATURE_CACHE/port" ]; then
    EXPORTER_PORT=$(cat "$MATURE_CACHE/port"); cp -r "$MATURE_CACHE/tsdb" "$WORK/tsdb"
    echo "reusing the backfill of $MATURE_CACHE (exporter port $EXPORTER_PORT)" >&2
  else
    echo "backfilling $SERIES series x $MATURE samples..." >&2
    $PY bench/scale/backfill.py --series "$SERIES" --steps "$MATURE" --step "$INTERVAL" --target "127.0.0.1:$EXPORTER_PORT" --tsdb "$WORK/tsdb"
    if [ -n "${MATURE_CACHE:-}" ]; then mkdir -p "$MATURE_CACHE"; cp -r "$WORK/tsdb" "$MATURE_CACHE/tsdb"; echo "$EXPORTER_PORT" > "$MATURE_CACHE/port"; fi
  fi
fi
$PY bench/scale/exporter.py --port "$EXPORTER_PORT" --series "$SERIES" & PIDS+=($!)
cat > "$WORK/prometheus.yml" <<YAML
global: { scrape_interval: 15s, scrape_timeout: 14s }
scrape_configs:
  - job_name: synthetic
    static_configs: [ { targets: ['127.0.0.1:$EXPORTER_PORT'] } ]
YAML
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn & PIDS+=($!)
PROM_PID=$!
echo "waiting for Prometheus to hold $SERIES series..." >&2
for _ in $(seq 1 180); do
  n=$(prom_query 'count(scale_value)' 2>/dev/null | $PY -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)' 2>/dev/null || echo 0)
  [ "$n" = "$SERIES" ] && break
  sleep 2
done
[ "$n" = "$SERIES" ] || { echo "Prometheus holds $n series, expected $SERIES" >&2; exit 1; }
# Some history first, so every configuration warms up the same way.
sleep 60

# Prometheus query time for the job's query (the instant query the reference service runs), median of 5.
QUERY_MS=$(for _ in 1 2 3 4 5; do curl -s -o /dev/null -w '%{time_total}\n' --get "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode 'query=scale_value'; done \
  | sort -n | sed -n 3p | awk '{ printf "%.0f", $1 * 1000 }')

echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
# Neither Vigil nor the reference service is scraped during the runs (Prometheus scrapes the exporter only), so neither
# pays for rendering its /metrics: the comparison is the query-score-publish cycle and the idle process around it.
echo "| configuration | series per instance | cycle time (mean) | CPU s per cycle (all instances) | CPU µs per series | peak RSS per instance | Prometheus query |"
echo "|---|---:|---:|---:|---:|---:|---:|"
IFS=';' read -ra variants <<< "${VARIANTS:-:}"
for variant in "${variants[@]}"; do
vlabel=${variant%%:*}; vbin=$VIGIL; venv=(); vcompression=""; vprotocol=""; vlookback=""; vruntimeconfig=""
for kv in ${variant#*:}; do
  if [[ $kv == BIN=* ]]; then vbin=${kv#BIN=}
  elif [[ $kv == COMPRESSION=* ]]; then vcompression=${kv#COMPRESSION=}
  elif [[ $kv == PROTOCOL=* ]]; then vprotocol=${kv#PROTOCOL=}
  elif [[ $kv == LOOKBACK=* ]]; then vlookback=${kv#LOOKBACK=}
  elif [[ $kv == RUNTIMECONFIG=* ]]; then vruntimeconfig=${kv#RUNTIMECONFIG=}
  else venv+=("$kv"); fi
done
if [ -n "$vruntimeconfig" ]; then
  # A copy of the build with another vigil.runtimeconfig.json (GC settings are read from it at start-up).
  rm -rf "$WORK/bin-$vlabel"; cp -r "$(dirname "$vbin")" "$WORK/bin-$vlabel"; cp "$vruntimeconfig" "$WORK/bin-$vlabel/vigil.runtimeconfig.json"
  vbin="$WORK/bin-$vlabel/$(basename "$vbin")"
fi
for k in $SHARDS; do
  vpids=(); vports=()
  for ((i = 0; i < k; i++)); do
    p=$(port); vports+=("$p")
    cat > "$WORK/vigil-$k-$i.yaml" <<YAML
server: { listen_address: 127.0.0.1, port: $p }
logging: { level: warning }
sources: { prometheus: { url: 'http://127.0.0.1:$PROM_PORT', timeout: 120s${vcompression:+, compression: $vcompression}${vprotocol:+, protocol: $vprotocol}${vlookback:+, lookback_delta: $vlookback} } }
jobs:
  - { name: scale, query: scale_value, interval: ${INTERVAL}s }
YAML
    env "${venv[@]}" VIGIL_SHARD_COUNT=$k VIGIL_SHARD_INDEX=$i DOTNET_PerfMapEnabled=${PERF:+1} DOTNET_EnableWriteXorExecute=${PERF:+0} "$vbin" run --config "$WORK/vigil-$k-$i.yaml" >"$WORK/vigil-$k-$i.log" 2>&1 &
    vpids+=($!); PIDS+=($!)
  done
  cycles_of() { curl -sf "http://127.0.0.1:$1/readyz" 2>/dev/null | $PY -c 'import json,sys; print(json.load(sys.stdin)["jobs"][0]["successful_cycles"])' 2>/dev/null || echo 0; }
  # Measure from the end of each instance's first cycle (which warms up from history) over $CYCLES cycles.
  declare -A start_ticks=() start_sum=() start_count=()
  metric() { curl -sf "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m "{job=\"scale\"}" { print $2 }'; }
  for ((i = 0; i < k; i++)); do
    until [ "$(cycles_of "${vports[$i]}")" -ge $((1 + SKIP)) ]; do sleep 0.5; done
    # The cycle metrics are read from /metrics, which renders all 400k score samples (≈ 47 MB at 100k series): read them
    # before the CPU ticks, so the measured window holds no scrape of Vigil (until the scale5 branch it held two).
    start_sum[$i]=$(metric "${vports[$i]}" vigil_cycle_duration_seconds_sum); start_count[$i]=$(metric "${vports[$i]}" vigil_cycle_duration_seconds_count)
    start_ticks[$i]=$(cpu_ticks "${vpids[$i]}")
  done
  PERF_PID=""
  if [ -n "${PERF:-}" ]; then
    perf record -F 499 -g -p "${vpids[0]}"  -o "$PERF${vlabel:+-$vlabel}.data" >/dev/null 2>"$WORK/perf.log" & PERF_PID=$!
  fi
  total_ticks=0; worst_rss=0; cycle_sum=0; cycle_n=0; per=0
  for ((i = 0; i < k; i++)); do
    until [ "$(cycles_of "${vports[$i]}")" -ge $((CYCLES + 1 + SKIP)) ]; do sleep 0.5; done
    t=$(cpu_ticks "${vpids[$i]}"); total_ticks=$((total_ticks + t - start_ticks[$i]))
    if [ "$i" -eq 0 ] && [ -n "$PERF_PID" ]; then
      # Stopped before the reads of /metrics below, so the profile is the measured window's, without their rendering.
      kill -INT "$PERF_PID"; wait "$PERF_PID" 2>/dev/null || true; PERF_PID=""
      cp "/tmp/perf-${vpids[0]}.map" "$PERF${vlabel:+-$vlabel}.map" 2>/dev/null || true
    fi
    s=$(metric "${vports[$i]}" vigil_cycle_duration_seconds_sum); c=$(metric "${vports[$i]}" vigil_cycle_duration_seconds_count)
    cycle_sum=$(awk -v a="$cycle_sum" -v b="$s" -v c="${start_sum[$i]}" 'BEGIN { print a + b - c }')
    cycle_n=$(awk -v a="$cycle_n" -v b="$c" -v c="${start_count[$i]}" 'BEGIN { print a + b - c }')
    r=$(peak_rss_mb "${vpids[$i]}"); [ "$r" -gt "$worst_rss" ] && worst_rss=$r
    echo "  (shard $i${vlabel:+, $vlabel}: RSS at the end $(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/${vpids[$i]}/status") MB, peak $r MB)" >&2
    per=$(curl -sf "http://127.0.0.1:${vports[$i]}/metrics" | awk '$1 == "vigil_series{job=\"scale\"}" { print $2 }')
  done
  if [ -n "$PERF_PID" ]; then
    kill -INT "$PERF_PID"; wait "$PERF_PID" 2>/dev/null || true
    cp "/tmp/perf-${vpids[0]}.map" "$PERF${vlabel:+-$vlabel}.map" 2>/dev/null || true
  fi
  awk -v k="$k" -v per="$per" -v sum="$cycle_sum" -v n="$cycle_n" -v ticks="$total_ticks" -v hz="$TICK" -v c="$CYCLES" -v rss="$worst_rss" -v q="$QUERY_MS" -v s="$SERIES" \
    -v v="$vlabel" 'BEGIN { cpu = ticks / hz / c; printf "| Vigil, %d shard%s%s | %d | %.2f s | %.2f | %.1f | %d MB | %d ms |\n", k, (k > 1 ? "s" : ""), (v == "" ? "" : ", " v), per, sum / n, cpu, cpu / s * 1e6, rss, q }'
  # After the RSS was read: a gcdump forces a full collection.
  if [ -n "${GCDUMP:-}" ]; then
    PATH="$PATH:$HOME/.dotnet/tools" dotnet-gcdump collect -p "${vpids[0]}" -o "$GCDUMP${vlabel:+-$vlabel}.gcdump" >/dev/null || echo "gcdump failed" >&2
  fi
  for p in "${vpids[@]}"; do kill "$p"; wait "$p" 2>/dev/null || true; done
  echo "  (load average after $k shard(s)${vlabel:+, $vlabel}: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
done
done

# The reference Python service on the same query (SKIP_REFERENCE=1 leaves it out).
[ "${SKIP_REFERENCE:-0}" = 1 ] && exit 0
$PY bench/scale/reference_service.py --prometheus "http://127.0.0.1:$PROM_PORT" --model "$WORK/model.pkl" --train
# Whole-process CPU over the same window as Vigil's (end of the first cycle to the end of the last), from /proc.
$PY bench/scale/reference_service.py --prometheus "http://127.0.0.1:$PROM_PORT" --model "$WORK/model.pkl" \
  --port "$(port)" --interval "$INTERVAL" --cycles $((CYCLES + 1 + SKIP)) > "$WORK/python.jsonl" & PY_PID=$!; PIDS+=($PY_PID)
cycle_lines() { local n; n=$(grep -c '"cycle"' "$WORK/python.jsonl" 2>/dev/null); echo "${n:-0}"; }
until [ "$(cycle_lines)" -ge $((1 + SKIP)) ]; do sleep 0.2; done
py_start=$(cpu_ticks "$PY_PID")
until [ "$(cycle_lines)" -ge $((CYCLES + 1 + SKIP)) ]; do sleep 0.2; done
py_end=$(cpu_ticks "$PY_PID"); py_rss=$(peak_rss_mb "$PY_PID")
kill "$PY_PID" 2>/dev/null || true; wait "$PY_PID" 2>/dev/null || true
$PY - "$WORK/python.jsonl" "$SERIES" "$QUERY_MS" "$(( py_end - py_start ))" "$TICK" "$CYCLES" "$py_rss" "$SKIP" <<'PYEOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if '"cycle"' in l]
cycles = lines[1 + int(sys.argv[8]):]
wall = sum(c["wall_s"] for c in cycles) / len(cycles)
cpu = int(sys.argv[4]) / int(sys.argv[5]) / int(sys.argv[6])
print(f"| reference Python service (000) | {cycles[-1]['series']} | {wall:.2f} s | {cpu:.2f} | {cpu / int(sys.argv[2]) * 1e6:.1f} | {sys.argv[7]} MB | {sys.argv[3]} ms |")
PYEOF
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
