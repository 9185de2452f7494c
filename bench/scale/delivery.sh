#!/usr/bin/env bash
# The three ways of ../shared/reference/003 to get many instances' metrics into Prometheus, measured for Vigil's
# payload (one score, expected value and band per series: 4 samples per series) with the real servers:
#   Pushgateway: PUT of a group of N series, then one scrape of the Pushgateway;
#   Redis aggregation: every instance writes its N series into a hash (pipelined HSET), an exporter reads it (HGETALL);
#   pull: Prometheus scrapes the instance's /metrics (measured by run.sh on a live `vigil run`).
# docs/decisions/0001-multi-instance-metrics.md quotes the results.
#
#   bash bench/scale/delivery.sh             # N = 1000, 10000, 100000 (SIZES="1000 10000" for fewer)
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/vigil-delivery.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median3() { sort -n | sed -n 2p; }

PG_PORT=$(port); REDIS_PORT=$(port)
prometheus-pushgateway --web.listen-address="127.0.0.1:$PG_PORT" --log.level=warn & PIDS+=($!)
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no >/dev/null & PIDS+=($!)
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PG_PORT/-/ready" >/dev/null && redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.2; done

echo "| series | payload | Pushgateway PUT | Pushgateway scrape | Redis pipelined HSET | Redis HGETALL (exporter read) |"
echo "|---:|---:|---:|---:|---:|---:|"
for n in ${SIZES:-1000 10000 100000}; do
  $PY - "$n" "$WORK/body.txt" "$WORK/redis.txt" <<'PYEOF'
import sys
n, body, redis = int(sys.argv[1]), sys.argv[2], sys.argv[3]
names = ["vigil_anomaly_score", "vigil_expected_value", "vigil_expected_lower", "vigil_expected_upper"]
with open(body, "w") as f:
    for name in names:
        f.write(f"# TYPE {name} gauge\n")
        for i in range(n):
            f.write(f'{name}{{job="scale",instance="host-{i // 100}",series="{i}"}} {0.5 + i % 7 / 10}\n')
with open(redis, "w") as f:
    for name in names:
        for i in range(n):
            f.write(f'HSET vigil:metrics {name}|host-{i // 100}|{i} {0.5 + i % 7 / 10}\n')
PYEOF
  bytes=$(stat -c %s "$WORK/body.txt")
  put=$(for _ in 1 2 3; do curl -s -o /dev/null -w '%{time_total}\n' -X PUT --data-binary @"$WORK/body.txt" "http://127.0.0.1:$PG_PORT/metrics/job/scale/instance/vigil-0"; done | median3)
  scrape=$(for _ in 1 2 3; do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$PG_PORT/metrics"; done | median3)
  hset=$(for _ in 1 2 3; do redis-cli -p "$REDIS_PORT" DEL vigil:metrics >/dev/null; s=$(date +%s.%N); redis-cli -p "$REDIS_PORT" --pipe < "$WORK/redis.txt" >/dev/null; e=$(date +%s.%N); awk -v e="$e" -v s="$s" 'BEGIN { print e - s }'; done | median3)
  hget=$(for _ in 1 2 3; do s=$(date +%s.%N); redis-cli -p "$REDIS_PORT" HGETALL vigil:metrics >/dev/null; e=$(date +%s.%N); awk -v e="$e" -v s="$s" 'BEGIN { print e - s }'; done | median3)
  awk -v n="$n" -v b="$bytes" -v p="$put" -v s="$scrape" -v h="$hset" -v g="$hget" \
    'BEGIN { printf "| %d | %.1f MB | %.0f ms | %.0f ms | %.0f ms | %.0f ms |\n", n, b / 1e6, p * 1000, s * 1000, h * 1000, g * 1000 }'
done
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
