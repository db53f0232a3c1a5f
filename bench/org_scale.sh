#!/usr/bin/env bash
# The organization at scale (issue 26, part 4): an AWS organization of ACCOUNTS member
# accounts with USERS users each (console passwords, access keys, MFA devices and their use),
# written straight into the store by the generator (crates/iam/examples/org_scale.rs: the
# store's operations, not the API), served by `credreport serve`, and reviewed whole by
# `credreport review` (organization = true, CONCURRENCY accounts at once, every report
# generated) through Organizations' ListAccounts and a role in each account.
#
#   bench/org_scale.sh                                  # the issue's size: 1,000 x 1,000
#   ACCOUNTS=100 USERS=1000 bench/org_scale.sh          # a tenth
#   BACKENDS=sqlite DAYS=1 bench/org_scale.sh           # one backend, one simulated day
#   BACKENDS=postgres GEN_THREADS=4 bench/org_scale.sh  # the generator's threads (PostgreSQL
#                                                       # waits on round trips: more help)
#   MIN_FREE_MIB=8192 bench/org_scale.sh                # stop below 8 GiB of free disk
#
# For each backend (BACKENDS: sqlite, one `serve`; postgres, three `serve` instances on one
# database behind a round-robin TCP proxy, bench/round_robin.py, which spreads the review's
# connections over them), it measures:
#   - the generator's time, the store's size on disk (SQLite: the database once its WAL is
#     checkpointed, the generator's last step; PostgreSQL: pg_database_size), the server's
#     time to start (it opens every sealed secret) and its resident memory after starting,
#     and the store's size again after the reviews (the reports they had built);
#   - review 1: every account's report generated; its wall time, where the time went (the
#     server's request and build times from its log, the client's fetch and audit phases
#     from its log), the peak resident memory of each server and of the client, history.db;
#   - review 2, at once (within IAM's 4 hours): nothing may be fetched new (no report
#     built, every account "the same report as last time");
#   - DAYS daily reviews: `org_scale day` makes a day pass (some keys and passwords used,
#     every stored report a day older, as the server would find it a day later), then a
#     review; history.db's growth for each, and its size by table at the end.
# Markdown on stdout, progress on stderr. Everything is in one temporary directory, removed
# at the end (KEEP_TMP=1 keeps it). Needs python3 and psql (for PostgreSQL; the cluster is
# scripts/pg_cluster.sh's throwaway one, fsync off like the tests').
set -euo pipefail

ACCOUNTS=${ACCOUNTS:-1000}
USERS=${USERS:-1000}
CONCURRENCY=${CONCURRENCY:-16}
DAYS=${DAYS:-2}
BACKENDS=${BACKENDS:-sqlite postgres}
GEN_THREADS=${GEN_THREADS:-2}
MIN_FREE_MIB=${MIN_FREE_MIB:-4096} # the run stops (and cleans up) below this much free disk

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=${BIN:-$TARGET/release/credreport}
GEN=${GEN:-$TARGET/release/examples/org_scale}
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/credreport-org-scale.XXXXXX")
chmod 755 "$tmp" # the cluster runs as the postgres user when this runs as root
pids=()
pg_dir=""
cleanup() {
  local rc=$?
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$pg_dir" ]; then "$ROOT/scripts/pg_cluster.sh" stop "$pg_dir" || true; fi
  if [ "${KEEP_TMP:-0}" = 1 ]; then log "kept $tmp"; else rm -rf "$tmp"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The disk is shared: below MIN_FREE_MIB free where the stores are, the run stops, its
# children first (a review or the generator may be writing), and cleans up.
free_mib() { df -Pm "$tmp" | awk 'NR == 2 {print $4}'; }
(
  while sleep 2; do
    if [ "$(free_mib)" -lt "$MIN_FREE_MIB" ]; then
      printf '[%s] %s\n' "$(date +%H:%M:%S)" "less than $MIN_FREE_MIB MiB free on $tmp's disk: stopping" >&2
      for child in $(ps -o pid= --ppid $$); do
        [ "$child" != "$BASHPID" ] && kill -TERM "$child" 2>/dev/null
      done
      kill -TERM $$
      exit 0
    fi
  done
) &
pids+=($!)

if [ -z "${BIN_BUILT:-}" ]; then
  log "building the release binary and the generator"
  (cd "$ROOT" && cargo build --release -p credreport-cli && cargo build --release -p credreport-iam --example org_scale) >&2
fi

# The clients must not read this machine's AWS configuration.
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
export AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL

# serve NAME ARGS...: a server whose log is $tmp/NAME.log; sets $port and $started_s (seconds
# until it listened) and remembers its pid.
serve() {
  local name=$1; shift
  local t0; t0=$(date +%s.%N)
  CREDREPORT_LOG=info "$BIN" serve --listen 127.0.0.1:0 "$@" 2>"$tmp/$name.log" &
  pids+=($!)
  port=""
  for _ in $(seq 1 6000); do
    port=$(sed -n 's/.*listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tmp/$name.log" | head -1)
    if [ -n "$port" ]; then
      started_s=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$t0" "$(date +%s.%N)")
      return
    fi
    sleep 0.1
  done
  cat "$tmp/$name.log" >&2
  exit 1
}

rss_kib() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
mib() { python3 -c "import sys; print(f'{int(sys.argv[1]) / 1048576:.0f}')" "$1"; }
bytes_of() { { du -sb "$@" 2>/dev/null || true; } | awk '{s += $1} END {printf "%.0f\n", s}'; }

# review NAME ENDPOINT HISTORY: one `credreport review` of the organization; prints
# "wall_s client_rss_kib client_cpu_s exit" and keeps its stdout/stderr as $tmp/NAME.{out,err}.
review() {
  local name=$1 endpoint=$2 history=$3
  cat >"$tmp/$name.toml" <<EOF
history = "$history"
concurrency = $CONCURRENCY
timeout = "60m"

[[target]]
name = "org"
endpoint_url = "$endpoint"
organization = true
role_name = "OrganizationAccountAccessRole"
EOF
  local rc=0
  date +%s.%N >"$tmp/$name.start"
  AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK CREDREPORT_LOG=info \
    /usr/bin/time -f "%e %M %U %S" -o "$tmp/$name.time" \
    "$BIN" review --config "$tmp/$name.toml" >"$tmp/$name.out" 2>"$tmp/$name.err" || rc=$?
  read -r wall rss user sys <"$tmp/$name.time"
  python3 -c "import sys; print(sys.argv[1], sys.argv[2], f'{float(sys.argv[3]) + float(sys.argv[4]):.1f}', sys.argv[5])" "$wall" "$rss" "$user" "$sys" "$rc"
}

# phases NAME LOGS...: where a review's time went, from the client's JSON log (the first
# account reviewed marks the end of the fetch phase: every account is fetched before any is
# audited) and the servers' logs (lines past the offsets in $tmp/NAME.offsets): prints
# "fetch_s audit_s builds build_s server_s top" (top: the server's busiest actions).
phases() {
  local name=$1; shift
  python3 - "$tmp/$name.err" "$tmp/$name.time" "$tmp/$name.offsets" "$tmp/$name.start" "$@" <<'PY'
import datetime, json, re, sys
err, timing, offsets, started, logs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
times = []
start = float(open(started).read())
for line in open(err, errors="replace"):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("fields", {}).get("message") == "reviewed":
        times.append(datetime.datetime.fromisoformat(e["timestamp"].replace("Z", "+00:00")).timestamp())
wall = float(open(timing).read().split()[0])
if times:
    fetch = min(times) - start
    audit = max(times) - min(times)
else:
    fetch, audit = wall, 0.0
offs = [int(x) for x in open(offsets).read().split()]
builds, build_us, actions = 0, 0, {}
for path, off in zip(logs, offs):
    with open(path, "rb") as f:
        f.seek(off)
        for line in f.read().decode(errors="replace").splitlines():
            if "credential report built" in line:
                m = re.search(r"micros=(\d+)", line)
                builds += 1
                build_us += int(m.group(1)) if m else 0
                continue
            m = re.search(r'action="?([^"\s]+)"? status=(\d+) micros=(\d+)', line)
            if m:
                a = actions.setdefault(m.group(1), [0, 0])
                a[0] += 1
                a[1] += int(m.group(3))
server = sum(v[1] for v in actions.values()) / 1e6
top = ", ".join(f"{k} {v[0]}x {v[1] / 1e6:.1f}s" for k, v in sorted(actions.items(), key=lambda kv: -kv[1][1])[:4])
print(f"{fetch:.1f} {audit:.1f} {builds} {build_us / 1e6:.1f} {server:.1f} {top}")
PY
}

# history_tables HISTORY: HISTORY/history.db's bytes by table and index, the largest first.
history_tables() {
  python3 - "$1/history.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
rows = c.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
print(", ".join(f"{n} {b / 1048576:.0f} MiB" for n, b in rows[:5]))
PY
}

# offsets NAME LOGS...: where each server log ends now.
offsets() {
  local name=$1; shift
  for f in "$@"; do stat -c %s "$f"; done | tr '\n' ' ' >"$tmp/$name.offsets"
}

rows=()
summary=()
generated=()

run_backend() {
  local backend=$1
  local data="$tmp/$backend-data" history="$tmp/$backend-history"
  local store_args=() logs=() server_pids=() endpoint
  log "$backend: generating $ACCOUNTS accounts x $USERS users"
  local gen_args=(--data-dir "$data" --accounts "$ACCOUNTS" --users "$USERS" --threads "$GEN_THREADS")
  if [ "$backend" = postgres ]; then
    pg_dir="$tmp/pg"
    local admin; admin=$("$ROOT/scripts/pg_cluster.sh" start "$pg_dir")
    psql "$admin" -qc "CREATE DATABASE org" >&2
    PG=${admin%/postgres}/org
    store_args=(--database-url "$PG")
    gen_args+=(--database-url "$PG")
  fi
  local g0; g0=$(date +%s.%N)
  "$GEN" generate "${gen_args[@]}" >"$tmp/$backend-generate.txt"
  local gen_s; gen_s=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.0f}')" "$g0" "$(date +%s.%N)")
  log "$(cat "$tmp/$backend-generate.txt")"
  generated+=("$backend: $(tr '\n' ' ' <"$tmp/$backend-generate.txt")")
  read -r AK SK < <(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c["AccessKeyId"], c["SecretAccessKey"])' "$data/org-admin.json")
  local store_bytes
  if [ "$backend" = postgres ]; then
    store_bytes=$(psql "$PG" -tAc "SELECT pg_database_size('org')")
    local ports=()
    for n in 1 2 3; do
      mkdir -m 700 -p "$tmp/node$n"
      cp "$data/master.key" "$tmp/node$n/"
      serve "node$n" --data-dir "$tmp/node$n" "${store_args[@]}"
      ports+=("127.0.0.1:$port"); logs+=("$tmp/node$n.log"); server_pids+=("${pids[-1]}")
      log "$backend: instance $n listening on $port after ${started_s}s"
    done
    python3 "$HERE/round_robin.py" "${ports[@]}" >"$tmp/proxy.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 100); do grep -q listening "$tmp/proxy.log" && break; sleep 0.1; done
    endpoint="http://$(sed -n 's/listening on //p' "$tmp/proxy.log")"
  else
    store_bytes=$(bytes_of "$data/iam.db" "$data/iam.db-wal" "$data/iam.db-reports")
    serve sqlite --data-dir "$data"
    logs+=("$tmp/sqlite.log"); server_pids+=("${pids[-1]}")
    endpoint="http://127.0.0.1:$port"
    log "$backend: listening after ${started_s}s"
  fi
  local rss_start=0 p
  for p in "${server_pids[@]}"; do rss_start=$((rss_start > $(rss_kib "$p") ? rss_start : $(rss_kib "$p"))); done
  summary+=("$backend|$gen_s|$(mib "$store_bytes")|$started_s|$((rss_start / 1024))")

  local before=0 step name what
  local steps=("first" "again")
  for d in $(seq 1 "$DAYS"); do steps+=("day$d"); done
  for step in "${steps[@]}"; do
    name="$backend-$step"
    case $step in
      first) what="review 1: every report generated" ;;
      again) what="review 2, at once (within 4 hours)" ;;
      day*) what="after a day (${step#day})"
            log "$backend: a day passes (${step#day})"
            "$GEN" day --data-dir "$data" "${store_args[@]}" --day "${step#day}" --threads "$GEN_THREADS" >&2 ;;
    esac
    log "$backend: $what"
    offsets "$name" "${logs[@]}"
    local c0=0 c1=0
    for p in "${server_pids[@]}"; do c0=$((c0 + $(cpu_ticks "$p"))); done
    read -r wall crss ccpu rc < <(review "$name" "$endpoint" "$history")
    for p in "${server_pids[@]}"; do c1=$((c1 + $(cpu_ticks "$p"))); done
    read -r fetch audit builds build_s server_s top < <(phases "$name" "${logs[@]}")
    local srss=0
    for p in "${server_pids[@]}"; do srss=$((srss > $(rss_kib "$p") ? srss : $(rss_kib "$p"))); done
    local hist; hist=$(bytes_of "$history")
    local same; same=$(grep -c "the same report as last time" "$tmp/$name.out" || true)
    local reviewed; reviewed=$(sed -n 's/^\([0-9]*\) account(s) reviewed.*/\1/p' "$tmp/$name.out")
    local server_cpu; server_cpu=$(python3 -c "import os,sys; print(f'{(int(sys.argv[2]) - int(sys.argv[1])) / os.sysconf(\"SC_CLK_TCK\"):.0f}')" "$c0" "$c1")
    rows+=("$backend|$what|$wall|$fetch|$audit|$builds|$build_s|$server_s|$server_cpu|$ccpu|$((srss / 1024))|$((crss / 1024))|$(mib "$hist")|$(mib $((hist - before)))|$reviewed|$same|$rc|$top")
    before=$hist
    log "$backend: $what: ${wall}s, $reviewed reviewed ($same unchanged), $builds reports built, exit $rc"
  done
  local store_after
  if [ "$backend" = postgres ]; then
    store_after=$(psql "$PG" -tAc "SELECT pg_database_size('org')")
  else
    store_after=$(bytes_of "$data/iam.db" "$data/iam.db-wal" "$data/iam.db-reports")
  fi
  summary[-1]+="|$(mib "$store_after")|$(history_tables "$history")"
  for p in "${server_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [ "$backend" = postgres ]; then
    "$ROOT/scripts/pg_cluster.sh" stop "$pg_dir" >&2 || true
    pg_dir=""
  fi
  rm -rf "$data" "$history" "$tmp"/node*
}

for backend in $BACKENDS; do run_backend "$backend"; done

echo "## Organization at scale: $ACCOUNTS member accounts x $USERS users, concurrency $CONCURRENCY ($(nproc) cores, $(date -u +%Y-%m-%d))"
echo
echo "| backend | generate s | store MiB | server start s | server RSS after start MiB | store after the reviews MiB |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for r in "${summary[@]}"; do
  IFS='|' read -r b g s st rs sa _ <<<"$r"
  echo "| $b | $g | $s | $st | $rs | $sa |"
done
echo
echo "The generator:"
echo
for g in "${generated[@]}"; do echo "- $g"; done
echo
echo "history.db at the end, by table and index:"
echo
for r in "${summary[@]}"; do
  IFS='|' read -r b _ _ _ _ _ ht <<<"$r"
  echo "- $b: $ht"
done
echo
echo "| backend | review | wall s | fetch s | audit+store s | reports built | build s | server request s | server CPU s | client CPU s | server peak RSS MiB | client peak RSS MiB | history MiB | history growth MiB | accounts | unchanged | exit |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for r in "${rows[@]}"; do
  IFS='|' read -r b w wall f a bu bs ss sc cc sr cr h hg n same rc top <<<"$r"
  echo "| $b | $w | $wall | $f | $a | $bu | $bs | $ss | $sc | $cc | $sr | $cr | $h | $hg | $n | $same | $rc |"
done
echo
echo "The server's busiest actions per review (count, summed request time):"
echo
for r in "${rows[@]}"; do
  IFS='|' read -r b w _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ top <<<"$r"
  echo "- $b, $w: $top"
done
