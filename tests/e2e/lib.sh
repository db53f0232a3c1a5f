# shellcheck shell=bash
# Helpers for the end-to-end scenarios that drive `credreport serve` with real AWS clients.
#
# Source it, then call `e2e_start_server`. It starts the server on a free loopback port with
# a fresh data directory, waits for it, and exports the account's root credentials as the
# standard AWS_* variables; an EXIT trap stops the server (SIGTERM) and removes the
# directory. Nothing listens beyond 127.0.0.1.
#
# Environment: CREDREPORT_BIN, the built `credreport` binary (default
# "${CARGO_TARGET_DIR:-target}/debug/credreport" from the repository root).
#
# After e2e_start_server:
#   E2E_TMP       the temporary directory (the server's data dir is "$E2E_TMP/data")
#   E2E_ENDPOINT  http://127.0.0.1:PORT
#   E2E_ACCOUNT   the account id
#   E2E_ROOT_KEY_ID, E2E_ROOT_SECRET
#
# Checks: `e2e_ok NAME`, `e2e_not_ok NAME DETAIL`, `e2e_summary LABEL` (prints
# "LABEL: N passed, M failed" and returns non-zero on any failure), `e2e_fatal MESSAGE`.
# The AWS CLI (set O to a directory for the outputs first): `call`, `must NAME ARGS`,
# `spawn`/`reap` (in the background), `fails NAME CODE [NEEDLE...] -- ARGS`,
# `field FILE EXPR`, `check NAME ACTUAL EXPECTED`.

E2E_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
E2E_PASSED=0
E2E_FAILED=0
E2E_SERVER_PID=""
E2E_TMP=""

# Isolate the clients from whatever AWS configuration the machine has.
e2e_isolate_clients() {
  unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ROLE_ARN \
    AWS_WEB_IDENTITY_TOKEN_FILE AWS_CA_BUNDLE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_IAM AWS_ENDPOINT_URL_STS \
    AWS_REGION CREDREPORT_MASTER_KEY
  export AWS_CONFIG_FILE=/dev/null
  export AWS_SHARED_CREDENTIALS_FILE=/dev/null
  export AWS_EC2_METADATA_DISABLED=true
  export AWS_DEFAULT_REGION=us-east-1
  # One attempt: every failure here is deterministic, and retries would only hide them.
  export AWS_MAX_ATTEMPTS=1
  export AWS_RETRY_MODE=standard
  export AWS_PAGER=""
  # Loopback never goes through a proxy.
  export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}"
  export no_proxy="$NO_PROXY"
  export NO_COLOR=1
}

e2e_cleanup() {
  local rc=$?
  if [[ -n "$E2E_SERVER_PID" ]] && kill -0 "$E2E_SERVER_PID" 2>/dev/null; then
    kill -TERM "$E2E_SERVER_PID" 2>/dev/null || true
    local i
    for ((i = 0; i < 50; i++)); do
      kill -0 "$E2E_SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$E2E_SERVER_PID" 2>/dev/null; then
      echo "e2e: the server did not stop on SIGTERM within 5 s; killing it" >&2
      kill -KILL "$E2E_SERVER_PID" 2>/dev/null || true
    fi
    wait "$E2E_SERVER_PID" 2>/dev/null || true
  fi
  if [[ $rc -ne 0 && -n "$E2E_TMP" && -f "$E2E_TMP/server.log" ]]; then
    echo "e2e: last lines of the server log:" >&2
    tail -n 30 "$E2E_TMP/server.log" >&2 || true
  fi
  if [[ -n "$E2E_TMP" ]]; then
    rm -rf "$E2E_TMP"
  fi
  return $rc
}

e2e_fatal() {
  echo "e2e: FATAL: $*" >&2
  if [[ -n "${E2E_LABEL:-}" ]]; then
    echo "${E2E_LABEL}: ${E2E_PASSED} passed, $((E2E_FAILED + 1)) failed"
  fi
  exit 1
}

e2e_ok() {
  E2E_PASSED=$((E2E_PASSED + 1))
  echo "ok   - $1"
}

e2e_not_ok() {
  E2E_FAILED=$((E2E_FAILED + 1))
  echo "FAIL - $1" >&2
  if [[ -n "${2:-}" ]]; then
    printf '%s\n' "$2" | sed 's/^/       /' >&2
  fi
}

e2e_summary() {
  echo "$1: ${E2E_PASSED} passed, ${E2E_FAILED} failed"
  [[ $E2E_FAILED -eq 0 ]]
}

e2e_start_server() {
  e2e_isolate_clients
  local bin="${CREDREPORT_BIN:-${CARGO_TARGET_DIR:-$E2E_REPO/target}/debug/credreport}"
  if [[ ! -x "$bin" ]]; then
    e2e_fatal "no credreport binary at '$bin' (build it with: cargo build -p credreport-cli; or set CREDREPORT_BIN)"
  fi
  E2E_TMP="$(mktemp -d "${TMPDIR:-/tmp}/credreport-e2e.XXXXXX")"
  trap e2e_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  # E2E_TLS=1: HTTPS with a CA made for the run, trusted through AWS_CA_BUNDLE.
  local tls=() scheme=http
  if [[ "${E2E_TLS:-}" == 1 ]]; then
    python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import harness; harness.make_tls(sys.argv[2])' \
      "$E2E_REPO/tests/e2e" "$E2E_TMP" || e2e_fatal "cannot make the TLS certificates"
    tls=(--tls-cert "$E2E_TMP/server.pem" --tls-key "$E2E_TMP/server.key")
    export AWS_CA_BUNDLE="$E2E_TMP/ca.pem"
    scheme=https
  fi
  # The log exists before the server starts: the wait below reads it at once, and a read
  # of a missing file would end the script (set -e, pipefail).
  : >"$E2E_TMP/server.log"
  CREDREPORT_LOG=info "$bin" serve --data-dir "$E2E_TMP/data" --listen 127.0.0.1:0 "${tls[@]}" >"$E2E_TMP/server.log" 2>&1 &
  E2E_SERVER_PID=$!

  # Wait (at most 30 s) for the line that names the listening address.
  local port="" i
  for ((i = 0; i < 300; i++)); do
    port="$(sed -n "s/.*listening on $scheme:\/\/127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p" "$E2E_TMP/server.log" | head -n 1)"
    [[ -n "$port" ]] && break
    if ! kill -0 "$E2E_SERVER_PID" 2>/dev/null; then
      e2e_fatal "the server exited before listening; its log:
$(cat "$E2E_TMP/server.log")"
    fi
    sleep 0.1
  done
  [[ -n "$port" ]] || e2e_fatal "the server did not log its listening address within 30 s"
  E2E_ENDPOINT="$scheme://127.0.0.1:$port"

  local creds="$E2E_TMP/data/root-credentials.json"
  [[ -s "$creds" ]] || e2e_fatal "the server wrote no $creds"
  local fields
  fields="$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c["AccountId"], c["AccessKeyId"], c["SecretAccessKey"])' "$creds")" ||
    e2e_fatal "cannot read $creds"
  read -r E2E_ACCOUNT E2E_ROOT_KEY_ID E2E_ROOT_SECRET <<<"$fields"
  export E2E_ENDPOINT E2E_ACCOUNT E2E_ROOT_KEY_ID E2E_ROOT_SECRET
  export AWS_ACCESS_KEY_ID="$E2E_ROOT_KEY_ID"
  export AWS_SECRET_ACCESS_KEY="$E2E_ROOT_SECRET"
  echo "e2e: server pid $E2E_SERVER_PID at $E2E_ENDPOINT, account $E2E_ACCOUNT"
}

# --- the AWS CLI: calls and checks (after e2e_start_server; outputs kept in $O) -----------

OUT="" ERR="" RC=0
# call ARGS...: runs `aws ARGS --endpoint-url … --output json`; sets OUT, ERR, RC.
call() {
  RC=0
  aws "$@" --endpoint-url "$E2E_ENDPOINT" --output json >"$E2E_TMP/stdout" 2>"$E2E_TMP/stderr" || RC=$?
  OUT="$(cat "$E2E_TMP/stdout")"
  ERR="$(cat "$E2E_TMP/stderr")"
}

# must NAME ARGS...: the call must succeed; its output is kept as $O/NAME.json.
must() {
  local name="$1"
  shift
  call "$@"
  if [[ $RC -ne 0 ]]; then
    e2e_not_ok "$name: aws $*" "exit $RC; stderr: $ERR"
    e2e_fatal "a setup step failed"
  fi
  printf '%s\n' "$OUT" >"$O/$name.json"
  e2e_ok "$name"
}

# spawn NAME ARGS...: like `must`, but in the background (the CLI's start-up dominates the
# run time); `reap` waits for every spawned call and checks them in the order spawned.
SPAWNED=()
SPAWNED_PIDS=()
spawn() {
  local name="$1"
  shift
  SPAWNED+=("$name")
  (
    rc=0
    aws "$@" --endpoint-url "$E2E_ENDPOINT" --output json >"$O/$name.json" 2>"$E2E_TMP/$name.err" || rc=$?
    echo "$rc" >"$E2E_TMP/$name.rc"
  ) &
  SPAWNED_PIDS+=($!)
}
reap() {
  local pid name bad=0
  for pid in "${SPAWNED_PIDS[@]}"; do
    wait "$pid" || true
  done
  for name in "${SPAWNED[@]}"; do
    if [[ "$(cat "$E2E_TMP/$name.rc" 2>/dev/null)" == "0" ]]; then
      e2e_ok "$name"
    else
      e2e_not_ok "$name" "exit $(cat "$E2E_TMP/$name.rc" 2>/dev/null); stderr: $(cat "$E2E_TMP/$name.err")"
      bad=1
    fi
  done
  SPAWNED=()
  SPAWNED_PIDS=()
  [[ $bad -eq 0 ]] || e2e_fatal "a setup step failed"
}

# fails NAME CODE [NEEDLE...] -- ARGS...: the call must exit 255 with "(CODE)" and every
# NEEDLE on stderr.
fails() {
  local name="$1" code="$2"
  shift 2
  local needles=()
  while [[ "$1" != "--" ]]; do
    needles+=("$1")
    shift
  done
  shift
  call "$@"
  expect_failure "$name" "$code" "${needles[@]}"
}

expect_failure() {
  local name="$1" code="$2"
  shift 2
  local problems=""
  [[ $RC -eq 255 ]] || problems+="exit status $RC, expected 255"$'\n'
  [[ "$ERR" == *"($code)"* ]] || problems+="stderr lacks ($code)"$'\n'
  local n
  for n in "$@"; do
    [[ "$ERR" == *"$n"* ]] || problems+="stderr lacks '$n'"$'\n'
  done
  if [[ -z "$problems" ]]; then
    e2e_ok "$name ($code)"
  else
    e2e_not_ok "$name" "${problems}stderr: $ERR"
  fi
}

# field FILE PYTHON-EXPR: evaluates EXPR with `d` bound to the JSON in FILE.
field() {
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# check NAME ACTUAL EXPECTED
check() {
  if [[ "$2" == "$3" ]]; then
    e2e_ok "$1"
  else
    e2e_not_ok "$1" "expected: $3"$'\n'"actual:   $2"
  fi
}

