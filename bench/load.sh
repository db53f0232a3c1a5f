#!/usr/bin/env bash
# The load run of issue 15: `credreport serve` (release) under a realistic mix of signed
# requests (bench/load_mix.py: 90% reads, 10% writes, GenerateCredentialReport among them)
# at 64 connections for DURATION (60 s), then the same with 512 idle keep-alive
# connections held open beside them. Reports requests per second, latency, non-2xx and
# 5xx answers (both must be 0), socket errors, and the server's resident memory at the
# start, after each run and at its peak (VmHWM), and samples it every 10 s through both
# runs (the last line: whether memory stays flat under steady load). Loopback only. Needs python3 with
# botocore, and wrk (installed with apt-get when missing).
#
# Usage: bench/load.sh [DURATION] [USERS]     (defaults: 60s 1000)
#        BIN=path/to/credreport bench/load.sh ...   another build (no cargo build)
#        BACKEND=postgres bench/load.sh ...   the same on a PostgreSQL database (a throwaway
#                                             cluster from scripts/pg_cluster.sh, loopback)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-60s}"
USERS="${2:-1000}"
log() { printf '%s\n' "$*" >&2; }
if ! command -v wrk >/dev/null; then
  log "installing wrk"
  apt-get install -y wrk >&2 || { apt-get update >&2 && apt-get install -y wrk >&2; }
fi
if [[ -z "${BIN:-}" ]]; then
  cargo build --release -p credreport-cli --locked >&2
  BIN="${CARGO_TARGET_DIR:-target}/release/credreport"
fi
tmp=$(mktemp -d)
chmod 755 "$tmp" # a PostgreSQL cluster in it runs as the postgres user when this runs as root
cleanup() {
  for pid in "${sampler_pid:-}" "${idle_pid:-}" "${server_pid:-}"; do [[ -n "$pid" ]] && kill "$pid" 2>/dev/null; done
  [[ -d "$tmp/pg" ]] && scripts/pg_cluster.sh stop "$tmp/pg"
  rm -rf "$tmp"
}
trap cleanup EXIT
store=()
if [[ "${BACKEND:-sqlite}" == postgres ]]; then
  admin=$(scripts/pg_cluster.sh start "$tmp/pg")
  psql "$admin" -qc "CREATE DATABASE load" >&2
  store=(--database-url "${admin%/postgres}/load")
  log "backend: PostgreSQL (${store[1]})"
fi
"$BIN" serve --data-dir "$tmp/data" --listen 127.0.0.1:0 --account-rate 0 "${store[@]}" 2>"$tmp/server.log" &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/server.log" | head -1)
  [[ -n "$port" ]] && break
  sleep 0.1
done
[[ -n "$port" ]] || { cat "$tmp/server.log" >&2; exit 1; }
read -r AK SK < <(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c["AccessKeyId"], c["SecretAccessKey"])' "$tmp/data/root-credentials.json")
rss() { awk '/^'"$1"':/ {print $2}' "/proc/$server_pid/status"; }

log "setting up $USERS users"
KEY=$(python3 - "$port" "$AK" "$SK" "$USERS" <<'PY'
import sys, boto3
from botocore.config import Config
port, ak, sk, users = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
iam = boto3.client("iam", endpoint_url=f"http://127.0.0.1:{port}", aws_access_key_id=ak, aws_secret_access_key=sk,
                   region_name="us-east-1", config=Config(retries={"total_max_attempts": 1}))
for i in range(users):
    iam.create_user(UserName=f"user-{i:05d}")
iam.create_user(UserName="load-user")
print(iam.create_access_key(UserName="load-user")["AccessKey"]["AccessKeyId"])
iam.generate_credential_report()
PY
)
PYTHONPATH=bench python3 bench/load_mix.py --port "$port" --access-key "$AK" --secret-key "$SK" --key-id "$KEY" --out "$tmp/mix.lua"
start_rss=$(rss VmRSS)
# RSS every 10 s while the runs go on (bounded: stops with the server or after a day).
(for _ in $(seq 1 8640); do rss VmRSS >>"$tmp/rss.txt" 2>/dev/null || break; sleep 10; done) &
sampler_pid=$!

run() {
  local label="$1"
  wrk -t2 -c64 -d"$DURATION" --timeout 30s --latency -s "$tmp/mix.lua" "http://127.0.0.1:$port/" >"$tmp/wrk-$label.txt"
  local rps p50 p99 mix
  rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk-$label.txt")
  p50=$(awk '$1=="50%" {print $2}' "$tmp/wrk-$label.txt")
  p99=$(awk '$1=="99%" {print $2}' "$tmp/wrk-$label.txt")
  mix=$(grep '^MIX' "$tmp/wrk-$label.txt" | cut -d' ' -f2-)
  echo "| $label | $rps | $p50 | $p99 | $mix | $(rss VmRSS) KiB |"
}

echo "Backend: ${BACKEND:-sqlite}"
echo
echo "| run (64 connections, $DURATION) | req/s | p50 | p99 | answers | RSS after |"
echo "|---|---|---|---|---|---|"
run "mix"
# 512 idle keep-alive connections, each having sent one request, held open through the run.
python3 - "$port" 512 <<'PY' &
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
socks = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n")
    s.recv(256)
    socks.append(s)
time.sleep(3600)
PY
idle_pid=$!
sleep 2
run "mix + 512 idle keep-alive"
echo
echo "RSS: $start_rss KiB at the start, peak (VmHWM) $(rss VmHWM) KiB"
echo "RSS every 10 s (KiB): $(paste -sd' ' "$tmp/rss.txt")"
