#!/usr/bin/env bash
# End-to-end scenario with the real AWS CLI (v1) against `credreport serve`.
#
# Sets up an account the way an administrator would (password policy, users with passwords,
# access keys one of them Inactive, a virtual MFA device enabled with real TOTP codes,
# signing certificates made by openssl, an inline policy), uses a user's key, checks the
# error paths (ReportNotPresent, AccessDenied, a bad signature, an unknown key, a skewed
# clock), then generates the credential report (STARTED, then COMPLETE), fetches it with
# `--query Content | base64 --decode`, and checks every column of every row.
#
# Then (issue 23) alice gets an MFA session with GetSessionToken and a TOTP code (a code is
# accepted once), dave gets a permissions boundary, and the policy simulator decides.
#
# Usage: CREDREPORT_BIN=target/debug/credreport bash tests/e2e/aws_cli.sh
# Needs: aws (CLI v1), python3 with awscli importable (the skewed-clock check runs the CLI's
# own driver with a shifted clock), openssl, base64.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
E2E_LABEL=aws_cli

for tool in aws python3 openssl base64; do
  command -v "$tool" >/dev/null 2>&1 || e2e_fatal "$tool is required"
done
python3 -c 'import awscli, botocore' 2>/dev/null || e2e_fatal "python3 cannot import awscli (pip install awscli==1.45.11)"

e2e_start_server
O="$E2E_TMP/o"    # every CLI output the report check reads, one JSON file per call
mkdir -p "$O"

# --- helpers (call, must, spawn, reap, fails, field, check: lib.sh) -------------------------

# use_begin; <a key's first accepted use>; use_end NAME: keeps the seconds around that use,
# between which the report's access_key_N_last_used_date must lie (at minute precision).
use_begin() {
  USE_T0="$(date +%s)"
}
use_end() {
  printf '{"before": %s, "after": %s}\n' "$USE_T0" "$(date +%s)" >"$O/use-$1.json"
}

# as KEY_ID SECRET ARGS...: one call with another identity's credentials.
as() {
  local id="$1" secret="$2"
  shift 2
  AWS_ACCESS_KEY_ID="$id" AWS_SECRET_ACCESS_KEY="$secret" call "$@"
}

# skewed SECONDS ARGS...: the real CLI (its own driver, its own SigV4 signer) with the
# signer's clock shifted by SECONDS; sets OUT, ERR, RC like `call`.
skewed() {
  local offset="$1"
  shift
  RC=0
  python3 -c '
import datetime, sys
import botocore.auth, awscli.clidriver
offset = datetime.timedelta(seconds=int(sys.argv[1]))
real = botocore.auth.get_current_datetime
botocore.auth.get_current_datetime = lambda *a, **k: real(*a, **k) + offset
sys.argv = ["aws"] + sys.argv[2:]
sys.exit(awscli.clidriver.main())
' "$offset" "$@" --endpoint-url "$E2E_ENDPOINT" --output json >"$E2E_TMP/stdout" 2>"$E2E_TMP/stderr" || RC=$?
  OUT="$(cat "$E2E_TMP/stdout")"
  ERR="$(cat "$E2E_TMP/stderr")"
}

A="$E2E_ACCOUNT"

# --- before any report ---------------------------------------------------------------------

# The root key's first use: this call (IAM, us-east-1) is what the report's root row shows.
use_begin
fails "get-credential-report before any generate" ReportNotPresent "GetCredentialReport" -- iam get-credential-report
use_end root

# --- account setup -------------------------------------------------------------------------

spawn root-user iam get-user
spawn root-keys iam list-access-keys
spawn policy iam update-account-password-policy --minimum-password-length 12 --require-symbols \
  --require-numbers --require-uppercase-characters --require-lowercase-characters \
  --allow-users-to-change-password --max-password-age 90 --password-reuse-prevention 3
# Names chosen so that case-insensitive order (the report's) differs from byte order.
spawn user-alice iam create-user --user-name alice
spawn user-bob iam create-user --user-name bob
spawn user-Carol iam create-user --user-name Carol
spawn user-dave iam create-user --user-name dave --path /eng/
# Signing certificates made by openssl meanwhile: alice's stays Active, dave's is made Inactive.
for who in alice dave; do
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=e2e-$who" \
    -keyout "$E2E_TMP/$who.key" -out "$E2E_TMP/$who.pem" 2>/dev/null || e2e_fatal "openssl could not make a certificate"
done
reap
check "get-user as root gives the root ARN" "$(field "$O/root-user.json" 'd["User"]["Arn"]')" "arn:aws:iam::$A:root"
check "the root has its one access key" \
  "$(field "$O/root-keys.json" '[k["AccessKeyId"] + "/" + k["Status"] for k in d["AccessKeyMetadata"]]')" \
  "['$E2E_ROOT_KEY_ID/Active']"
check "create-user --path gives the ARN with the path" "$(field "$O/user-dave.json" 'd["User"]["Arn"]')" "arn:aws:iam::$A:user/eng/dave"

# alice may read herself, nothing else.
cat >"$E2E_TMP/alice-policy.json" <<EOF
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "arn:aws:iam::$A:user/alice"}]}
EOF
spawn sts-root sts get-caller-identity
spawn lp-alice iam create-login-profile --user-name alice --password 'Alice-Passw0rd!2026'
spawn lp-dave iam create-login-profile --user-name dave --password 'Dave-Passw0rd!2026' --password-reset-required
spawn key-alice-old iam create-access-key --user-name alice
spawn key-bob iam create-access-key --user-name bob
spawn key-dave iam create-access-key --user-name dave
spawn mfa-create iam create-virtual-mfa-device --virtual-mfa-device-name alice-phone \
  --outfile "$E2E_TMP/seed.txt" --bootstrap-method Base32StringSeed
spawn cert-alice iam upload-signing-certificate --user-name alice --certificate-body "file://$E2E_TMP/alice.pem"
spawn cert-dave iam upload-signing-certificate --user-name dave --certificate-body "file://$E2E_TMP/dave.pem"
spawn put-policy iam put-user-policy --user-name alice --policy-name self-read --policy-document "file://$E2E_TMP/alice-policy.json"
reap
check "sts get-caller-identity (root)" \
  "$(field "$O/sts-root.json" 'd["Account"], d["Arn"], d["UserId"]')" \
  "('$A', 'arn:aws:iam::$A:root', '$A')"
ALICE_OLD="$(field "$O/key-alice-old.json" 'd["AccessKey"]["AccessKeyId"]')"
BOB_ID="$(field "$O/key-bob.json" 'd["AccessKey"]["AccessKeyId"]')"
BOB_SECRET="$(field "$O/key-bob.json" 'd["AccessKey"]["SecretAccessKey"]')"
DAVE_ID="$(field "$O/key-dave.json" 'd["AccessKey"]["AccessKeyId"]')"
DAVE_SECRET="$(field "$O/key-dave.json" 'd["AccessKey"]["SecretAccessKey"]')"
DAVE_CERT="$(field "$O/cert-dave.json" 'd["Certificate"]["CertificateId"]')"
SERIAL="$(field "$O/mfa-create.json" 'd["VirtualMFADevice"]["SerialNumber"]')"
check "virtual MFA serial number" "$SERIAL" "arn:aws:iam::$A:mfa/alice-phone"

# alice's MFA device, enabled with two consecutive TOTP codes computed here from the seed
# the CLI wrote (--outfile decodes the blob).
read -r CODE1 CODE2 MFA_N < <(python3 -c '
import base64, hashlib, hmac, struct, sys, time
text = open(sys.argv[1]).read().strip()
seed = base64.b32decode(text + "=" * (-len(text) % 8))
def code(counter):
    h = hmac.new(seed, struct.pack(">Q", counter), hashlib.sha1).digest()
    o = h[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)
now = time.time()
if now % 30 > 20:  # the CLI starts slowly; leave it 10 s before the server sees the next step
    time.sleep(30.2 - now % 30)
    now = time.time()
n = int(now // 30)
print(code(n - 1), code(n), n)
' "$E2E_TMP/seed.txt")
spawn mfa-enable iam enable-mfa-device --user-name alice --serial-number "$SERIAL" \
  --authentication-code1 "$CODE1" --authentication-code2 "$CODE2"
# alice's older key made Inactive, then a newer Active one (the report puts Active first).
spawn deactivate-alice-old iam update-access-key --user-name alice --access-key-id "$ALICE_OLD" --status Inactive
spawn key-alice iam create-access-key --user-name alice
spawn cert-dave-inactive iam update-signing-certificate --user-name dave --certificate-id "$DAVE_CERT" --status Inactive
reap
ALICE_ID="$(field "$O/key-alice.json" 'd["AccessKey"]["AccessKeyId"]')"
ALICE_SECRET="$(field "$O/key-alice.json" 'd["AccessKey"]["SecretAccessKey"]')"

# --- using the users' keys -----------------------------------------------------------------

# alice's first use (IAM, us-east-1: the CLI signs with the configured region).
use_begin
as "$ALICE_ID" "$ALICE_SECRET" iam get-user
use_end alice
if [[ $RC -eq 0 ]]; then
  check "get-user with alice's own key" "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["User"]["Arn"])')" "arn:aws:iam::$A:user/alice"
else
  e2e_not_ok "get-user with alice's own key" "exit $RC; stderr: $ERR"
fi
# A later STS call in the same 15-minute window does not replace the recorded use.
as "$ALICE_ID" "$ALICE_SECRET" sts get-caller-identity
check "sts get-caller-identity with alice's key" "$RC $(printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["Arn"], d["Account"])' 2>/dev/null)" "0 arn:aws:iam::$A:user/alice $A"
as "$ALICE_ID" "$ALICE_SECRET" iam get-user --user-name bob
expect_failure "alice reading bob" AccessDenied "arn:aws:iam::$A:user/alice" "iam:GetUser" "arn:aws:iam::$A:user/bob"

# bob has a key and no policy; refused by policy, the call was still made with his key.
use_begin
as "$BOB_ID" "$BOB_SECRET" iam get-credential-report
use_end bob
expect_failure "bob without permission" AccessDenied "iam:GetCredentialReport" "arn:aws:iam::$A:user/bob"

# Failed authentication never counts as a use: these IAM calls with dave's key are refused,
# so the use the report shows for it must be the STS call that follows them.
as "$DAVE_ID" "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" iam get-user
expect_failure "a wrong secret" SignatureDoesNotMatch "signature"
as "AKIAIOSFODNN7EXAMPLE" "$DAVE_SECRET" iam get-user
expect_failure "an unknown access key" InvalidClientTokenId
AWS_ACCESS_KEY_ID="$DAVE_ID" AWS_SECRET_ACCESS_KEY="$DAVE_SECRET" skewed -1200 iam get-user
expect_failure "a clock 20 minutes slow" SignatureDoesNotMatch "Signature expired"
AWS_ACCESS_KEY_ID="$DAVE_ID" AWS_SECRET_ACCESS_KEY="$DAVE_SECRET" skewed 1200 iam get-user
expect_failure "a clock 20 minutes fast" SignatureDoesNotMatch "Signature not yet current"
use_begin
AWS_ACCESS_KEY_ID="$DAVE_ID" AWS_SECRET_ACCESS_KEY="$DAVE_SECRET" skewed -60 sts get-caller-identity
use_end dave
check "a clock one minute slow is accepted (sts get-caller-identity)" "$RC" "0"

# --- an MFA session, a permissions boundary, the policy simulator (issue 23) -----------------

# alice's next code (after the two that enabled the device; the server accepts one step of
# skew, and a code once).
MFA_CODE="$(python3 -c '
import base64, hashlib, hmac, struct, sys, time
text = open(sys.argv[1]).read().strip()
seed = base64.b32decode(text + "=" * (-len(text) % 8))
n = max(int(time.time() // 30), int(sys.argv[2]) + 1)
h = hmac.new(seed, struct.pack(">Q", n), hashlib.sha1).digest()
o = h[-1] & 0x0F
print("%06d" % ((struct.unpack(">I", h[o:o + 4])[0] & 0x7FFFFFFF) % 1000000))
' "$E2E_TMP/seed.txt" "$MFA_N")"
as "$ALICE_ID" "$ALICE_SECRET" sts get-session-token --serial-number "$SERIAL" --token-code "$MFA_CODE" --duration-seconds 900
check "sts get-session-token with alice's MFA code" "$RC" "0"
printf '%s\n' "$OUT" >"$O/session.json"
S_ID="$(field "$O/session.json" 'd["Credentials"]["AccessKeyId"]')"
S_SECRET="$(field "$O/session.json" 'd["Credentials"]["SecretAccessKey"]')"
S_TOKEN="$(field "$O/session.json" 'd["Credentials"]["SessionToken"]')"
check "the session's key is temporary (ASIA)" "${S_ID:0:4}" "ASIA"
RC=0
OUT="$(AWS_ACCESS_KEY_ID="$S_ID" AWS_SECRET_ACCESS_KEY="$S_SECRET" AWS_SESSION_TOKEN="$S_TOKEN" \
  aws sts get-caller-identity --endpoint-url "$E2E_ENDPOINT" --output text --query Arn 2>"$E2E_TMP/stderr")" || RC=$?
check "sts get-caller-identity with the MFA session" "$RC $OUT" "0 arn:aws:iam::$A:user/alice"
RC=0
OUT="$(AWS_ACCESS_KEY_ID="$S_ID" AWS_SECRET_ACCESS_KEY="$S_SECRET" AWS_SESSION_TOKEN="$S_TOKEN" \
  aws iam get-user --endpoint-url "$E2E_ENDPOINT" --output text --query User.UserName 2>"$E2E_TMP/stderr")" || RC=$?
check "iam get-user with the MFA session" "$RC $OUT" "0 alice"
as "$ALICE_ID" "$ALICE_SECRET" sts get-session-token --serial-number "$SERIAL" --token-code "$MFA_CODE"
expect_failure "the same MFA code again" AccessDenied

# dave under a permissions boundary (an AWS managed policy), shown and counted.
must boundary-dave iam put-user-permissions-boundary --user-name dave \
  --permissions-boundary arn:aws:iam::aws:policy/IAMReadOnlyAccess
must get-dave iam get-user --user-name dave
check "get-user shows dave's boundary" \
  "$(field "$O/get-dave.json" 'd["User"]["PermissionsBoundary"]')" \
  "{'PermissionsBoundaryType': 'Policy', 'PermissionsBoundaryArn': 'arn:aws:iam::aws:policy/IAMReadOnlyAccess'}"
must boundary-entities iam list-entities-for-policy --policy-arn arn:aws:iam::aws:policy/IAMReadOnlyAccess \
  --policy-usage-filter PermissionsBoundary
check "list-entities-for-policy --policy-usage-filter PermissionsBoundary" \
  "$(field "$O/boundary-entities.json" '[u["UserName"] for u in d["PolicyUsers"]]')" "['dave']"
must boundary-policy iam get-policy --policy-arn arn:aws:iam::aws:policy/IAMReadOnlyAccess
check "PermissionsBoundaryUsageCount" "$(field "$O/boundary-policy.json" 'd["Policy"]["PermissionsBoundaryUsageCount"]')" "1"

# The simulator: alice's own policy, and a custom one with a context entry.
must simulate-alice iam simulate-principal-policy --policy-source-arn "arn:aws:iam::$A:user/alice" \
  --action-names iam:GetUser iam:ListUsers --resource-arns "arn:aws:iam::$A:user/alice"
check "simulate-principal-policy: alice's decisions" \
  "$(field "$O/simulate-alice.json" '[(r["EvalActionName"], r["EvalDecision"]) for r in d["EvaluationResults"]]')" \
  "[('iam:GetUser', 'allowed'), ('iam:ListUsers', 'implicitDeny')]"
check "simulate-principal-policy: the statement that allowed" \
  "$(field "$O/simulate-alice.json" '[(m["SourcePolicyId"], m["SourcePolicyType"]) for m in d["EvaluationResults"][0]["MatchedStatements"]]')" \
  "[('self-read', 'user')]"
# A list parameter: the CLI splits a plain value on commas, so the policy goes in a JSON list.
cat >"$E2E_TMP/deny-ip.json" <<'EOF'
["{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"}, {\"Effect\": \"Deny\", \"Action\": \"s3:*\", \"Resource\": \"*\", \"Condition\": {\"IpAddress\": {\"aws:SourceIp\": \"203.0.113.0/24\"}}}]}"]
EOF
must simulate-custom iam simulate-custom-policy --policy-input-list "file://$E2E_TMP/deny-ip.json" \
  --action-names s3:GetObject --resource-arns arn:aws:s3:::bucket/key \
  --context-entries "ContextKeyName=aws:SourceIp,ContextKeyValues=203.0.113.9,ContextKeyType=ip"
check "simulate-custom-policy: the Deny on the source address" \
  "$(field "$O/simulate-custom.json" '(d["EvaluationResults"][0]["EvalDecision"], d["EvaluationResults"][0]["MatchedStatements"][0]["SourcePolicyId"])')" \
  "('explicitDeny', 'PolicyInputList.1')"
must boundary-dave-off iam delete-user-permissions-boundary --user-name dave

# --- the report ----------------------------------------------------------------------------

T_GEN="$(date +%s)"
must generate iam generate-credential-report
check "first generate: STARTED" "$(field "$O/generate.json" '(d.get("State"), d.get("Description"))')" \
  "('STARTED', 'No report exists. Starting a new report generation task')"
state=""
deadline=$(($(date +%s) + 30))
while (($(date +%s) < deadline)); do
  call iam generate-credential-report
  state="$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("State"))' 2>/dev/null || true)"
  [[ $RC -eq 0 && ( "$state" == "COMPLETE" || "$state" == "INPROGRESS" ) ]] || break
  [[ "$state" == "COMPLETE" ]] && break
  sleep 0.2
done
[[ $RC -eq 0 ]] || echo "generate-credential-report failed (exit $RC): $ERR" >&2
check "generate reaches COMPLETE" "$state" "COMPLETE"
printf '%s\n' "$OUT" >"$O/generate-complete.json"

must get-report iam get-credential-report
# The CLI never decodes blobs: Content is printed as base64.
RC=0
aws iam get-credential-report --endpoint-url "$E2E_ENDPOINT" --output text --query Content 2>"$E2E_TMP/stderr" |
  base64 --decode >"$E2E_TMP/report.csv" || RC=$?
check "get-credential-report --query Content | base64 --decode" "$RC" "0"
T_END="$(date +%s)"

# Every column of every row, from what the CLI returned when each thing was made.
checker_out="$(python3 - "$O" "$E2E_TMP/report.csv" "$A" "$T_GEN" "$T_END" <<'PY'
import base64, datetime, json, os, re, sys

out_dir, csv_path, account, t_gen, t_end = sys.argv[1:]
t_gen, t_end = int(t_gen), int(t_end)
passed = failed = 0

def ok(name):
    global passed
    passed += 1
    print(f"ok   - {name}")

def fail(name, detail):
    global failed
    failed += 1
    print(f"FAIL - {name}")
    for line in detail.splitlines():
        print(f"       {line}")

def load(name):
    with open(os.path.join(out_dir, name + ".json")) as f:
        return json.load(f)

WIRE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?Z$")

def instant(wire):
    """A wire timestamp as the CLI prints it (verbatim) -> datetime (whole seconds, UTC)."""
    m = WIRE.match(wire)
    if not m:
        raise ValueError(f"not an IAM wire timestamp: {wire!r}")
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    return datetime.datetime(y, mo, d, h, mi, s, tzinfo=datetime.timezone.utc)

def report_time(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S+00:00")

def rt(wire):
    return report_time(instant(wire))

HEADER = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
          "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
          "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
          "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
          "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
          "cert_1_last_rotated,cert_2_active,cert_2_last_rotated")
COLUMNS = HEADER.split(",")

NO_KEY = ["false", "N/A", "N/A", "N/A", "N/A"]
NO_CERT = ["false", "N/A"]

class UsedAt:
    """A report cell that must be a whole minute between the seconds kept around a use."""

    def __init__(self, name):
        b = load("use-" + name)
        self.lo, self.hi = b["before"] // 60 * 60, b["after"] // 60 * 60

    def __eq__(self, cell):
        m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):00\+00:00", cell)
        if not m:
            return False
        t = datetime.datetime(*(int(g) for g in m.groups()), tzinfo=datetime.timezone.utc).timestamp()
        return self.lo <= t <= self.hi

    def __repr__(self):
        lo = datetime.datetime.fromtimestamp(self.lo, datetime.timezone.utc)
        hi = datetime.datetime.fromtimestamp(self.hi, datetime.timezone.utc)
        return f"a whole minute from {report_time(lo)} to {report_time(hi)}"

def key_cells(create_out, use=None, service=None, active=True):
    """An occupied key slot: active, last_rotated (CreateDate), and the last use (or none)."""
    created = rt(create_out["AccessKeyMetadata"][0]["CreateDate"] if "AccessKeyMetadata" in create_out
                 else create_out["AccessKey"]["CreateDate"])
    used = [UsedAt(use), "us-east-1", service] if use else ["N/A", "N/A", "N/A"]
    return ["true" if active else "false", created] + used

def plus_days(wire, days):
    return report_time(instant(wire) + datetime.timedelta(days=days))

users = {n: load("user-" + n)["User"] for n in ("alice", "bob", "Carol", "dave")}
root_user = load("root-user")["User"]
root_keys = load("root-keys")
lp_alice = load("lp-alice")["LoginProfile"]["CreateDate"]
lp_dave = load("lp-dave")["LoginProfile"]["CreateDate"]

expected = [
    ["<root_account>", f"arn:aws:iam::{account}:root", rt(root_user["CreateDate"]),
     "not_supported", "no_information", "not_supported", "not_supported", "false",
     *key_cells(root_keys, "root", "iam"), *NO_KEY, *NO_CERT, *NO_CERT],
    ["alice", f"arn:aws:iam::{account}:user/alice", rt(users["alice"]["CreateDate"]),
     "true", "no_information", rt(lp_alice), plus_days(lp_alice, 90), "true",
     *key_cells(load("key-alice"), "alice", "iam"),
     *key_cells(load("key-alice-old"), active=False),
     "true", rt(load("cert-alice")["Certificate"]["UploadDate"]), *NO_CERT],
    ["bob", f"arn:aws:iam::{account}:user/bob", rt(users["bob"]["CreateDate"]),
     "false", "N/A", "N/A", "N/A", "false",
     *key_cells(load("key-bob"), "bob", "iam"), *NO_KEY, *NO_CERT, *NO_CERT],
    ["Carol", f"arn:aws:iam::{account}:user/Carol", rt(users["Carol"]["CreateDate"]),
     "false", "N/A", "N/A", "N/A", "false", *NO_KEY, *NO_KEY, *NO_CERT, *NO_CERT],
    ["dave", f"arn:aws:iam::{account}:user/eng/dave", rt(users["dave"]["CreateDate"]),
     "true", "no_information", rt(lp_dave), plus_days(lp_dave, 90), "false",
     # dave's refused calls (IAM) came first: his recorded use must be the accepted STS call.
     *key_cells(load("key-dave"), "dave", "sts"), *NO_KEY,
     "false", rt(load("cert-dave")["Certificate"]["UploadDate"]), *NO_CERT],
]

data = open(csv_path, "rb").read()
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    fail("report is UTF-8", str(e))
    text = data.decode("utf-8", "replace")

if "\r" in text or text.endswith("\n") or text.startswith("\ufeff"):
    fail("report bytes: LF only, no final newline, no BOM", repr(text[-40:]))
else:
    ok("report bytes: LF only, no final newline, no BOM")

lines = text.split("\n")
if lines[0] == HEADER:
    ok("report header: the 22 columns in AWS's order")
else:
    fail("report header", f"expected {HEADER}\nactual   {lines[0]}")

rows = [line.split(",") for line in lines[1:]]
names = [r[0] for r in rows]
want_names = [r[0] for r in expected]
if names == want_names:
    ok("report rows: root first, then users by name ignoring case: " + " ".join(names))
else:
    fail("report rows and their order", f"expected {want_names}\nactual   {names}")

for want in expected:
    got = next((r for r in rows if r and r[0] == want[0]), None)
    if got is None:
        fail(f"row {want[0]}", "missing")
        continue
    if len(got) != len(COLUMNS):
        fail(f"row {want[0]}", f"{len(got)} fields, expected {len(COLUMNS)}: {got}")
        continue
    diffs = [f"{c}: expected {w!r}, got {g!r}" for c, w, g in zip(COLUMNS, want, got) if w != g]
    if diffs:
        fail(f"row {want[0]}: every column", "\n".join(diffs))
    else:
        ok(f"row {want[0]}: all 22 columns")

report = load("get-report")
problems = []
if report.get("ReportFormat") != "text/csv":
    problems.append(f"ReportFormat {report.get('ReportFormat')!r}")
try:
    generated = instant(report["GeneratedTime"])
    if not (t_gen <= generated.timestamp() <= t_end):
        problems.append(f"GeneratedTime {report['GeneratedTime']} outside [{t_gen}, {t_end}]")
except (KeyError, ValueError) as e:
    problems.append(f"GeneratedTime: {e}")
try:
    if base64.b64decode(report["Content"], validate=True) != data:
        problems.append("Content (JSON output) differs from the --query Content | base64 --decode bytes")
except Exception as e:  # noqa: BLE001 - any decoding problem is a failure
    problems.append(f"Content is not base64: {e}")
if problems:
    fail("get-credential-report envelope", "\n".join(problems))
else:
    ok(f"get-credential-report envelope: text/csv, GeneratedTime {report['GeneratedTime']}")

print(f"COUNTS {passed} {failed}")
PY
)" || true
while IFS= read -r line; do
  case "$line" in
    "COUNTS "*) read -r _ p f <<<"$line"; E2E_PASSED=$((E2E_PASSED + p)); E2E_FAILED=$((E2E_FAILED + f)) ;;
    "FAIL - "* | "       "*) echo "$line" >&2 ;;
    *) echo "$line" ;;
  esac
done <<<"$checker_out"
[[ "$checker_out" == *"COUNTS "* ]] || e2e_not_ok "report check ran" "$checker_out"

# credreport's own reader agrees it is a canonical current report.
RC=0
validate="$("${CREDREPORT_BIN:-${CARGO_TARGET_DIR:-$E2E_REPO/target}/debug/credreport}" report validate "$E2E_TMP/report.csv" 2>&1)" || RC=$?
check "credreport report validate" "$RC $validate" "0 $E2E_TMP/report.csv: valid current report (22 columns), 5 rows, root row present"

e2e_summary aws_cli
