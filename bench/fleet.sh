#!/usr/bin/env bash
# The fleet benchmark of issue 16: signed GetCredentialReport and ListUsers (MaxItems=100)
# through 1, 2 and 3 `credreport serve` instances on one PostgreSQL database, and through one
# instance on SQLite, in one run; then GenerateCredentialReport -> poll -> GetCredentialReport
# of a REPORT_USERS-user report on each backend (fresh accounts).
#
#   bench/fleet.sh                      # defaults below; progress on stderr, markdown on stdout
#   DURATION=5s E2E_ACCOUNTS=1 bench/fleet.sh   # a quick look
#   BIN=/path/to/credreport bench/fleet.sh      # another build (no cargo build then)
#
# The SQLite store is populated through the API (USERS users, a stored report), then copied
# to PostgreSQL with `credreport store copy`, so both backends serve the same data. For k
# instances, k wrk processes (CONNS/k connections each, one thread each) run at once, one
# per instance, with requests pre-signed for it; requests/s is their sum, p50/p99 the worst
# of theirs. PostgreSQL is a throwaway cluster (scripts/pg_cluster.sh: fsync off, like the
# tests) on a loopback port. Everything runs on this machine: the load generator, the
# instances and the database share its cores, which is what the scaling figure measures.
# For each PostgreSQL run, the database's committed transactions per request
# (pg_stat_database.xact_commit, read SETTLE seconds after the run, once the idle backends
# have flushed their statistics; psql's own reads are in it, a few per run).
# Needs python3 with botocore, wrk and psql (installed with apt-get when missing).
set -euo pipefail

DURATION=${DURATION:-20s}
CONNS=${CONNS:-64}
USERS=${USERS:-1000}
REPORT_USERS=${REPORT_USERS:-5000}
E2E_ACCOUNTS=${E2E_ACCOUNTS:-3}
POLL_MS=${POLL_MS:-5}
SETTLE=${SETTLE:-11}

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD=1
if [ -n "${BIN:-}" ]; then BUILD=0; else BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/credreport; fi
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/credreport-fleet.XXXXXX")
chmod 755 "$tmp" # the cluster runs as the postgres user when this runs as root
pids=()
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  "$ROOT/scripts/pg_cluster.sh" stop "$tmp/pg" || true
  if [ "${KEEP_TMP:-0}" = 1 ]; then log "kept $tmp"; else rm -rf "$tmp"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v wrk >/dev/null || { apt-get update -qq >&2 && apt-get install -y -qq wrk >&2; }
if [ "$BUILD" = 1 ]; then
  log "building the release binary"
  (cd "$ROOT" && cargo build --release -p credreport-cli) >&2
fi
log "binary: $BIN"
admin=$("$ROOT/scripts/pg_cluster.sh" start "$tmp/pg")
psql "$admin" -qc "CREATE DATABASE fleet" >&2
PG=${admin%/postgres}/fleet

# start NAME ARGS...: a server; sets $port and remembers its pid.
start() {
  local name=$1; shift
  "$BIN" serve --listen 127.0.0.1:0 --account-rate 0 "$@" 2>"$tmp/$name.log" &
  pids+=($!)
  port=""
  for _ in $(seq 1 300); do
    port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/$name.log" | head -1)
    [ -n "$port" ] && return
    sleep 0.1
  done
  cat "$tmp/$name.log" >&2
  exit 1
}
client() { PYTHONPATH="$HERE" python3 "$HERE/iam_client.py" "$@"; }

log "SQLite: one instance, $USERS users"
start sqlite --data-dir "$tmp/sqlite"
sqlite_port=$port
read -r AK SK < <(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c["AccessKeyId"], c["SecretAccessKey"])' "$tmp/sqlite/root-credentials.json")
client populate --port "$sqlite_port" --access-key "$AK" --secret-key "$SK" --users "$USERS" >&2
client report --port "$sqlite_port" --access-key "$AK" --secret-key "$SK" --expect-rows "$USERS" >&2
log "copying the store to PostgreSQL"
"$BIN" store copy --from "sqlite://$tmp/sqlite/iam.db" --to "$PG" >&2
pg_ports=()
for n in 1 2 3; do
  mkdir -m 700 -p "$tmp/pg$n"
  cp "$tmp/sqlite/master.key" "$tmp/pg$n/"
  start "pg$n" --data-dir "$tmp/pg$n" --database-url "$PG"
  pg_ports+=("$port")
done

# CPU time (clock ticks) used so far by the processes named credreport and postgres, and
# by the whole machine (the rest is the load generator and the kernel's network work).
cpu() {
  python3 - <<'PY'
import os
ticks = {"credreport": 0, "postgres": 0}
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        continue
    comm = stat[stat.index("(") + 1:stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2:].split()
    if comm in ticks:
        ticks[comm] += int(fields[11]) + int(fields[12])  # utime + stime
busy = [int(x) for x in open("/proc/stat").readline().split()[1:]]
total = sum(busy) - busy[3] - busy[4]  # all but idle and iowait
print(ticks["credreport"], ticks["postgres"], total)
PY
}

# The fleet database's committed transactions so far, once the statistics have settled.
commits() {
  sleep "$SETTLE"
  psql "$PG" -Atqc "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
}

# load ACTION PORT...: wrk on each port at once; prints "req/s p50 p99 errors" (sum, worst,
# worst, sum), where the machine's busy CPU went meanwhile (credreport, postgres, the
# rest: percent of it), and the requests wrk completed.
load() {
  local action=$1; shift
  local k=$# i=0 p
  local conns=$((CONNS / k))
  for p in "$@"; do
    python3 "$HERE/presign.py" --port "$p" --access-key "$AK" --secret-key "$SK" --action "$action" --out "$tmp/$action-$p.lua"
  done
  read -r c0 g0 w0 < <(cpu)
  for p in "$@"; do
    wrk -t1 -c"$conns" -d"$DURATION" --latency -s "$tmp/$action-$p.lua" "http://127.0.0.1:$p/" >"$tmp/wrk-$i.txt" 2>&1 &
    i=$((i + 1))
  done
  wait_wrk=$(jobs -p | grep -v -F -x -f <(printf '%s\n' "${pids[@]}") || true)
  for j in $wait_wrk; do wait "$j"; done
  read -r c1 g1 w1 < <(cpu)
  python3 - "$tmp" "$k" "$((c1 - c0))" "$((g1 - g0))" "$((w1 - w0))" <<'PY'
import re, sys
tmp, k = sys.argv[1], int(sys.argv[2])
def ms(v, unit):
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
rps, p50, p99, bad, n = 0.0, 0.0, 0.0, 0, 0
for i in range(k):
    t = open(f"{tmp}/wrk-{i}.txt").read()
    rps += float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    n += int(re.search(r"(\d+) requests in", t).group(1))
    p50 = max(p50, ms(*re.search(r"\s50%\s+([\d.]+)(us|ms|s)", t).groups()))
    p99 = max(p99, ms(*re.search(r"\s99%\s+([\d.]+)(us|ms|s)", t).groups()))
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", t)
    bad += int(m.group(1)) if m else 0
    if "Socket errors" in t:
        bad += sum(int(x) for x in re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", t).groups())
ours, pg, busy = (int(x) for x in sys.argv[3:6])
busy = max(busy, ours + pg, 1)
share = "/".join(f"{100 * u / busy:.0f}" for u in (ours, pg, busy - ours - pg))
print(f"{rps:.0f} {p50:.2f} {p99:.2f} {bad} {share} {n}")
PY
}

results=()
for action in get-credential-report list-users; do
  for setup in "SQLite 1 $sqlite_port" "PostgreSQL 1 ${pg_ports[0]}" "PostgreSQL 2 ${pg_ports[0]} ${pg_ports[1]}" "PostgreSQL 3 ${pg_ports[*]}"; do
    # shellcheck disable=SC2086
    set -- $setup
    backend=$1 k=$2; shift 2
    log "$action: $backend, $k instance(s), $CONNS connections, $DURATION"
    per=""
    if [ "$backend" = PostgreSQL ]; then x0=$(commits); fi
    read -r rps p50 p99 bad share n < <(load "$action" "$@")
    if [ "$backend" = PostgreSQL ]; then
      x1=$(commits)
      per=$(python3 -c "import sys; print(f'{(int(sys.argv[2]) - int(sys.argv[1])) / max(int(sys.argv[3]), 1):.3f}')" "$x0" "$x1" "$n")
    fi
    results+=("$action|$backend|$k|$rps|$p50|$p99|$bad|$share|$per")
  done
done

log "generate + get of a $REPORT_USERS-user report, $E2E_ACCOUNTS fresh account(s) per backend"
: >"$tmp/sqlite-accounts.jsonl"; : >"$tmp/pg-accounts.jsonl"
for _ in $(seq 1 "$E2E_ACCOUNTS"); do
  "$BIN" account create --data-dir "$tmp/sqlite" >>"$tmp/sqlite-accounts.jsonl"
  "$BIN" account create --data-dir "$tmp/pg1" --database-url "$PG" >>"$tmp/pg-accounts.jsonl"
done
e2e_sqlite=$(client e2e --port "$sqlite_port" --accounts "$tmp/sqlite-accounts.jsonl" --users "$REPORT_USERS" --poll-ms "$POLL_MS")
e2e_pg=$(client e2e --port "${pg_ports[0]}" --accounts "$tmp/pg-accounts.jsonl" --users "$REPORT_USERS" --poll-ms "$POLL_MS")

echo "## Fleet: $(nproc) cores, $DURATION per run, $CONNS connections, $USERS users ($(date -u +%Y-%m-%d))"
echo
echo "| request | backend | instances | requests/s | p50 ms | p99 ms | errors | CPU % credreport/postgres/rest | database commits per request |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |"
for r in "${results[@]}"; do
  IFS='|' read -r action backend k rps p50 p99 bad share per <<<"$r"
  echo "| $action | $backend | $k | $rps | $p50 | $p99 | $bad | $share | $per |"
done
echo
python3 - "${results[@]}" <<'PY'
import sys
rows = [r.split("|") for r in sys.argv[1:]]
for action in ("get-credential-report", "list-users"):
    pg = {int(r[2]): float(r[3]) for r in rows if r[0] == action and r[1] == "PostgreSQL"}
    sqlite = [float(r[3]) for r in rows if r[0] == action and r[1] == "SQLite"][0]
    print(f"- {action}: 3 instances / 1 instance on PostgreSQL = {pg[3] / pg[1]:.2f}x; "
          f"1 PostgreSQL instance / 1 SQLite instance = {pg[1] / sqlite:.2f}x")
PY
echo
echo "| generate + get, $REPORT_USERS users | median ms | min | max | generate calls |"
echo "| --- | ---: | ---: | ---: | --- |"
for pair in "SQLite|$e2e_sqlite" "PostgreSQL|$e2e_pg"; do
  python3 - "${pair%%|*}" "${pair#*|}" <<'PY'
import json, sys
e = json.loads(sys.argv[2])
print(f"| {sys.argv[1]} | {e['median_ms']} | {e['min_ms']} | {e['max_ms']} | {e['generate_calls']} |")
PY
done
