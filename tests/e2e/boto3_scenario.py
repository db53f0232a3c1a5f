#!/usr/bin/env python3
"""End-to-end scenario with boto3 against `credreport serve`.

The same story as aws_cli.sh (an administrator sets up users with passwords, keys, an MFA
device, signing certificates and a password policy; users use their keys; the credential
report is generated and every column of every row is checked), plus what only an SDK shows:
the modeled exception classes and error codes, the decoded report bytes, datetimes, the
decoded policy document, the paginator, the waiter, and SigV4 refusals for skewed clocks
signed by botocore itself.

Usage: CREDREPORT_BIN=target/debug/credreport python3 tests/e2e/boto3_scenario.py
Needs: Python 3.8+, boto3, openssl. Prints one line per check and ends with
"boto3: N passed, M failed"; exits 1 on any failure.
"""

import datetime
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

from harness import run, totp_codes  # noqa: E402  (isolates botocore first)

import boto3  # noqa: E402
import botocore.auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

LABEL = "boto3"
REGION = "us-east-1"
UTC = datetime.timezone.utc
HEADER = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
          "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
          "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
          "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
          "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
          "cert_1_last_rotated,cert_2_active,cert_2_last_rotated")
COLUMNS = HEADER.split(",")
NO_KEY = ["false", "N/A", "N/A", "N/A", "N/A"]
NO_CERT = ["false", "N/A"]
NEVER = ["N/A", "N/A", "N/A"]


NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def clients(endpoint, key_id, secret):
    session = boto3.session.Session(aws_access_key_id=key_id, aws_secret_access_key=secret, region_name=REGION)
    iam = session.client("iam", endpoint_url=endpoint, config=NO_RETRIES)
    sts = session.client("sts", endpoint_url=endpoint, config=NO_RETRIES)
    return iam, sts


class SkewedClock:
    """Shifts the clock botocore's SigV4 signer reads (botocore.auth.get_current_datetime)."""

    def __init__(self, seconds):
        self.offset = datetime.timedelta(seconds=seconds)
        self.real = None

    def __enter__(self):
        self.real = botocore.auth.get_current_datetime
        real, offset = self.real, self.offset
        botocore.auth.get_current_datetime = lambda *a, **k: real(*a, **k) + offset
        return self

    def __exit__(self, *exc):
        botocore.auth.get_current_datetime = self.real


def signed_post(endpoint, key_id, secret, body, skew_seconds=0, service="iam"):
    """A Query request signed by botocore's SigV4Auth at now + skew, sent with urllib.
    Returns (status, body text)."""
    req = AWSRequest(method="POST", url=endpoint + "/", data=body.encode("utf-8"),
                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    with SkewedClock(skew_seconds):
        botocore.auth.SigV4Auth(Credentials(key_id, secret), service, REGION).add_auth(req)
    prepared = req.prepare()
    http_req = urllib.request.Request(prepared.url, data=prepared.body, method="POST",
                                      headers=dict(prepared.headers.items()))
    handlers = [urllib.request.ProxyHandler({})]
    if os.environ.get("AWS_CA_BUNDLE"):
        import ssl
        handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=os.environ["AWS_CA_BUNDLE"])))
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(http_req, timeout=10) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def xml_text(body, element):
    m = re.search(rf"<{element}>(.*?)</{element}>", body, re.S)
    return m.group(1) if m else None


def rt(t):
    """A datetime from botocore -> the report's timestamp form (whole seconds, +00:00)."""
    if not isinstance(t, datetime.datetime) or t.tzinfo is None:
        raise ValueError(f"expected an aware datetime, got {t!r}")
    return t.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def make_certificate(tmp, name):
    key, pem = os.path.join(tmp, name + ".key"), os.path.join(tmp, name + ".pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", f"/CN=e2e-{name}", "-keyout", key, "-out", pem],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(pem) as f:
        return f.read()


# --- the scenario ----------------------------------------------------------------------------

def scenario(c, server):
    t0 = int(time.time())
    endpoint = server.endpoint
    account = server.creds["AccountId"]
    root_key_id = server.creds["AccessKeyId"]
    iam, sts = clients(endpoint, root_key_id, server.creds["SecretAccessKey"])
    E = iam.exceptions
    arn = lambda name, path="/": f"arn:aws:iam::{account}:user{path}{name}"  # noqa: E731

    # Before any report. This is also the root key's first use (IAM, us-east-1).
    e = c.raises("get_credential_report before any generate", "ReportNotPresent", iam.get_credential_report,
                 status=410, exception=E.CredentialReportNotPresentException)
    if e is not None:
        c.eq("ReportNotPresent carries no Message (as IAM sends it)", e.response["Error"].get("Message", ""), "")

    ident = c.must("sts get_caller_identity (root)", sts.get_caller_identity)
    c.eq("root identity", (ident["Account"], ident["Arn"], ident["UserId"]), (account, f"arn:aws:iam::{account}:root", account))
    root_user = c.must("get_user (root)", iam.get_user)["User"]
    c.eq("get_user as root: the root ARN", root_user["Arn"], f"arn:aws:iam::{account}:root")
    root_keys = c.must("list_access_keys (root)", iam.list_access_keys)["AccessKeyMetadata"]
    c.eq("the root has its one access key", [(k["AccessKeyId"], k["Status"]) for k in root_keys], [(root_key_id, "Active")])

    # Password policy.
    c.must("update_account_password_policy", iam.update_account_password_policy,
           MinimumPasswordLength=12, RequireSymbols=True, RequireNumbers=True, RequireUppercaseCharacters=True,
           RequireLowercaseCharacters=True, AllowUsersToChangePassword=True, MaxPasswordAge=90,
           PasswordReusePrevention=3)
    policy = c.must("get_account_password_policy", iam.get_account_password_policy)["PasswordPolicy"]
    c.eq("password policy as set", policy, {
        "MinimumPasswordLength": 12, "RequireSymbols": True, "RequireNumbers": True,
        "RequireUppercaseCharacters": True, "RequireLowercaseCharacters": True,
        "AllowUsersToChangePassword": True, "ExpirePasswords": True, "MaxPasswordAge": 90,
        "PasswordReusePrevention": 3})

    # Users. Case-insensitive order (the report's and ListUsers') differs from byte order.
    users = {}
    for name, path in (("alice", "/"), ("bob", "/"), ("Carol", "/"), ("dave", "/eng/")):
        users[name] = c.must(f"create_user {name}", iam.create_user, UserName=name, Path=path)["User"]
    c.eq("create_user: CreateDate is an aware datetime", users["alice"]["CreateDate"].tzinfo is not None, True)
    c.eq("create_user with a path: the ARN has it", users["dave"]["Arn"], arn("dave", "/eng/"))
    c.raises("create_user twice", "EntityAlreadyExists", iam.create_user, UserName="alice", status=409,
             exception=E.EntityAlreadyExistsException)
    c.raises("create_user differing only in case", "EntityAlreadyExists", iam.create_user, UserName="ALICE",
             exception=E.EntityAlreadyExistsException)
    c.raises("get_user of nobody", "NoSuchEntity", iam.get_user, UserName="nobody", status=404,
             exception=E.NoSuchEntityException)
    c.must("waiter user_exists", iam.get_waiter("user_exists").wait, UserName="alice",
           WaiterConfig={"Delay": 1, "MaxAttempts": 2})

    # Paginator: MaxItems=2 per page.
    pages = c.must("list_users paginator, PageSize 2", lambda: list(
        iam.get_paginator("list_users").paginate(PaginationConfig={"PageSize": 2})))
    c.eq("list_users pages, by name ignoring case",
         [[u["UserName"] for u in p["Users"]] for p in pages], [["alice", "bob"], ["Carol", "dave"]])
    c.eq("list_users: IsTruncated then not", [p["IsTruncated"] for p in pages], [True, False])
    first = iam.get_paginator("list_users").paginate(PaginationConfig={"MaxItems": 2}).build_full_result()
    c.true("paginator MaxItems 2: two users and a NextToken",
           [u["UserName"] for u in first["Users"]] == ["alice", "bob"] and first.get("NextToken"), first)
    if first.get("NextToken"):
        rest = iam.get_paginator("list_users").paginate(
            PaginationConfig={"StartingToken": first["NextToken"]}).build_full_result()
        c.eq("paginator resumes from the NextToken", [u["UserName"] for u in rest["Users"]], ["Carol", "dave"])

    # Passwords.
    c.raises("a password the policy refuses", "PasswordPolicyViolation", iam.create_login_profile,
             UserName="alice", Password="short", exception=E.PasswordPolicyViolationException)
    lp_alice = c.must("create_login_profile alice", iam.create_login_profile,
                      UserName="alice", Password="Alice-Passw0rd!2026")["LoginProfile"]
    c.must("create_login_profile dave", iam.create_login_profile,
           UserName="dave", Password="Dave-Passw0rd!2026", PasswordResetRequired=True)
    c.raises("get_login_profile of a user without a password", "NoSuchEntity", iam.get_login_profile,
             UserName="bob", exception=E.NoSuchEntityException)

    # Keys: alice's older key made Inactive, a newer Active one; the third is over the quota.
    alice_old = c.must("create_access_key alice (old)", iam.create_access_key, UserName="alice")["AccessKey"]
    c.must("update_access_key alice (old) Inactive", iam.update_access_key, UserName="alice",
           AccessKeyId=alice_old["AccessKeyId"], Status="Inactive")
    alice_key = c.must("create_access_key alice", iam.create_access_key, UserName="alice")["AccessKey"]
    c.raises("a third access key", "LimitExceeded", iam.create_access_key, UserName="alice", status=409,
             exception=E.LimitExceededException)
    bob_key = c.must("create_access_key bob", iam.create_access_key, UserName="bob")["AccessKey"]
    dave_key = c.must("create_access_key dave", iam.create_access_key, UserName="dave")["AccessKey"]

    # alice's virtual MFA device, enabled with real TOTP codes.
    device = c.must("create_virtual_mfa_device", iam.create_virtual_mfa_device,
                    VirtualMFADeviceName="alice-phone")["VirtualMFADevice"]
    serial = device["SerialNumber"]
    c.eq("MFA serial number", serial, f"arn:aws:iam::{account}:mfa/alice-phone")
    seed = device["Base32StringSeed"]
    c.true("Base32StringSeed: bytes of base32 text (boto3 decodes the blob)",
           isinstance(seed, bytes) and re.fullmatch(rb"[A-Z2-7]+=*", seed), repr(seed)[:80])
    c.true("QRCodePNG: a PNG", device["QRCodePNG"][:8] == b"\x89PNG\r\n\x1a\n", repr(device["QRCodePNG"][:8]))
    c.raises("enable_mfa_device with wrong codes", "InvalidAuthenticationCode", iam.enable_mfa_device,
             UserName="alice", SerialNumber=serial, AuthenticationCode1="000000", AuthenticationCode2="000000",
             exception=E.InvalidAuthenticationCodeException)
    code1, code2 = totp_codes(seed)
    c.must("enable_mfa_device", iam.enable_mfa_device, UserName="alice", SerialNumber=serial,
           AuthenticationCode1=code1, AuthenticationCode2=code2)
    c.eq("list_mfa_devices alice", [d["SerialNumber"] for d in iam.list_mfa_devices(UserName="alice")["MFADevices"]], [serial])
    assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    c.eq("list_virtual_mfa_devices Assigned: alice's", [(d["SerialNumber"], d.get("User", {}).get("UserName")) for d in assigned],
         [(serial, "alice")])

    # Signing certificates made by openssl.
    pem_alice = make_certificate(server.tmp, "alice")
    pem_dave = make_certificate(server.tmp, "dave")
    cert_alice = c.must("upload_signing_certificate alice", iam.upload_signing_certificate,
                        UserName="alice", CertificateBody=pem_alice)["Certificate"]
    cert_dave = c.must("upload_signing_certificate dave", iam.upload_signing_certificate,
                       UserName="dave", CertificateBody=pem_dave)["Certificate"]
    c.must("update_signing_certificate dave Inactive", iam.update_signing_certificate, UserName="dave",
           CertificateId=cert_dave["CertificateId"], Status="Inactive")
    c.raises("a certificate that is not one", "MalformedCertificate", iam.upload_signing_certificate,
             UserName="bob", CertificateBody="-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n",
             exception=E.MalformedCertificateException)

    # alice's inline policy; botocore url-decodes and json-decodes the document.
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:GetUser", "Resource": arn("alice")}]}
    c.must("put_user_policy alice", iam.put_user_policy, UserName="alice", PolicyName="self-read",
           PolicyDocument=json.dumps(document))
    got = c.must("get_user_policy alice", iam.get_user_policy, UserName="alice", PolicyName="self-read")
    c.eq("get_user_policy: the document comes back as a dict", got["PolicyDocument"], document)
    c.raises("get_user_policy of a missing policy", "NoSuchEntity", iam.get_user_policy,
             UserName="alice", PolicyName="nope", exception=E.NoSuchEntityException)
    c.raises("delete_user with a password, keys, MFA, a certificate, a policy", "DeleteConflict",
             iam.delete_user, UserName="alice", status=409, exception=E.DeleteConflictException)

    # A user created and deleted again is not in the report.
    c.must("create_user erin", iam.create_user, UserName="erin")
    erin_key = c.must("create_access_key erin", iam.create_access_key, UserName="erin")["AccessKey"]
    c.raises("delete_user erin with a key", "DeleteConflict", iam.delete_user, UserName="erin")
    c.must("delete_access_key erin", iam.delete_access_key, UserName="erin", AccessKeyId=erin_key["AccessKeyId"])
    c.must("delete_user erin", iam.delete_user, UserName="erin")
    c.raises("erin's deleted key", "InvalidClientTokenId",
             clients(endpoint, erin_key["AccessKeyId"], erin_key["SecretAccessKey"])[0].get_user, status=403)

    # --- the users' keys ---------------------------------------------------------------------

    alice_iam, alice_sts = clients(endpoint, alice_key["AccessKeyId"], alice_key["SecretAccessKey"])
    me = c.must("get_user with alice's own key", alice_iam.get_user)["User"]
    c.eq("alice is herself", me["Arn"], arn("alice"))
    # A later STS call in the same 15-minute window does not replace the recorded use.
    c.eq("sts get_caller_identity with alice's key", c.must("alice sts", alice_sts.get_caller_identity)["Arn"], arn("alice"))
    c.raises("alice reading bob", "AccessDenied", alice_iam.get_user, UserName="bob", status=403,
             contains=(arn("alice"), "iam:GetUser", arn("bob")))
    c.raises("alice's Inactive key", "InvalidClientTokenId",
             clients(endpoint, alice_old["AccessKeyId"], alice_old["SecretAccessKey"])[0].get_user, status=403)
    c.raises("an unknown access key", "InvalidClientTokenId",
             clients(endpoint, "AKIAIOSFODNN7EXAMPLE", "x" * 40)[0].get_user, status=403,
             contains=("The security token included in the request is invalid",))

    # bob: refused authentications first (none may count as a use), then an STS call.
    bob_iam, bob_sts = clients(endpoint, bob_key["AccessKeyId"], bob_key["SecretAccessKey"])
    c.raises("a wrong secret", "SignatureDoesNotMatch",
             clients(endpoint, bob_key["AccessKeyId"], "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")[0].get_user,
             status=403, contains=("signature we calculated does not match",))
    with SkewedClock(-20 * 60):
        c.raises("boto3 with a clock 20 minutes slow", "SignatureDoesNotMatch", bob_iam.get_user,
                 status=403, contains=("Signature expired",))
    with SkewedClock(20 * 60):
        c.raises("boto3 with a clock 20 minutes fast", "SignatureDoesNotMatch", bob_iam.get_user,
                 status=403, contains=("Signature not yet current",))
    body = "Action=GetUser&Version=2010-05-08"
    status, text = signed_post(endpoint, bob_key["AccessKeyId"], bob_key["SecretAccessKey"], body, skew_seconds=-20 * 60)
    c.true("SigV4Auth-signed request 20 minutes old: 403 SignatureDoesNotMatch, Signature expired",
           status == 403 and xml_text(text, "Code") == "SignatureDoesNotMatch"
           and "Signature expired" in (xml_text(text, "Message") or ""), f"{status} {text}")
    status, text = signed_post(endpoint, bob_key["AccessKeyId"], bob_key["SecretAccessKey"], body, skew_seconds=21 * 60)
    c.true("SigV4Auth-signed request 21 minutes ahead: 403 SignatureDoesNotMatch, not yet current",
           status == 403 and xml_text(text, "Code") == "SignatureDoesNotMatch"
           and "Signature not yet current" in (xml_text(text, "Message") or ""), f"{status} {text}")
    with SkewedClock(-5 * 60):
        ident = c.must("sts get_caller_identity with bob's key, clock 5 minutes slow", bob_sts.get_caller_identity)
    c.eq("bob is himself", (ident["Arn"], ident["UserId"]), (arn("bob"), users["bob"]["UserId"]))
    c.raises("bob without permission", "AccessDenied", bob_iam.get_credential_report, status=403,
             contains=("iam:GetCredentialReport", arn("bob")))

    # dave changes his own password (the policy allows it); it must honour reuse prevention.
    dave_iam, _ = clients(endpoint, dave_key["AccessKeyId"], dave_key["SecretAccessKey"])
    c.raises("change_password to the same password", "PasswordPolicyViolation", dave_iam.change_password,
             OldPassword="Dave-Passw0rd!2026", NewPassword="Dave-Passw0rd!2026",
             exception=dave_iam.exceptions.PasswordPolicyViolationException)
    t_change0 = time.time()
    c.must("change_password dave", dave_iam.change_password, OldPassword="Dave-Passw0rd!2026",
           NewPassword="Dave-N3w-Passw0rd!")
    t_change1 = time.time()
    lp_dave = c.must("get_login_profile dave", iam.get_login_profile, UserName="dave")["LoginProfile"]
    c.eq("change_password cleared PasswordResetRequired", lp_dave["PasswordResetRequired"], False)

    summary = c.must("get_account_summary", iam.get_account_summary)["SummaryMap"]
    want = {"Users": 4, "MFADevices": 1, "MFADevicesInUse": 1, "AccountAccessKeysPresent": 1,
            "AccessKeysPerUserQuota": 2, "SigningCertificatesPerUserQuota": 2}
    c.eq("get_account_summary values", {k: summary.get(k) for k in want}, want)

    last_used = {}
    for who, key_id in (("root", root_key_id), ("alice", alice_key["AccessKeyId"]),
                        ("alice-old", alice_old["AccessKeyId"]), ("bob", bob_key["AccessKeyId"]),
                        ("dave", dave_key["AccessKeyId"])):
        r = c.must(f"get_access_key_last_used {who}", iam.get_access_key_last_used, AccessKeyId=key_id)
        last_used[who] = r["AccessKeyLastUsed"]
    t_gen = time.time()

    def used(who, service):
        """The report cells of a used key, as GetAccessKeyLastUsed states them; checked sane."""
        lu = last_used[who]
        t = lu.get("LastUsedDate")
        ok = (isinstance(t, datetime.datetime) and t.second == 0 and t.microsecond == 0
              and t0 // 60 * 60 <= t.timestamp() <= t_gen and lu.get("Region") == REGION
              and lu.get("ServiceName") == service)
        c.true(f"get_access_key_last_used {who}: minute precision, in the run, {REGION}/{service}", ok, lu)
        return [rt(t), lu.get("Region"), lu.get("ServiceName")] if isinstance(t, datetime.datetime) else ["?"] * 3

    root_used = used("root", "iam")
    alice_used = used("alice", "iam")
    bob_used = used("bob", "sts")
    dave_used = used("dave", "iam")
    c.eq("get_access_key_last_used alice (old, Inactive): never used", last_used["alice-old"],
         {"ServiceName": "N/A", "Region": "N/A"})

    # --- the report ----------------------------------------------------------------------------

    gen = c.must("generate_credential_report", iam.generate_credential_report)
    c.eq("first generate: STARTED", (gen.get("State"), gen.get("Description")),
         ("STARTED", "No report exists. Starting a new report generation task"))
    # Right after STARTED the build may or may not have finished: either answer is right,
    # but ReportInProgress must then be the modeled 404.
    try:
        iam.get_credential_report()
        c.ok("get_credential_report right after STARTED: the report (the build was quicker)")
    except ClientError as e:
        c.true("get_credential_report right after STARTED: ReportInProgress, 404, modeled class",
               e.response["Error"]["Code"] == "ReportInProgress"
               and e.response["ResponseMetadata"]["HTTPStatusCode"] == 404
               and isinstance(e, E.CredentialReportNotReadyException), e.response)
    state, deadline = gen.get("State"), time.monotonic() + 30
    while time.monotonic() < deadline:
        state = iam.generate_credential_report().get("State")
        if state != "INPROGRESS":
            break
        time.sleep(0.2)
    c.eq("generate reaches COMPLETE", state, "COMPLETE")
    report = c.must("get_credential_report", iam.get_credential_report)
    t_end = time.time()
    content = report["Content"]
    c.true("Content is bytes (boto3 decodes the blob)", isinstance(content, bytes), type(content))
    c.eq("ReportFormat", report.get("ReportFormat"), "text/csv")
    g = report.get("GeneratedTime")
    c.true("GeneratedTime: an aware datetime within the run",
           isinstance(g, datetime.datetime) and g.tzinfo is not None and int(t_gen) <= g.timestamp() <= t_end, g)

    pw_changed = next((r for r in csv_rows(content) if r and r[0] == "dave"), [""] * 22)[5]
    try:
        changed = datetime.datetime.strptime(pw_changed, "%Y-%m-%dT%H:%M:%S+00:00").replace(tzinfo=UTC)
        in_window = int(t_change0) <= changed.timestamp() <= t_change1
    except ValueError:
        changed, in_window = None, False
    c.true("dave: password_last_changed is when he changed it", in_window, f"{pw_changed} not in [{t_change0}, {t_change1}]")
    dave_changed = rt(changed) if changed else "?"
    dave_next = rt(changed + datetime.timedelta(days=90)) if changed else "?"

    lp_created = lp_alice["CreateDate"]
    expected = [
        ["<root_account>", f"arn:aws:iam::{account}:root", rt(root_user["CreateDate"]),
         "not_supported", "no_information", "not_supported", "not_supported", "false",
         "true", rt(root_keys[0]["CreateDate"]), *root_used, *NO_KEY, *NO_CERT, *NO_CERT],
        ["alice", arn("alice"), rt(users["alice"]["CreateDate"]),
         "true", "no_information", rt(lp_created), rt(lp_created + datetime.timedelta(days=90)), "true",
         "true", rt(alice_key["CreateDate"]), *alice_used,
         "false", rt(alice_old["CreateDate"]), *NEVER,
         "true", rt(cert_alice["UploadDate"]), *NO_CERT],
        ["bob", arn("bob"), rt(users["bob"]["CreateDate"]),
         "false", "N/A", "N/A", "N/A", "false",
         "true", rt(bob_key["CreateDate"]), *bob_used, *NO_KEY, *NO_CERT, *NO_CERT],
        ["Carol", arn("Carol"), rt(users["Carol"]["CreateDate"]),
         "false", "N/A", "N/A", "N/A", "false", *NO_KEY, *NO_KEY, *NO_CERT, *NO_CERT],
        ["dave", arn("dave", "/eng/"), rt(users["dave"]["CreateDate"]),
         "true", "no_information", dave_changed, dave_next, "false",
         "true", rt(dave_key["CreateDate"]), *dave_used, *NO_KEY,
         "false", rt(cert_dave["UploadDate"]), *NO_CERT],
    ]
    check_report(c, content, expected)

    # The report is a snapshot: later changes wait for the next generation after 4 hours.
    c.must("create_user frank", iam.create_user, UserName="frank")
    again = c.must("generate_credential_report again", iam.generate_credential_report)
    c.eq("generate within 4 hours: COMPLETE, no Description", (again.get("State"), again.get("Description")), ("COMPLETE", None))
    c.eq("the stored report is unchanged (frank is not in it)", iam.get_credential_report()["Content"], content)


def csv_rows(content):
    return [line.split(",") for line in content.decode("utf-8", "replace").split("\n")[1:]]


def check_report(c, content, expected):
    text = content.decode("utf-8", "replace")
    c.true("report bytes: UTF-8, LF only, no final newline, no BOM",
           "\r" not in text and not text.endswith("\n") and not text.startswith("\ufeff"), repr(text[-40:]))
    lines = text.split("\n")
    c.eq("report header: the 22 columns in AWS's order", lines[0], HEADER)
    rows = [line.split(",") for line in lines[1:]]
    c.eq("report rows: root first, then users by name ignoring case", [r[0] for r in rows], [r[0] for r in expected])
    for want in expected:
        got = next((r for r in rows if r and r[0] == want[0]), None)
        if got is None:
            c.fail(f"row {want[0]}", "missing")
        elif len(got) != len(COLUMNS):
            c.fail(f"row {want[0]}", f"{len(got)} fields: {got}")
        else:
            diffs = [f"{col}: expected {w!r}, got {g!r}" for col, w, g in zip(COLUMNS, want, got) if w != g]
            c.true(f"row {want[0]}: all 22 columns", not diffs, "\n".join(diffs))


def main():
    return run(LABEL, scenario)


if __name__ == "__main__":
    sys.exit(main())
