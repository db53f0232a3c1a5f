#!/usr/bin/env python3
"""Every IAM call Prowler 5.x's IAM checks make, against `credreport serve` (issue 24).

Prowler's IAM service (prowler/providers/aws/services/iam/iam_service.py, Apache-2.0, read
from the 5.0.0 and 5.46.0 wheels on PyPI) gathers what its ~45 IAM checks read with these
calls, which are made here with Prowler's parameters, on an account that has something for
each to return. None may meet a 4xx other than the ones IAM answers such an account with:
NoSuchEntity (a user without a console password, an account without a password policy)
and, for ListOrganizationsFeatures, OrganizationNotFoundException (an account outside an
organization; Prowler logs it as a warning). Installing Prowler itself pulls the Azure, GCP
and Kubernetes SDKs; its calls are what matters to the endpoint.

Usage: CREDREPORT_BIN=target/debug/credreport python3 tests/e2e/prowler_iam_calls.py
Ends with "prowler-iam-calls: N passed, M failed"; exits 1 on any failure.
"""

import json
import time

from harness import run  # isolates botocore first

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

LABEL = "prowler-iam-calls"
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})

# The calls (as Prowler 5.46.0's IAM service makes them) whose answer may be one of these
# codes for this account, and why.
EXPECTED = {
    "get_login_profile": {"NoSuchEntity"},  # a user without a console password
    "get_account_password_policy": {"NoSuchEntity"},  # set later; first asked without one
    "list_organizations_features": {"OrganizationNotFoundException"},  # not in an organization
}


def doc(actions):
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]})


def scenario(c, server):
    account = server.creds["AccountId"]
    session = boto3.session.Session(aws_access_key_id=server.creds["AccessKeyId"],
                                    aws_secret_access_key=server.creds["SecretAccessKey"],
                                    region_name="us-east-1")
    iam = session.client("iam", endpoint_url=server.endpoint, config=NO_RETRIES)

    def call(name, method, **kwargs):
        """One of Prowler's calls: an answer, or a code this account may get."""
        try:
            answer = getattr(iam, method)(**kwargs)
        except ClientError as e:
            code = e.response["Error"]["Code"]
            status = e.response["ResponseMetadata"]["HTTPStatusCode"]
            c.true(f"{name}: {code} is what IAM answers here", code in EXPECTED.get(method, set()),
                   f"HTTP {status} {code}: {e.response['Error'].get('Message')}")
            return None
        c.ok(name)
        return answer

    def pages(name, operation, key, **kwargs):
        items = []
        try:
            for page in iam.get_paginator(operation).paginate(**kwargs):
                items += page[key]
        except ClientError as e:
            c.fail(f"{name}: paginator", f"{e.response['Error']['Code']}: {e.response['Error'].get('Message')}")
            return items
        c.ok(f"{name}: paginator")
        return items

    # An account with something for every call to return.
    policy_arn = iam.create_policy(PolicyName="ReadReports", PolicyDocument=doc("iam:GetCredentialReport"),
                                   Tags=[{"Key": "team", "Value": "sec"}])["Policy"]["Arn"]
    for user in ("alice", "bob"):
        iam.create_user(UserName=user, Tags=[{"Key": "team", "Value": "sec"}])
        iam.create_access_key(UserName=user)
    iam.create_login_profile(UserName="alice", Password="Alice-Password-1")
    iam.put_user_policy(UserName="alice", PolicyName="own", PolicyDocument=doc("iam:List*"))
    iam.attach_user_policy(UserName="alice", PolicyArn="arn:aws:iam::aws:policy/SecurityAudit")
    iam.create_group(GroupName="ops")
    iam.add_user_to_group(GroupName="ops", UserName="bob")
    iam.put_group_policy(GroupName="ops", PolicyName="own", PolicyDocument=doc("iam:Get*"))
    iam.attach_group_policy(GroupName="ops", PolicyArn=policy_arn)
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}]})
    iam.create_role(RoleName="auditor", AssumeRolePolicyDocument=trust, Tags=[{"Key": "team", "Value": "sec"}])
    iam.put_role_policy(RoleName="auditor", PolicyName="own", PolicyDocument=doc("iam:Get*"))
    iam.attach_role_policy(RoleName="auditor", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
    iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone")
    c.ok("the account is set up")

    # _get_roles, _get_users, _get_groups, _get_group_users (Prowler's paginators).
    roles = pages("list_roles", "list_roles", "Roles")
    for role in roles:
        call(f"get_role {role['RoleName']}", "get_role", RoleName=role["RoleName"])
    users = pages("list_users", "list_users", "Users")
    groups = pages("list_groups", "list_groups", "Groups")
    for group in groups:
        pages(f"get_group {group['GroupName']}", "get_group", "Users", GroupName=group["GroupName"])
    # _get_credential_report: generate until COMPLETE, then get.
    for _ in range(100):
        state = call("generate_credential_report", "generate_credential_report")
        if state is None or state["State"] == "COMPLETE":
            break
        time.sleep(0.1)
    call("get_credential_report", "get_credential_report")
    call("get_account_summary", "get_account_summary")
    call("get_account_password_policy (none yet)", "get_account_password_policy")
    iam.update_account_password_policy(MinimumPasswordLength=14)
    call("get_account_password_policy", "get_account_password_policy")
    call("list_virtual_mfa_devices", "list_virtual_mfa_devices")
    pages("list_virtual_mfa_devices", "list_virtual_mfa_devices", "VirtualMFADevices")
    for user in users:
        name = user["UserName"]
        call(f"get_login_profile {name}", "get_login_profile", UserName=name)
        pages(f"list_mfa_devices {name}", "list_mfa_devices", "MFADevices", UserName=name)
        pages(f"list_attached_user_policies {name}", "list_attached_user_policies", "AttachedPolicies", UserName=name)
        for policy in pages(f"list_user_policies {name}", "list_user_policies", "PolicyNames", UserName=name):
            call(f"get_user_policy {name}/{policy}", "get_user_policy", UserName=name, PolicyName=policy)
        pages(f"list_access_keys {name}", "list_access_keys", "AccessKeyMetadata", UserName=name)
        call(f"list_service_specific_credentials {name}", "list_service_specific_credentials", UserName=name)
        call(f"list_user_tags {name}", "list_user_tags", UserName=name)
        # _get_last_accessed_services: generate, then get while IN_PROGRESS.
        job = call(f"generate_service_last_accessed_details {name}", "generate_service_last_accessed_details",
                   Arn=user["Arn"])
        if job:
            for _ in range(50):
                got = call(f"get_service_last_accessed_details {name}", "get_service_last_accessed_details",
                           JobId=job["JobId"])
                if got is None or got["JobStatus"] != "IN_PROGRESS":
                    break
                time.sleep(0.1)
    for group in groups:
        name = group["GroupName"]
        pages(f"list_attached_group_policies {name}", "list_attached_group_policies", "AttachedPolicies", GroupName=name)
        for policy in pages(f"list_group_policies {name}", "list_group_policies", "PolicyNames", GroupName=name):
            call(f"get_group_policy {name}/{policy}", "get_group_policy", GroupName=name, PolicyName=policy)
    for role in roles:
        name = role["RoleName"]
        pages(f"list_attached_role_policies {name}", "list_attached_role_policies", "AttachedPolicies", RoleName=name)
        for policy in pages(f"list_role_policies {name}", "list_role_policies", "PolicyNames", RoleName=name):
            call(f"get_role_policy {name}/{policy}", "get_role_policy", RoleName=name, PolicyName=policy)
        call(f"list_role_tags {name}", "list_role_tags", RoleName=name)
    # _list_entities_role_for_policy, _list_entities_for_policy.
    for arn in ("arn:aws:iam::aws:policy/AWSSupportAccess", "arn:aws:iam::aws:policy/SecurityAudit"):
        call(f"list_entities_for_policy {arn} (roles)", "list_entities_for_policy", PolicyArn=arn, EntityFilter="Role")
    pages("list_entities_for_policy AWSCloudShellFullAccess", "list_entities_for_policy", "PolicyRoles",
          PolicyArn="arn:aws:iam::aws:policy/AWSCloudShellFullAccess")
    # _list_policies("AWS" attached only, "Local"), _list_policies_version, list_policy_tags.
    policies = pages("list_policies AWS", "list_policies", "Policies", Scope="AWS", OnlyAttached=True)
    policies += pages("list_policies Local", "list_policies", "Policies", Scope="Local")
    for policy in policies:
        call(f"get_policy_version {policy['PolicyName']}", "get_policy_version", PolicyArn=policy["Arn"],
             VersionId=policy["DefaultVersionId"])
        if policy["Arn"].startswith(f"arn:aws:iam::{account}:"):
            call(f"list_policy_tags {policy['PolicyName']}", "list_policy_tags", PolicyArn=policy["Arn"])
    call("list_saml_providers", "list_saml_providers")
    call("list_server_certificates", "list_server_certificates")
    call("list_organizations_features", "list_organizations_features")


if __name__ == "__main__":
    raise SystemExit(run(LABEL, scenario))
