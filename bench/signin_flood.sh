#!/usr/bin/env bash
# Issue 22: a flood of console sign-in attempts does not starve the API. `credreport serve`
# (release) on loopback; signed API reads (bench/signin_flood.py: ListUsers and GetUser) at
# READERS connections for DURATION alone ("idle"), then the same reads while FLOOD
# connections post sign-in attempts with made-up user names and passwords for the same
# DURATION ("flood"). Reports the reads' requests per second, p50 and p99 in both runs, and
# how the flood was answered: passwords checked (401, one argon2 verification each) and
# attempts refused before their password was checked (429); the server's CPU seconds and
# peak resident memory. Needs python3 with botocore, and wrk (installed with apt-get when
# missing).
#
# Usage: bench/signin_flood.sh [DURATION] [FLOOD] [READERS]     (defaults: 30s 64 4)
#        BIN=path/to/credreport bench/signin_flood.sh ...        another build (no cargo build)
#        SERVE_ARGS="--sign-in-rate 0" bench/signin_flood.sh ... more `serve` flags
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-30s}"
FLOOD="${2:-64}"
READERS="${3:-4}"
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
cleanup() {
  for pid in "${flood_pid:-}" "${server_pid:-}"; do [[ -n "$pid" ]] && kill "$pid" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
# shellcheck disable=SC2086 # SERVE_ARGS is a list of flags
"$BIN" serve --data-dir "$tmp/data" --listen 127.0.0.1:0 --account-rate 0 ${SERVE_ARGS:-} 2>"$tmp/server.log" &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/server.log" | head -1)
  [[ -n "$port" ]] && break
  sleep 0.1
done
[[ -n "$port" ]] || { cat "$tmp/server.log" >&2; exit 1; }
read -r AK SK ACCOUNT < <(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c["AccessKeyId"], c["SecretAccessKey"], c["AccountId"])' "$tmp/data/root-credentials.json")

log "setting up 100 users"
python3 - "$port" "$AK" "$SK" <<'PY'
import sys, boto3
from botocore.config import Config
port, ak, sk = sys.argv[1], sys.argv[2], sys.argv[3]
iam = boto3.client("iam", endpoint_url=f"http://127.0.0.1:{port}", aws_access_key_id=ak, aws_secret_access_key=sk,
                   region_name="us-east-1", config=Config(retries={"total_max_attempts": 1}))
for i in range(99):
    iam.create_user(UserName=f"user-{i:03d}")
iam.create_user(UserName="flood-reader")
PY
PYTHONPATH=bench python3 bench/signin_flood.py --port "$port" --access-key "$AK" --secret-key "$SK" \
  --account "$ACCOUNT" --reads "$tmp/reads.lua" --flood "$tmp/flood.lua"

cpu() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
hz=$(getconf CLK_TCK)
reads() {
  local label="$1" before after
  before=$(cpu)
  wrk -t1 -c"$READERS" -d"$DURATION" --timeout 30s --latency -s "$tmp/reads.lua" "http://127.0.0.1:$port/" >"$tmp/reads-$label.txt"
  after=$(cpu)
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/reads-$label.txt")
  p50=$(awk '$1=="50%" {print $2}' "$tmp/reads-$label.txt")
  p99=$(awk '$1=="99%" {print $2}' "$tmp/reads-$label.txt")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$tmp/reads-$label.txt")
  echo "| $label | $rps | $p50 | $p99 | ${non2xx:-0} | $(awk -v t=$((after - before)) -v hz="$hz" 'BEGIN {printf "%.1f", t / hz}') s |"
}

echo "Binary: $BIN ${SERVE_ARGS:-}"
echo
echo "| API reads ($READERS connections, $DURATION) | req/s | p50 | p99 | non-2xx | server CPU |"
echo "|---|---|---|---|---|---|"
reads idle
wrk -t1 -c"$FLOOD" -d"$DURATION" --timeout 30s -s "$tmp/flood.lua" "http://127.0.0.1:$port/" >"$tmp/flood.txt" &
flood_pid=$!
sleep 0.5
reads "during a sign-in flood ($FLOOD connections)"
wait "$flood_pid" || true
flood_pid=""
echo
echo "Flood: $(awk '/Requests\/sec/ {print $2}' "$tmp/flood.txt") sign-in attempts/s; $(grep '^FLOOD' "$tmp/flood.txt" | cut -d' ' -f2-)"
echo "Server peak resident memory (VmHWM): $(awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status") KiB"
