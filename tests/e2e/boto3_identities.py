#!/usr/bin/env python3
"""boto3 against `credreport serve`: groups, managed policies (customer and AWS managed),
their versions and attachments, tags, account aliases and the provider lists (issue 18),
SSH public keys made by ssh-keygen (issue 27), each with its error paths as IAM answers
them, and the paginators auditors use.

Usage: CREDREPORT_BIN=target/debug/credreport python3 tests/e2e/boto3_identities.py
Ends with "boto3-identities: N passed, M failed"; exits 1 on any failure.
"""

import json
import tempfile

from harness import run, ssh_keygen  # isolates botocore first

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

LABEL = "boto3-identities"
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def doc(effect, action, resource="*"):
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": effect, "Action": action, "Resource": resource}]})


def ssh_public_keys(c, iam):
    """SSH public keys (issue 27): keys ssh-keygen makes now, uploaded in both encodings,
    read back in both, listed in pages, refused as IAM refuses them, deleted."""
    E = iam.exceptions
    with tempfile.TemporaryDirectory(prefix="credreport-ssh-") as tmp:
        k1, k2 = ssh_keygen(tmp, "k1"), ssh_keygen(tmp, "k2", bits=3072)
        short, ed = ssh_keygen(tmp, "short", bits=1024), ssh_keygen(tmp, "ed", kind="ed25519")
    up = c.must("upload_ssh_public_key (OpenSSH)", iam.upload_ssh_public_key, UserName="alice",
                SSHPublicKeyBody=k1["pub"])["SSHPublicKey"]
    kid = up["SSHPublicKeyId"]
    c.eq("the key: id, ssh-keygen's MD5 fingerprint, status, the body as uploaded",
         (kid[:4], len(kid), up["UserName"], up["Fingerprint"], up["Status"], up["SSHPublicKeyBody"]),
         ("APKA", 20, "alice", k1["md5"], "Active", k1["pub"].strip()))
    up2 = c.must("upload_ssh_public_key (PEM)", iam.upload_ssh_public_key, UserName="alice",
                 SSHPublicKeyBody=k2["pem"])["SSHPublicKey"]
    c.eq("a PEM key's fingerprint is its blob's", up2["Fingerprint"], k2["md5"])
    c.raises("the same key again", "DuplicateSSHPublicKey", iam.upload_ssh_public_key, UserName="alice",
             SSHPublicKeyBody=k1["pub"], status=400, exception=E.DuplicateSSHPublicKeyException)
    c.raises("the same key in PEM", "DuplicateSSHPublicKey", iam.upload_ssh_public_key, UserName="alice",
             SSHPublicKeyBody=k1["pem"], exception=E.DuplicateSSHPublicKeyException)
    c.raises("a 1024-bit key", "InvalidPublicKey", iam.upload_ssh_public_key, UserName="alice",
             SSHPublicKeyBody=short["pub"], status=400, exception=E.InvalidPublicKeyException)
    c.raises("an ed25519 key", "UnrecognizedPublicKeyEncoding", iam.upload_ssh_public_key, UserName="alice",
             SSHPublicKeyBody=ed["pub"], status=400, exception=E.UnrecognizedPublicKeyEncodingException)
    c.raises("no such user", "NoSuchEntity", iam.upload_ssh_public_key, UserName="nobody",
             SSHPublicKeyBody=k1["pub"], status=404, exception=E.NoSuchEntityException)
    pem = c.must("get_ssh_public_key PEM", iam.get_ssh_public_key, UserName="alice", SSHPublicKeyId=kid,
                 Encoding="PEM")["SSHPublicKey"]
    c.eq("PEM: as ssh-keygen -e -m PKCS8 writes it", pem["SSHPublicKeyBody"], k1["pem"])
    ssh = c.must("get_ssh_public_key SSH", iam.get_ssh_public_key, UserName="alice", SSHPublicKeyId=up2["SSHPublicKeyId"],
                 Encoding="SSH")["SSHPublicKey"]
    c.eq("SSH: the PEM upload as ssh-rsa and its blob", ssh["SSHPublicKeyBody"], " ".join(k2["pub"].split()[:2]))
    c.raises("get_ssh_public_key, a bad encoding", "ValidationError", iam.get_ssh_public_key, UserName="alice",
             SSHPublicKeyId=kid, Encoding="DER")
    c.raises("get_ssh_public_key, bob asks for alice's key", "NoSuchEntity", iam.get_ssh_public_key, UserName="bob",
             SSHPublicKeyId=kid, Encoding="SSH", status=404)
    c.must("update_ssh_public_key", iam.update_ssh_public_key, UserName="alice", SSHPublicKeyId=kid, Status="Inactive")
    pages = list(iam.get_paginator("list_ssh_public_keys").paginate(UserName="alice", PaginationConfig={"PageSize": 1}))
    listed = [(k["SSHPublicKeyId"], k["Status"], sorted(k)) for p in pages for k in p["SSHPublicKeys"]]
    members = ["SSHPublicKeyId", "Status", "UploadDate", "UserName"]
    # Oldest first; keys uploaded in the same second by id.
    order = sorted([(up["UploadDate"], kid, "Inactive"), (up2["UploadDate"], up2["SSHPublicKeyId"], "Active")])
    c.eq("list_ssh_public_keys in pages of one, oldest first, metadata only", (len(pages), listed),
         (2, [(i, status, members) for _, i, status in order]))
    c.raises("delete_user while alice has SSH keys", "DeleteConflict", iam.delete_user, UserName="alice", status=409,
             contains=("must delete SSH public keys first",))
    for k in (kid, up2["SSHPublicKeyId"]):
        c.must("delete_ssh_public_key", iam.delete_ssh_public_key, UserName="alice", SSHPublicKeyId=k)
    c.raises("delete it again", "NoSuchEntity", iam.delete_ssh_public_key, UserName="alice", SSHPublicKeyId=kid)
    c.eq("no keys left", iam.list_ssh_public_keys(UserName="alice")["SSHPublicKeys"], [])


def scenario(c, server):
    account = server.creds["AccountId"]
    session = boto3.session.Session(aws_access_key_id=server.creds["AccessKeyId"],
                                    aws_secret_access_key=server.creds["SecretAccessKey"],
                                    region_name="us-east-1")
    iam = session.client("iam", endpoint_url=server.endpoint, config=NO_RETRIES)
    E = iam.exceptions

    # Groups.
    g = c.must("create_group", iam.create_group, GroupName="Ops", Path="/teams/")["Group"]
    c.eq("the group's ARN and id", (g["Arn"], g["GroupId"][:4]), (f"arn:aws:iam::{account}:group/teams/Ops", "AGPA"))
    c.raises("create_group again, other case", "EntityAlreadyExists", iam.create_group, GroupName="ops",
             status=409, exception=E.EntityAlreadyExistsException)
    c.raises("create_group with a bad name", "ValidationError", iam.create_group, GroupName="bad name!")
    for name in ("alice", "bob", "carol"):
        c.must(f"create_user {name}", iam.create_user, UserName=name)
        c.must(f"add_user_to_group {name}", iam.add_user_to_group, GroupName="Ops", UserName=name)
    c.must("add_user_to_group again is no error", iam.add_user_to_group, GroupName="Ops", UserName="alice")
    c.raises("add an unknown user", "NoSuchEntity", iam.add_user_to_group, GroupName="Ops", UserName="nobody",
             status=404, exception=E.NoSuchEntityException)
    c.raises("add to an unknown group", "NoSuchEntity", iam.add_user_to_group, GroupName="Nope", UserName="alice")
    page = c.must("get_group, 2 a page", iam.get_group, GroupName="Ops", MaxItems=2)
    c.eq("first page of members", ([u["UserName"] for u in page["Users"]], page["IsTruncated"]), (["alice", "bob"], True))
    rest = c.must("get_group, next page", iam.get_group, GroupName="Ops", Marker=page["Marker"])
    c.eq("second page", ([u["UserName"] for u in rest["Users"]], rest["IsTruncated"]), (["carol"], False))
    members = [u["UserName"] for p in iam.get_paginator("get_group").paginate(GroupName="Ops", PaginationConfig={"PageSize": 1})
               for u in p["Users"]]
    c.eq("the get_group paginator", members, ["alice", "bob", "carol"])
    c.must("create_group Dev", iam.create_group, GroupName="Dev")
    names = [x["GroupName"] for x in iam.list_groups()["Groups"]]
    c.eq("list_groups by name ignoring case", names, ["Dev", "Ops"])
    c.eq("list_groups with a path prefix", [x["GroupName"] for x in iam.list_groups(PathPrefix="/teams/")["Groups"]], ["Ops"])
    c.eq("list_groups_for_user", [x["GroupName"] for x in iam.list_groups_for_user(UserName="alice")["Groups"]], ["Ops"])
    c.must("update_group: a new name and path", iam.update_group, GroupName="Dev", NewGroupName="Developers", NewPath="/eng/")
    c.eq("renamed", iam.get_group(GroupName="developers")["Group"]["Arn"], f"arn:aws:iam::{account}:group/eng/Developers")
    c.raises("rename onto an existing name", "EntityAlreadyExists", iam.update_group, GroupName="Developers", NewGroupName="OPS")

    # Group inline policies.
    c.must("put_group_policy", iam.put_group_policy, GroupName="Ops", PolicyName="ReadReports",
           PolicyDocument=doc("Allow", "iam:GetCredentialReport"))
    got = c.must("get_group_policy", iam.get_group_policy, GroupName="ops", PolicyName="readreports")
    c.eq("the group policy, decoded", (got["GroupName"], got["PolicyName"], got["PolicyDocument"]["Statement"][0]["Action"]),
         ("Ops", "ReadReports", "iam:GetCredentialReport"))
    c.eq("list_group_policies", iam.list_group_policies(GroupName="Ops")["PolicyNames"], ["ReadReports"])
    c.raises("a malformed group policy", "MalformedPolicyDocument", iam.put_group_policy, GroupName="Ops",
             PolicyName="x", PolicyDocument='{"Statement": []}', exception=E.MalformedPolicyDocumentException)
    c.raises("get an unknown group policy", "NoSuchEntity", iam.get_group_policy, GroupName="Ops", PolicyName="none")
    c.raises("delete_group with members", "DeleteConflict", iam.delete_group, GroupName="Ops",
             status=409, exception=E.DeleteConflictException)

    # Customer managed policies and versions.
    p = c.must("create_policy", iam.create_policy, PolicyName="ReadAll", Path="/audit/",
               PolicyDocument=doc("Allow", "iam:List*"), Description="lists",
               Tags=[{"Key": "team", "Value": "security"}])["Policy"]
    arn = f"arn:aws:iam::{account}:policy/audit/ReadAll"
    c.eq("the policy", (p["Arn"], p["DefaultVersionId"], p["AttachmentCount"], p["PolicyId"][:4], p["IsAttachable"]),
         (arn, "v1", 0, "ANPA", True))
    c.raises("create_policy again", "EntityAlreadyExists", iam.create_policy, PolicyName="readall",
             PolicyDocument=doc("Allow", "iam:List*"))
    c.raises("a malformed managed policy", "MalformedPolicyDocument", iam.create_policy, PolicyName="Bad",
             PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}')
    got = c.must("get_policy", iam.get_policy, PolicyArn=arn)["Policy"]
    c.eq("get_policy: description and tags", (got["Description"], got.get("Tags")), ("lists", [{"Key": "team", "Value": "security"}]))
    c.raises("get_policy of an unknown ARN", "NoSuchEntity", iam.get_policy, PolicyArn=f"arn:aws:iam::{account}:policy/Nope")
    for i in range(2, 6):
        v = c.must(f"create_policy_version {i}", iam.create_policy_version, PolicyArn=arn,
                   PolicyDocument=doc("Allow", f"iam:Get{i}"), SetAsDefault=(i == 3))["PolicyVersion"]
        c.eq(f"version v{i}", (v["VersionId"], v["IsDefaultVersion"]), (f"v{i}", i == 3))
    c.raises("a sixth version", "LimitExceeded", iam.create_policy_version, PolicyArn=arn,
             PolicyDocument=doc("Allow", "iam:Get6"), status=409, exception=E.LimitExceededException)
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    c.eq("list_policy_versions, newest first", [(v["VersionId"], v["IsDefaultVersion"]) for v in versions],
         [("v5", False), ("v4", False), ("v3", True), ("v2", False), ("v1", False)])
    v3 = c.must("get_policy_version", iam.get_policy_version, PolicyArn=arn, VersionId="v3")["PolicyVersion"]
    c.eq("its document, decoded", v3["Document"]["Statement"][0]["Action"], "iam:Get3")
    c.raises("delete the default version", "DeleteConflict", iam.delete_policy_version, PolicyArn=arn, VersionId="v3")
    c.must("set_default_policy_version v5", iam.set_default_policy_version, PolicyArn=arn, VersionId="v5")
    c.must("delete_policy_version v3", iam.delete_policy_version, PolicyArn=arn, VersionId="v3")
    c.raises("get a deleted version", "NoSuchEntity", iam.get_policy_version, PolicyArn=arn, VersionId="v3")
    c.raises("a bad version id", "ValidationError", iam.get_policy_version, PolicyArn=arn, VersionId="3")

    # AWS managed policies.
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    a = c.must("get_policy AdministratorAccess", iam.get_policy, PolicyArn=admin)["Policy"]
    c.eq("an AWS managed policy", (a["PolicyName"], a["Arn"]), ("AdministratorAccess", admin))
    av = iam.get_policy_version(PolicyArn=admin, VersionId=a["DefaultVersionId"])["PolicyVersion"]
    c.eq("its real document", av["Document"]["Statement"][0], {"Effect": "Allow", "Action": "*", "Resource": "*"})
    aws_names = [x["PolicyName"] for p in iam.get_paginator("list_policies").paginate(Scope="AWS", PaginationConfig={"PageSize": 3})
                 for x in p["Policies"]]
    for name in ("AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "SecurityAudit", "IAMFullAccess",
                 "IAMReadOnlyAccess", "AWSSupportAccess", "AWSCloudShellFullAccess", "AWSDenyAll"):
        c.true(f"list_policies Scope=AWS has {name}", name in aws_names, aws_names)
    local = [x["Arn"] for x in iam.list_policies(Scope="Local")["Policies"]]
    c.eq("list_policies Scope=Local", local, [arn])
    c.raises("change an AWS managed policy", "InvalidInput", iam.create_policy_version, PolicyArn=admin,
             PolicyDocument=doc("Allow", "*"))

    # Attachments.
    c.must("attach_group_policy (customer)", iam.attach_group_policy, GroupName="Ops", PolicyArn=arn)
    c.must("attach_user_policy (AWS)", iam.attach_user_policy, UserName="alice", PolicyArn=admin)
    c.raises("attach an unknown policy", "NoSuchEntity", iam.attach_user_policy, UserName="alice",
             PolicyArn=f"arn:aws:iam::{account}:policy/Nope")
    c.raises("attach a policy of a bad ARN", "InvalidInput", iam.attach_user_policy, UserName="alice", PolicyArn="not-an-arn-of-any-kind")
    c.eq("list_attached_group_policies", iam.list_attached_group_policies(GroupName="Ops")["AttachedPolicies"],
         [{"PolicyName": "ReadAll", "PolicyArn": arn}])
    c.eq("list_attached_user_policies", iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"],
         [{"PolicyName": "AdministratorAccess", "PolicyArn": admin}])
    ents = c.must("list_entities_for_policy", iam.list_entities_for_policy, PolicyArn=admin)
    c.eq("the policy's users and groups", ([u["UserName"] for u in ents["PolicyUsers"]], ents["PolicyGroups"], ents["PolicyRoles"]),
         (["alice"], [], []))
    c.eq("only attached policies", sorted(x["PolicyName"] for x in iam.list_policies(OnlyAttached=True)["Policies"]),
         ["AdministratorAccess", "ReadAll"])
    c.eq("attachment count", iam.get_policy(PolicyArn=admin)["Policy"]["AttachmentCount"], 1)
    c.raises("delete an attached policy", "DeleteConflict", iam.delete_policy, PolicyArn=arn)
    c.raises("delete a user with an attached policy", "DeleteConflict", iam.delete_user, UserName="alice")
    for i in range(9):
        iam.create_policy(PolicyName=f"Filler{i}", PolicyDocument=doc("Allow", "iam:GetUser"))
        iam.attach_user_policy(UserName="bob", PolicyArn=f"arn:aws:iam::{account}:policy/Filler{i}")
    iam.attach_user_policy(UserName="bob", PolicyArn=admin)
    c.raises("an eleventh attached policy", "LimitExceeded", iam.attach_user_policy, UserName="bob", PolicyArn=arn)
    c.must("detach_user_policy", iam.detach_user_policy, UserName="alice", PolicyArn=admin)
    c.raises("detach what is not attached", "NoSuchEntity", iam.detach_user_policy, UserName="alice", PolicyArn=admin)

    # Tags.
    c.must("tag_user", iam.tag_user, UserName="alice", Tags=[{"Key": "Team", "Value": "a"}, {"Key": "env", "Value": "prod"}])
    c.must("tag_user: the same key in another case replaces it", iam.tag_user, UserName="alice", Tags=[{"Key": "team", "Value": "b"}])
    c.eq("list_user_tags", iam.list_user_tags(UserName="alice")["Tags"], [{"Key": "team", "Value": "b"}, {"Key": "env", "Value": "prod"}])
    c.eq("get_user shows the tags", iam.get_user(UserName="alice")["User"]["Tags"],
         [{"Key": "team", "Value": "b"}, {"Key": "env", "Value": "prod"}])
    c.must("untag_user", iam.untag_user, UserName="alice", TagKeys=["TEAM"])
    c.eq("untagged", iam.list_user_tags(UserName="alice")["Tags"], [{"Key": "env", "Value": "prod"}])
    c.raises("duplicate keys in one call", "InvalidInput", iam.tag_user, UserName="alice",
             Tags=[{"Key": "k", "Value": "1"}, {"Key": "K", "Value": "2"}])
    iam.tag_user(UserName="bob", Tags=[{"Key": f"k{i}", "Value": ""} for i in range(50)])
    c.raises("a 51st tag", "LimitExceeded", iam.tag_user, UserName="bob", Tags=[{"Key": "one-more", "Value": ""}])
    c.eq("list_policy_tags", iam.list_policy_tags(PolicyArn=arn)["Tags"], [{"Key": "team", "Value": "security"}])
    u = c.must("create_user with tags", iam.create_user, UserName="dave", Tags=[{"Key": "owner", "Value": "sec"}])["User"]
    c.eq("the new user's tags", u.get("Tags"), [{"Key": "owner", "Value": "sec"}])

    # Account aliases and the provider lists.
    c.must("create_account_alias", iam.create_account_alias, AccountAlias="acme-prod")
    c.eq("list_account_aliases", iam.list_account_aliases()["AccountAliases"], ["acme-prod"])
    c.raises("a bad alias", "ValidationError", iam.create_account_alias, AccountAlias="Acme--Prod")
    c.must("a new alias replaces the old", iam.create_account_alias, AccountAlias="acme")
    c.eq("one alias", iam.list_account_aliases()["AccountAliases"], ["acme"])
    c.raises("delete another alias", "NoSuchEntity", iam.delete_account_alias, AccountAlias="acme-prod")
    c.must("delete_account_alias", iam.delete_account_alias, AccountAlias="acme")
    c.eq("list_saml_providers", iam.list_saml_providers()["SAMLProviderList"], [])
    c.eq("list_open_id_connect_providers", iam.list_open_id_connect_providers()["OpenIDConnectProviderList"], [])
    c.eq("list_server_certificates", iam.list_server_certificates()["ServerCertificateMetadataList"], [])
    c.eq("list_ssh_public_keys", iam.list_ssh_public_keys(UserName="alice")["SSHPublicKeys"], [])
    ssh_public_keys(c, iam)
    c.eq("list_service_specific_credentials", iam.list_service_specific_credentials(UserName="alice")["ServiceSpecificCredentials"], [])

    # Roles and instance profiles.
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}]})
    r = c.must("create_role", iam.create_role, RoleName="Auditor", AssumeRolePolicyDocument=trust,
               Description="reads", MaxSessionDuration=7200, Tags=[{"Key": "team", "Value": "sec"}])["Role"]
    c.eq("the role", (r["Arn"], r["RoleId"][:4], r["MaxSessionDuration"]), (f"arn:aws:iam::{account}:role/Auditor", "AROA", 7200))
    c.raises("create_role again", "EntityAlreadyExists", iam.create_role, RoleName="auditor", AssumeRolePolicyDocument=trust)
    c.raises("a trust policy with a Resource", "MalformedPolicyDocument", iam.create_role, RoleName="Bad",
             AssumeRolePolicyDocument=trust.replace('"Action"', '"Resource": "*", "Action"'))
    c.raises("a trust policy naming no real principal", "MalformedPolicyDocument", iam.create_role, RoleName="Bad",
             AssumeRolePolicyDocument=trust.replace(f"arn:aws:iam::{account}:root", "nobody"))
    got = c.must("get_role", iam.get_role, RoleName="Auditor")["Role"]
    c.eq("get_role: the decoded trust policy and tags", (got["AssumeRolePolicyDocument"]["Statement"][0]["Action"], got.get("Tags")),
         ("sts:AssumeRole", [{"Key": "team", "Value": "sec"}]))
    c.eq("list_roles", [x["RoleName"] for x in iam.list_roles()["Roles"]], ["Auditor"])
    c.must("update_role", iam.update_role, RoleName="Auditor", MaxSessionDuration=3600)
    c.must("put_role_policy", iam.put_role_policy, RoleName="Auditor", PolicyName="list", PolicyDocument=doc("Allow", "iam:List*"))
    c.must("attach_role_policy", iam.attach_role_policy, RoleName="Auditor", PolicyArn="arn:aws:iam::aws:policy/SecurityAudit")
    c.eq("list_attached_role_policies", [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName="Auditor")["AttachedPolicies"]],
         ["SecurityAudit"])
    c.eq("list_entities_for_policy: roles", [x["RoleName"] for x in
         iam.list_entities_for_policy(PolicyArn="arn:aws:iam::aws:policy/SecurityAudit")["PolicyRoles"]], ["Auditor"])
    c.must("create_instance_profile", iam.create_instance_profile, InstanceProfileName="Web")
    c.must("add_role_to_instance_profile", iam.add_role_to_instance_profile, InstanceProfileName="Web", RoleName="Auditor")
    c.eq("list_instance_profiles_for_role", [p["InstanceProfileName"] for p in
         iam.list_instance_profiles_for_role(RoleName="Auditor")["InstanceProfiles"]], ["Web"])
    c.raises("delete_role in a profile", "DeleteConflict", iam.delete_role, RoleName="Auditor")

    # STS AssumeRole: a user allowed to assume, then the session's view.
    c.must("a user who may assume roles", iam.put_user_policy, UserName="carol", PolicyName="assume",
           PolicyDocument=doc("Allow", "sts:AssumeRole"))
    ck = iam.create_access_key(UserName="carol")["AccessKey"]
    cs = boto3.session.Session(aws_access_key_id=ck["AccessKeyId"], aws_secret_access_key=ck["SecretAccessKey"],
                               region_name="us-east-1")
    creds = c.must("sts assume_role as a user", cs.client("sts", endpoint_url=server.endpoint, config=NO_RETRIES).assume_role,
                   RoleArn=f"arn:aws:iam::{account}:role/Auditor", RoleSessionName="audit", DurationSeconds=900)
    cr = creds["Credentials"]
    c.eq("temporary credentials", (cr["AccessKeyId"][:4], creds["AssumedRoleUser"]["Arn"]),
         ("ASIA", f"arn:aws:sts::{account}:assumed-role/Auditor/audit"))
    rs = boto3.session.Session(aws_access_key_id=cr["AccessKeyId"], aws_secret_access_key=cr["SecretAccessKey"],
                               aws_session_token=cr["SessionToken"], region_name="us-east-1")
    riam = rs.client("iam", endpoint_url=server.endpoint, config=NO_RETRIES)
    who = rs.client("sts", endpoint_url=server.endpoint, config=NO_RETRIES).get_caller_identity()
    c.eq("get_caller_identity as the session", who["Arn"], f"arn:aws:sts::{account}:assumed-role/Auditor/audit")
    c.true("the session may list (its policies allow it)", len(riam.list_users()["Users"]) >= 4)
    c.raises("but not create", "AccessDenied", riam.create_user, UserName="intruder", status=403)
    c.raises("a session longer than the role allows", "ValidationError",
             cs.client("sts", endpoint_url=server.endpoint, config=NO_RETRIES).assume_role,
             RoleArn=f"arn:aws:iam::{account}:role/Auditor", RoleSessionName="xx", DurationSeconds=7200)
    c.raises("the root user cannot assume a role", "AccessDenied",
             session.client("sts", endpoint_url=server.endpoint, config=NO_RETRIES).assume_role,
             RoleArn=f"arn:aws:iam::{account}:role/Auditor", RoleSessionName="root")

    summary = iam.get_account_summary()["SummaryMap"]
    c.eq("get_account_summary counts groups, policies, roles, profiles",
         (summary["Groups"], summary["Policies"], summary["Roles"], summary["InstanceProfiles"]), (2, 10, 1, 1))

    # What auditors read in one call.
    pages = list(iam.get_paginator("get_account_authorization_details").paginate(PaginationConfig={"PageSize": 2}))
    users = {u["UserName"]: u for p in pages for u in p["UserDetailList"]}
    groups = {g["GroupName"]: g for p in pages for g in p["GroupDetailList"]}
    policies = {x["PolicyName"]: x for p in pages for x in p["Policies"]}
    roles = {x["RoleName"]: x for p in pages for x in p["RoleDetailList"]}
    c.eq("authorization details: every user", sorted(users), ["alice", "bob", "carol", "dave"])
    c.eq("a role's policies and profiles", (roles["Auditor"]["RolePolicyList"][0]["PolicyName"],
         [p["InstanceProfileName"] for p in roles["Auditor"]["InstanceProfileList"]]), ("list", ["Web"]))
    c.eq("a user's groups", users["carol"]["GroupList"], ["Ops"])
    c.eq("a user's tags", users["alice"].get("Tags"), [{"Key": "env", "Value": "prod"}])
    c.eq("a group's inline policy, decoded", groups["Ops"]["GroupPolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"],
         "iam:GetCredentialReport")
    c.eq("a group's attached policy", groups["Ops"]["AttachedManagedPolicies"], [{"PolicyName": "ReadAll", "PolicyArn": arn}])
    c.eq("a policy's versions", [v["VersionId"] for v in policies["ReadAll"]["PolicyVersionList"]], ["v5", "v4", "v2", "v1"])
    c.true("the AWS managed policies in use, not the whole catalog",
           "AdministratorAccess" in policies and "ReadOnlyAccess" not in policies, sorted(policies))
    only_groups = iam.get_account_authorization_details(Filter=["Group"])
    c.eq("Filter=Group", (only_groups["UserDetailList"], sorted(g["GroupName"] for g in only_groups["GroupDetailList"]),
                          only_groups["Policies"]), ([], ["Developers", "Ops"], []))

    # Clean-up in IAM's order: members, policies, then the group.
    for name in ("alice", "bob", "carol"):
        c.must(f"remove_user_from_group {name}", iam.remove_user_from_group, GroupName="Ops", UserName=name)
    c.raises("delete_group with policies", "DeleteConflict", iam.delete_group, GroupName="Ops")
    iam.delete_group_policy(GroupName="Ops", PolicyName="ReadReports")
    c.raises("delete_group with an attached policy", "DeleteConflict", iam.delete_group, GroupName="Ops")
    iam.detach_group_policy(GroupName="Ops", PolicyArn=arn)
    c.must("delete_group", iam.delete_group, GroupName="Ops")
    c.raises("delete a policy with versions", "DeleteConflict", iam.delete_policy, PolicyArn=arn)
    for v in ("v1", "v2", "v4"):
        iam.delete_policy_version(PolicyArn=arn, VersionId=v)
    c.must("delete_policy", iam.delete_policy, PolicyArn=arn)
    c.raises("the policy is gone", "NoSuchEntity", iam.get_policy, PolicyArn=arn)
    iam.remove_role_from_instance_profile(InstanceProfileName="Web", RoleName="Auditor")
    iam.delete_instance_profile(InstanceProfileName="Web")
    iam.delete_role_policy(RoleName="Auditor", PolicyName="list")
    c.raises("delete_role with an attached policy", "DeleteConflict", iam.delete_role, RoleName="Auditor")
    iam.detach_role_policy(RoleName="Auditor", PolicyArn="arn:aws:iam::aws:policy/SecurityAudit")
    c.must("delete_role", iam.delete_role, RoleName="Auditor")
    c.raises("the session's role is gone: its credentials stop working", "InvalidClientTokenId", riam.list_users)


if __name__ == "__main__":
    raise SystemExit(run(LABEL, scenario))
