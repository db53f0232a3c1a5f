#!/usr/bin/env bash
# Issue 24's performance figure: a fetch-mode audit of a USERS-user account (the report,
# GetAccountAuthorizationDetails and the last-accessed jobs) against the report-only audit
# of the same account, in the same run.
#
#   bench/audit_fetch.sh                    # 5,000 users, 50 roles, 3 rounds
#   USERS=1000 ROUNDS=1 bench/audit_fetch.sh
#   BIN=/path/to/credreport bench/audit_fetch.sh   # another build (no cargo build then)
#
# It builds the release binary, starts `credreport serve` on a loopback port with a fresh
# data directory, creates an account and populates it through the API
# (bench/privilege_account.py: users spread over groups with AWS managed policies, one in
# seven with an inline policy of its own, roles, access keys and their uses). The first
# audit (report-only) generates the report; then ROUNDS rounds each time
# `credreport audit --report-only` and `credreport audit` (fetch mode), in alternating
# order, wall time and peak RSS by /usr/bin/time. It counts the requests the last
# fetch-mode audit made, by action, from the server's log. Markdown on stdout, progress on
# stderr; the temporary directory is removed at the end (KEEP_TMP=1 keeps it).
set -euo pipefail

USERS=${USERS:-5000}
ROLES=${ROLES:-50}
ROUNDS=${ROUNDS:-3}

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
if [ -z "${BIN:-}" ]; then
    BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/credreport
    log "building the release binary"
    (cd "$ROOT" && cargo build --release -p credreport-cli) >&2
fi
[ -x /usr/bin/time ] || { log "installing GNU time"; apt-get install -y time >&2; }
python3 -c "import botocore" 2>/dev/null || python3 -m pip install botocore >&2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/credreport-audit-fetch.XXXXXX")
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    if [ "${KEEP_TMP:-0}" = 1 ]; then log "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# The clients must not read this machine's AWS configuration.
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
export AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL

"$BIN" account create --data-dir "$tmp/data" >"$tmp/account.json" 2>/dev/null
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$tmp/account.json" "$1"; }
account=$(field AccountId)
export AWS_ACCESS_KEY_ID=$(field AccessKeyId) AWS_SECRET_ACCESS_KEY=$(field SecretAccessKey)

CREDREPORT_LOG=info "$BIN" serve --data-dir "$tmp/data" --listen 127.0.0.1:0 --account-rate 0 2>"$tmp/server.log" &
server_pid=$!
port=
for _ in $(seq 100); do
    port=$(grep -ao 'listening on http://127\.0\.0\.1:[0-9]*' "$tmp/server.log" | head -1 | sed 's/.*://' || true)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { log "credreport serve did not start:"; cat "$tmp/server.log" >&2; exit 1; }
endpoint=http://127.0.0.1:$port

log "populating $USERS users and $ROLES roles through the API"
python3 "$HERE/privilege_account.py" --port "$port" --access-key "$AWS_ACCESS_KEY_ID" \
    --secret-key "$AWS_SECRET_ACCESS_KEY" --account-id "$account" --users "$USERS" --roles "$ROLES" >&2

# audit NAME ARGS...: one timed audit; appends "NAME<TAB>seconds<TAB>KiB<TAB>findings".
audit() {
    local name=$1
    shift
    local before
    before=$(wc -l <"$tmp/server.log")
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$BIN" audit --endpoint-url "$endpoint" --format json "$@" \
        >"$tmp/$name.json" 2>"$tmp/$name.err" || {
        log "audit $name failed:"; cat "$tmp/$name.err" >&2; exit 1; }
    tail -n +"$((before + 1))" "$tmp/server.log" >"$tmp/$name.requests"
    local findings
    findings=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['findings']))" "$tmp/$name.json")
    read -r secs kib <"$tmp/time"
    printf '%s\t%s\t%s\t%s\n' "$name" "$secs" "$kib" "$findings" >>"$tmp/results"
    log "$name: $secs s, $kib KiB, $findings findings"
}

load_start=$(cut -d' ' -f1 /proc/loadavg)
audit first-report-only --report-only
for round in $(seq "$ROUNDS"); do
    if [ $((round % 2)) = 1 ]; then
        audit "report-only-$round" --report-only
        audit "fetch-mode-$round"
    else
        audit "fetch-mode-$round"
        audit "report-only-$round" --report-only
    fi
done
load_end=$(cut -d' ' -f1 /proc/loadavg)

python3 - "$tmp" "$ROUNDS" <<EOF
import collections, re, statistics, sys
tmp, rounds = sys.argv[1], int(sys.argv[2])
rows = [l.rstrip("\n").split("\t") for l in open(f"{tmp}/results")]
by = {r[0]: r for r in rows}
print("### Fetch-mode audit against report-only")
print()
print("- date: $(date -u +%Y-%m-%dT%H:%MZ); commit $(cd "$ROOT" && git rev-parse --short HEAD)")
print("- machine: nproc $(nproc); 1-minute load average $load_start at start, $load_end at the end")
print("- account: $USERS users, $ROLES roles (bench/privilege_account.py)")
print()
print("| round | report-only s | peak RSS MiB | fetch mode s | peak RSS MiB | fetch / report-only |")
print("|---:|---:|---:|---:|---:|---:|")
f = by["first-report-only"]
print(f"| first (generates the report) | {f[1]} | {int(f[2]) / 1024:.0f} | | | |")
ratios = []
for r in range(1, rounds + 1):
    ro, fm = by[f"report-only-{r}"], by[f"fetch-mode-{r}"]
    ratio = float(fm[1]) / max(float(ro[1]), 0.01)
    ratios.append(ratio)
    print(f"| {r} | {ro[1]} | {int(ro[2]) / 1024:.0f} | {fm[1]} | {int(fm[2]) / 1024:.0f} | {ratio:.1f}x |")
print()
calls = collections.Counter()
micros = collections.Counter()
for line in open(f"{tmp}/fetch-mode-{rounds}.requests"):
    m = re.search(r'action="([A-Za-z]+)" status=\d+ micros=(\d+)', line)
    if m:
        calls[m.group(1)] += 1
        micros[m.group(1)] += int(m.group(2))
print(f"Requests of the last fetch-mode audit ({sum(calls.values())} in all; server time, summed over concurrent requests):")
print()
print("| action | calls | mean ms | total s |")
print("|---|---:|---:|---:|")
for action, n in calls.most_common():
    print(f"| {action} | {n} | {micros[action] / n / 1000:.2f} | {micros[action] / 1e6:.2f} |")
EOF
