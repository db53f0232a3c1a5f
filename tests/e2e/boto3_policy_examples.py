#!/usr/bin/env python3
"""AWS's documented example policies decided two ways against `credreport serve` (issue 23):
real boto3 requests, with a long-term access key or with an MFA session from
GetSessionToken and a TOTP code, and SimulatePrincipalPolicy with the context those
credentials carry. Both must give the decision of the one table the Rust test shares
(tests/e2e/data/policy_examples.json; the policies are crates/policy/tests/data/aws-examples).

Usage: CREDREPORT_BIN=target/debug/credreport python3 tests/e2e/boto3_policy_examples.py
Ends with "boto3-policy-examples: N passed, M failed"; exits 1 on any failure.
"""

import json
import os

from harness import run, totp_code, totp_counter  # isolates botocore first

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

LABEL = "boto3-policy-examples"
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "crates", "policy", "tests", "data", "aws-examples")


def example(name):
    with open(os.path.join(EXAMPLES, name)) as f:
        return f.read()


def stem(name):
    return name[:-len(".json")]


def session(endpoint, key_id, secret, token=None):
    s = boto3.session.Session(aws_access_key_id=key_id, aws_secret_access_key=secret,
                              aws_session_token=token, region_name="us-east-1")
    return (s.client("iam", endpoint_url=endpoint, config=NO_RETRIES),
            s.client("sts", endpoint_url=endpoint, config=NO_RETRIES))


def call(iam, action, user):
    """The case's request; its decision as the answer shows it."""
    name = action.split(":", 1)[1]
    calls = {
        "GetUser": lambda: iam.get_user(UserName=user),
        "ListMFADevices": lambda: iam.list_mfa_devices(UserName=user),
        "ListAccessKeys": lambda: iam.list_access_keys(UserName=user),
        "CreateAccessKey": lambda: iam.create_access_key(UserName=user),
        "ListSigningCertificates": lambda: iam.list_signing_certificates(UserName=user),
        "ListUsers": lambda: iam.list_users(),
        "GetAccountPasswordPolicy": lambda: iam.get_account_password_policy(),
        "CreateUser": lambda: iam.create_user(UserName=user),
    }
    try:
        calls[name]()
    except ClientError as e:
        err = e.response.get("Error", {})
        if err.get("Code") != "AccessDenied":
            return "allowed"  # past authorization (NoSuchEntity, …)
        return "explicitDeny" if "with an explicit deny" in err.get("Message", "") else "implicitDeny"
    return "allowed"


def simulate(root_iam, account, case):
    entries = [("aws:username", "string", case["principal"]), ("aws:SourceIp", "ip", "127.0.0.1"),
               ("aws:ViaAWSService", "boolean", "false")]
    if case["credentials"] == "mfa":
        entries.append(("aws:MultiFactorAuthPresent", "boolean", "true"))
    args = {
        "PolicySourceArn": f"arn:aws:iam::{account}:user/{case['principal']}",
        "ActionNames": [case["action"]],
        "ContextEntries": [{"ContextKeyName": k, "ContextKeyType": t, "ContextKeyValues": [v]}
                           for k, t, v in entries],
    }
    if case["user"]:
        args["ResourceArns"] = [f"arn:aws:iam::{account}:user/{case['user']}"]
    return root_iam.simulate_principal_policy(**args)["EvaluationResults"][0]["EvalDecision"]


def scenario(c, server):
    with open(os.path.join(ROOT, "tests", "e2e", "data", "policy_examples.json")) as f:
        table = json.load(f)
    account = server.creds["AccountId"]
    iam, _ = session(server.endpoint, server.creds["AccessKeyId"], server.creds["SecretAccessKey"])
    c.must("create_user bob", iam.create_user, UserName="bob")
    creds = {}
    for name, holder in table["principals"].items():
        c.must(f"create_user {name}", iam.create_user, UserName=name)
        for file in holder["inline"]:
            iam.put_user_policy(UserName=name, PolicyName=stem(file), PolicyDocument=example(file))
        if holder["boundary"]:
            arn = f"arn:aws:iam::{account}:policy/{stem(holder['boundary'])}"
            try:
                iam.get_policy(PolicyArn=arn)
            except ClientError:
                iam.create_policy(PolicyName=stem(holder["boundary"]), PolicyDocument=example(holder["boundary"]))
            c.must(f"put_user_permissions_boundary {name}", iam.put_user_permissions_boundary,
                   UserName=name, PermissionsBoundary=arn)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        creds[(name, "key")] = (key["AccessKeyId"], key["SecretAccessKey"], None)

    # The MFA sessions: a virtual device enabled with two codes, then GetSessionToken with
    # the next one (a code is accepted once).
    for name in sorted({case["principal"] for case in table["cases"] if case["credentials"] == "mfa"}):
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{name}-phone")["VirtualMFADevice"]
        seed = device["Base32StringSeed"]
        n = totp_counter(margin=8)
        c.must(f"enable_mfa_device {name}", iam.enable_mfa_device, UserName=name,
               SerialNumber=device["SerialNumber"], AuthenticationCode1=totp_code(seed, n - 1),
               AuthenticationCode2=totp_code(seed, n))
        key_id, secret, _ = creds[(name, "key")]
        _, sts = session(server.endpoint, key_id, secret)
        got = c.must(f"get_session_token {name} with a TOTP code", sts.get_session_token,
                     SerialNumber=device["SerialNumber"], TokenCode=totp_code(seed, n + 1))["Credentials"]
        creds[(name, "mfa")] = (got["AccessKeyId"], got["SecretAccessKey"], got["SessionToken"])
        c.raises(f"the same code again ({name})", "AccessDenied", sts.get_session_token,
                 SerialNumber=device["SerialNumber"], TokenCode=totp_code(seed, n + 1))

    for case in table["cases"]:
        what = f"{case['principal']} ({case['credentials']}) {case['action']} on {case['user'] or '*'}"
        key_id, secret, token = creds[(case["principal"], case["credentials"])]
        user_iam, _ = session(server.endpoint, key_id, secret, token)
        c.eq(f"{what}: requested", call(user_iam, case["action"], case["user"]), case["decision"])
        c.eq(f"{what}: simulated", simulate(iam, account, case), case["decision"])


if __name__ == "__main__":
    raise SystemExit(run(LABEL, scenario))
