#!/usr/bin/env bash
# The IAM endpoint against moto_server (moto 5.x), same machine, same load tool (wrk), same run.
#
#   bench/server_vs_moto.sh            # defaults below; progress on stderr, a markdown summary on stdout
#   DURATION=5s ROUNDS=1 E2E_ACCOUNTS=3 QUIET_WAIT=0 bench/server_vs_moto.sh    # a quick look
#   E2E_ONLY=1 E2E_ACCOUNTS=9 bench/server_vs_moto.sh   # only generate + get (section 5): no wrk
#   E2E_ONLY=1 E2E_TRACE=1 bench/server_vs_moto.sh      # ... and each call's end, per run
#
# 1. builds `credreport` (release; honours CARGO_TARGET_DIR), installs wrk (apt) and
#    moto[server]==5.2.1 (pip) if they are missing;
# 2. waits (bounded) for the 1-minute load average to drop under QUIET_LOAD;
# 3. starts `credreport serve` and `moto_server` on loopback ports, creates USERS users in each
#    (moto: account 123456789012, plus 100 users in account 111111111111 for a like-for-like
#    ListUsers page, because moto ignores MaxItems), generates the credential report on both;
# 4. for each action (GetCredentialReport, ListUsers MaxItems=100) and each connection count,
#    runs `wrk -tWRK_THREADS -cN -dDURATION --latency` against both servers back to back (the
#    order alternates), with a request pre-signed right before the run (SigV4, replayed);
# 5. times GenerateCredentialReport -> poll every POLL_MS -> GetCredentialReport for a
#    USERS-user report on E2E_ACCOUNTS fresh accounts (`credreport account create`);
#    E2E_ONLY=1 runs only this part: no wrk, and only moto's account is populated up front;
# 6. prints the figures as markdown. Everything else lives in a temporary directory, removed
#    at exit (KEEP_TMP=1 keeps it); both servers are stopped at exit.
set -euo pipefail

DURATION=${DURATION:-10s}
CONNS=${CONNS:-"16 64"}
WRK_THREADS=${WRK_THREADS:-2}
USERS=${USERS:-5000}
ROUNDS=${ROUNDS:-2}
E2E_ACCOUNTS=${E2E_ACCOUNTS:-5}
POLL_MS=${POLL_MS:-1}
QUIET_LOAD=${QUIET_LOAD:-1.0}
QUIET_WAIT=${QUIET_WAIT:-900}      # seconds, before starting (colleagues' builds)
SETTLE_WAIT=${SETTLE_WAIT:-240}    # seconds, after populating (our own load decays)
E2E_ONLY=${E2E_ONLY:-0}            # 1: only section 5 (generate + get), no wrk rounds
E2E_TRACE=${E2E_TRACE:-0}          # 1: section 5 prints each call's end (ms) to stderr
MOTO_VERSION=5.2.1

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET/release/credreport

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
load1() { cut -d' ' -f1 /proc/loadavg; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/credreport-bench.XXXXXX")
server_pid= moto_pid=
cleanup() {
    local rc=$?
    for pid in $server_pid $moto_pid; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in $server_pid $moto_pid; do
        wait "$pid" 2>/dev/null || true
    done
    if [ "${KEEP_TMP:-0}" = 1 ]; then log "kept $tmp"; else rm -rf "$tmp"; fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. build and tools ---------------------------------------------------------------------
log "building the release binary"
(cd "$ROOT" && cargo build --release -p credreport-cli) >&2
if [ "$E2E_ONLY" != 1 ] && ! command -v wrk >/dev/null; then
    log "installing wrk"
    apt-get install -y wrk >&2 || { apt-get update >&2 && apt-get install -y wrk >&2; }
fi
if ! command -v moto_server >/dev/null; then
    log "installing moto[server]==$MOTO_VERSION"
    python3 -m pip install "moto[server]==$MOTO_VERSION" >&2
    hash -r
fi
python3 -c 'import botocore' 2>/dev/null || python3 -m pip install botocore >&2
moto_version=$(python3 -c 'import moto; print(moto.__version__)')
wrk_version=$( (wrk -v 2>&1 || true) | head -1 | awk '{print $2}')

# --- 2. a quiet machine ---------------------------------------------------------------------
# Waits up to $1 seconds, polling every 30 s, for the 1-minute load average to drop under
# QUIET_LOAD. Prints the load it ended on; never fails (a busy machine is reported, not hidden).
wait_quiet() {
    local max=$1 waited=0
    while awk -v l="$(load1)" -v q="$QUIET_LOAD" 'BEGIN { exit !(l >= q) }' && [ "$waited" -lt "$max" ]; do
        log "load average $(load1) >= $QUIET_LOAD; waiting ($waited/$max s)"
        sleep 30
        waited=$((waited + 30))
    done
    load1
}
load_start=$(wait_quiet "$QUIET_WAIT")
log "load average at start: $load_start"

# --- 3. servers and data --------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_tcp() { # bounded: 200 x 0.1 s
    for _ in $(seq 200); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    log "nothing listens on 127.0.0.1:$1"; return 1
}

mkdir -m 700 -p "$tmp/data"
"$BIN" serve --data-dir "$tmp/data" --listen 127.0.0.1:0 --account-rate 0 2>"$tmp/server.log" &
server_pid=$!
port=
for _ in $(seq 200); do
    port=$(grep -ao 'listening on http://127\.0\.0\.1:[0-9]*' "$tmp/server.log" | head -1 | sed 's/.*://' || true)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { log "credreport serve did not start:"; cat "$tmp/server.log" >&2; exit 1; }
ak=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["AccessKeyId"])' "$tmp/data/root-credentials.json")
sk=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["SecretAccessKey"])' "$tmp/data/root-credentials.json")

moto_port=$(free_port)
moto_server -H 127.0.0.1 -p "$moto_port" >"$tmp/moto.log" 2>&1 &
moto_pid=$!
wait_tcp "$moto_port"
log "credreport on 127.0.0.1:$port (pid $server_pid), moto $moto_version on 127.0.0.1:$moto_port (pid $moto_pid)"

client() { python3 "$HERE/iam_client.py" "$@"; }
ours=(--port "$port" --access-key "$ak" --secret-key "$sk")
moto=(--port "$moto_port" --access-key testing --secret-key testing)
moto100=("${moto[@]}" --header x-moto-account-id:111111111111)

if [ "$E2E_ONLY" = 1 ]; then
    log "populating $USERS users in moto (E2E_ONLY: credreport's accounts are populated in section 5)"
    client populate "${moto[@]}" --users "$USERS"
    client report "${moto[@]}" --expect-rows "$USERS"
else
    log "populating $USERS users in each server"
    client populate "${ours[@]}" --users "$USERS"
    client populate "${moto[@]}" --users "$USERS"
    client populate "${moto100[@]}" --users 100
    client report "${ours[@]}" --expect-rows "$USERS"
    client report "${moto[@]}" --expect-rows "$USERS"
    client check "${ours[@]}" --action list-users --expect-members 100
    client check "${moto[@]}" --action list-users --expect-members "$USERS"   # moto ignores MaxItems
    client check "${moto100[@]}" --action list-users --expect-members 100
    client check "${ours[@]}" --action get-credential-report --expect-rows "$USERS"
    client check "${moto[@]}" --action get-credential-report --expect-rows "$USERS"
fi

load_settle=$(wait_quiet "$SETTLE_WAIT")
log "load average before the measured runs: $load_settle"

# --- 4. wrk ---------------------------------------------------------------------------------
# wait_idle PID: a server may still be answering requests queued before wrk stopped (moto
# does, for seconds); the next run must not pay for them. Waits, bounded (60 s), until the
# process has used under 5% of a CPU over half a second.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
wait_idle() {
    local before after
    before=$(cpu_ticks "$1")
    for _ in $(seq 120); do
        sleep 0.5
        after=$(cpu_ticks "$1")
        [ $((after - before)) -le 2 ] && return 0
        before=$after
    done
    log "pid $1 still busy after 60 s"
}
# run_wrk NAME ACTION CONNS CLIENT-ARGS...: signs now, runs wrk, appends a result line.
results=$tmp/results.tsv
: >"$results"
run_wrk() {
    local name=$1 action=$2 conns=$3 round=$4
    shift 4
    local p lua=$tmp/$name-$action.lua out=$tmp/wrk-$name-$action-$conns-$round.txt
    local -a a=("$@") extra=()
    while [ ${#a[@]} -gt 0 ]; do
        case ${a[0]} in
            --port) p=${a[1]} ;;
            --access-key) extra+=(--access-key "${a[1]}") ;;
            --secret-key) extra+=(--secret-key "${a[1]}") ;;
            --header) extra+=(--header "${a[1]}") ;;
        esac
        a=("${a[@]:2}")
    done
    wait_idle "$server_pid"
    wait_idle "$moto_pid"
    python3 "$HERE/presign.py" --port "$p" --action "$action" --out "$lua" "${extra[@]}"
    wrk -t"$WRK_THREADS" -c"$conns" -d"$DURATION" --timeout 30s --latency -s "$lua" \
        "http://127.0.0.1:$p/" >"$out" 2>&1 || true
    awk -v name="$name" -v action="$action" -v conns="$conns" -v round="$round" '
        function ms(v) {
            if (v ~ /us$/) return v * 0.001
            if (v ~ /ms$/) return v + 0
            if (v ~ /s$/) return v * 1000
            if (v ~ /m$/) return v * 60000
            return v + 0
        }
        /^ +50%/ { p50 = ms($2) }
        /^ +99%/ { p99 = ms($2) }
        /requests in/ { n = $1 }
        /Requests\/sec/ { rps = $2 }
        /Non-2xx/ { bad = $NF }
        /Socket errors/ { gsub(/,/, ""); errs = $4 + $6 + $8 + $10 }
        END { printf "%s\t%s\t%s\t%s\t%.1f\t%.2f\t%.2f\t%d\t%d\t%d\n",
              name, action, conns, round, rps, p50, p99, n, bad, errs }' "$out" >>"$results"
    log "$(tail -1 "$results" | tr '\t' ' ')"
}

[ "$E2E_ONLY" = 1 ] && wrk_rounds=0 || wrk_rounds=$ROUNDS
for round in $(seq "$wrk_rounds"); do
    for action in get-credential-report list-users; do
        for c in $CONNS; do
            if [ $((round % 2)) = 1 ]; then order="ours moto"; else order="moto ours"; fi
            for who in $order; do
                if [ "$who" = ours ]; then
                    run_wrk credreport "$action" "$c" "$round" "${ours[@]}"
                else
                    run_wrk moto "$action" "$c" "$round" "${moto[@]}"
                    if [ "$action" = list-users ]; then
                        run_wrk moto-100 "$action" "$c" "$round" "${moto100[@]}"
                    fi
                fi
            done
        done
    done
done
load_after_wrk=$(load1)

# --- 5. generate + get of a USERS-user report, fresh accounts --------------------------------
log "end to end: $E2E_ACCOUNTS fresh accounts of $USERS users"
for _ in $(seq "$E2E_ACCOUNTS"); do
    "$BIN" account create --data-dir "$tmp/data" >>"$tmp/accounts.jsonl"
done
trace=(); [ "$E2E_TRACE" = 1 ] && trace=(--trace)
e2e_ours=$(client e2e --port "$port" --accounts "$tmp/accounts.jsonl" --users "$USERS" --poll-ms "$POLL_MS" "${trace[@]}")
e2e_moto=$(client e2e-repeat "${moto[@]}" --times "$E2E_ACCOUNTS" --poll-ms "$POLL_MS" "${trace[@]}")
load_end=$(load1)

# --- 6. summary -----------------------------------------------------------------------------
python3 - "$results" "$e2e_ours" "$e2e_moto" <<EOF
import json, statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
e2e_ours, e2e_moto = json.loads(sys.argv[2]), json.loads(sys.argv[3])
print("### IAM endpoint: credreport vs moto_server $moto_version")
print()
print("- date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- crates || echo ' (with uncommitted changes)')")
print("- machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)")
if "$E2E_ONLY" == "1":
    print("- E2E_ONLY=1: generate + get only (no wrk rounds); $USERS users per account")
else:
    print("- wrk $wrk_version: -t$WRK_THREADS -d$DURATION --timeout 30s --latency, rounds: $ROUNDS; $USERS users per server")
print("- 1-minute load average: $load_start at start, $load_settle before wrk, $load_after_wrk after wrk, $load_end at the end")
print()
if rows:
    print("| action | conns | round | credreport req/s | p50 ms | p99 ms | moto req/s | p50 ms | p99 ms | x moto | flags |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
def find(name, action, c, r):
    for x in rows:
        if x[:4] == [name, action, c, r]:
            return x
label = {"get-credential-report": "GetCredentialReport", "list-users": "ListUsers MaxItems=100"}
for action in ["get-credential-report", "list-users"]:
    for c in "$CONNS".split():
        for r in map(str, range(1, $ROUNDS + 1)):
            ours = find("credreport", action, c, r)
            for mname in (["moto", "moto-100"] if action == "list-users" else ["moto"]):
                m = find(mname, action, c, r)
                if not ours or not m:
                    continue
                flags = []
                for who, x in (("credreport", ours), (mname, m)):
                    if int(x[8]): flags.append(f"{who}: {x[8]} non-2xx")
                    if int(x[9]): flags.append(f"{who}: {x[9]} socket errors")
                    if int(x[7]) < 100: flags.append(f"{who}: n={x[7]}")
                ratio = float(ours[4]) / float(m[4]) if float(m[4]) else float("inf")
                what = label[action] + (" (moto: 100-user account)" if mname == "moto-100" else
                                        " (moto: all 5,000 users)" if action == "list-users" else "")
                print(f"| {what} | {c} | {r} | {float(ours[4]):,.0f} | {ours[5]} | {ours[6]} | "
                      f"{float(m[4]):,.1f} | {m[5]} | {m[6]} | {ratio:,.0f}x | {'; '.join(flags) or 'ok'} |")
if rows:
    print()
print("Generate + get of a $USERS-user report, end to end from the client "
      f"(raw http.client + botocore SigV4Auth, polling every $POLL_MS ms; signing costs the client "
      f"{e2e_ours['sign_ms']} ms a request):")
print()
print("| server | n | min ms | median ms | max ms | generate calls (each run) |")
print("|---|---:|---:|---:|---:|---|")
for e in (e2e_ours, e2e_moto):
    what = "credreport (fresh accounts)" if e["what"] == "credreport" else "moto (one account, repeated)"
    print(f"| {what} | {e['n']} | {e['min_ms']} | {e['median_ms']} | {e['max_ms']} | {', '.join(map(str, e['generate_calls']))} |")
print()
print(f"moto / credreport, medians: {e2e_moto['median_ms'] / e2e_ours['median_ms']:.1f}x")
EOF
