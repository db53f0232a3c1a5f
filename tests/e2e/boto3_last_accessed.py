#!/usr/bin/env python3
"""boto3 against `credreport serve`: last-accessed data and RoleLastUsed (issue 24). A user
and a role's session make calls in several regions; GenerateServiceLastAccessedDetails at
both granularities shows each service their policies allow, the used ones with their last
use, entity and region, the never-used ones without LastAuthenticated; the pagers page;
GetServiceLastAccessedDetailsWithEntities names who used a group's and a policy's
permissions; RoleLastUsed shows the session's region; ListOrganizationsFeatures answers as
IAM does for an account outside an organization.

Every call is made within one of IAM's 15-minute windows (the server runs on the system
clock): the first use of each action is the one recorded, as IAM records it.

Usage: CREDREPORT_BIN=target/debug/credreport python3 tests/e2e/boto3_last_accessed.py
Ends with "boto3-last-accessed: N passed, M failed"; exits 1 on any failure.
"""

import json
import time

from harness import run  # isolates botocore first

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402

LABEL = "boto3-last-accessed"
NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def doc(actions):
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]})


def clients(endpoint, region, key, secret, token=None):
    session = boto3.session.Session(aws_access_key_id=key, aws_secret_access_key=secret,
                                    aws_session_token=token, region_name=region)
    return (session.client("iam", endpoint_url=endpoint, config=NO_RETRIES),
            session.client("sts", endpoint_url=endpoint, config=NO_RETRIES))


def job(c, iam, arn, granularity="SERVICE_LEVEL"):
    """Generates a job, waits while it is IN_PROGRESS (bounded), answers every service."""
    job_id = c.must(f"generate {granularity} for {arn.split(':')[-1]}", iam.generate_service_last_accessed_details,
                    Arn=arn, Granularity=granularity)["JobId"]
    for _ in range(50):
        page = iam.get_service_last_accessed_details(JobId=job_id)
        if page["JobStatus"] != "IN_PROGRESS":
            break
        time.sleep(0.1)
    c.eq("the job completed", page["JobStatus"], "COMPLETED")
    c.eq("its type", page["JobType"], granularity)
    services = list(page["ServicesLastAccessed"])
    marker = page.get("Marker") if page["IsTruncated"] else None
    while marker:
        page = iam.get_service_last_accessed_details(JobId=job_id, Marker=marker)
        services += page["ServicesLastAccessed"]
        marker = page.get("Marker") if page["IsTruncated"] else None
    return job_id, {s["ServiceNamespace"]: s for s in services}


def scenario(c, server):
    account = server.creds["AccountId"]
    root_iam, _ = clients(server.endpoint, "us-east-1", server.creds["AccessKeyId"], server.creds["SecretAccessKey"])

    # ursula: in the group ops (the customer managed policy S3Read: s3, never used), her own
    # policy allows reading IAM and assuming roles.
    c.must("create_user ursula", root_iam.create_user, UserName="ursula")
    c.must("create_group ops", root_iam.create_group, GroupName="ops")
    c.must("add ursula to ops", root_iam.add_user_to_group, GroupName="ops", UserName="ursula")
    s3_read = c.must("create_policy S3Read", root_iam.create_policy, PolicyName="S3Read",
                     PolicyDocument=doc(["s3:Get*", "s3:List*"]))["Policy"]["Arn"]
    c.must("attach S3Read to ops", root_iam.attach_group_policy, GroupName="ops", PolicyArn=s3_read)
    c.must("put ursula's policy", root_iam.put_user_policy, UserName="ursula", PolicyName="own",
           PolicyDocument=doc(["iam:Get*", "iam:List*", "sts:AssumeRole"]))
    key = root_iam.create_access_key(UserName="ursula")["AccessKey"]
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}]})
    c.must("create_role Reader", root_iam.create_role, RoleName="Reader", AssumeRolePolicyDocument=trust)
    c.must("put Reader's policy", root_iam.put_role_policy, RoleName="Reader", PolicyName="list",
           PolicyDocument=doc(["iam:ListUsers"]))
    ec2_read = c.must("create_policy Ec2Read", root_iam.create_policy, PolicyName="Ec2Read",
                      PolicyDocument=doc(["ec2:Describe*"]))["Policy"]["Arn"]
    c.must("attach Ec2Read to Reader", root_iam.attach_role_policy, RoleName="Reader", PolicyArn=ec2_read)
    role_arn = f"arn:aws:iam::{account}:role/Reader"
    c.eq("a new role was never used", root_iam.get_role(RoleName="Reader")["Role"].get("RoleLastUsed"), {})

    # ursula's calls, in three regions.
    u_iam_eu, u_sts_eu = clients(server.endpoint, "eu-west-1", key["AccessKeyId"], key["SecretAccessKey"])
    u_iam_us, _ = clients(server.endpoint, "us-west-2", key["AccessKeyId"], key["SecretAccessKey"])
    c.must("ursula: list_users in eu-west-1", u_iam_eu.list_users)
    c.must("ursula: get_user in us-west-2", u_iam_us.get_user)
    creds = c.must("ursula: assume_role in eu-west-1", u_sts_eu.assume_role, RoleArn=role_arn,
                   RoleSessionName="audit")["Credentials"]
    c.eq("assuming the role is not the role's use", root_iam.get_role(RoleName="Reader")["Role"].get("RoleLastUsed"), {})
    r_iam, _ = clients(server.endpoint, "ap-south-1", creds["AccessKeyId"], creds["SecretAccessKey"],
                       creds["SessionToken"])
    c.must("the session: list_users in ap-south-1", r_iam.list_users)
    used = root_iam.get_role(RoleName="Reader")["Role"].get("RoleLastUsed", {})
    c.eq("RoleLastUsed: the session's request, in its region", used.get("Region"), "ap-south-1")
    c.true("RoleLastUsed has its date", "LastUsedDate" in used, used)

    # ursula's last-accessed data, service level.
    ursula_arn = f"arn:aws:iam::{account}:user/ursula"
    _, services = job(c, root_iam, ursula_arn)
    iam = services.get("iam", {})
    c.eq("iam: used, first in eu-west-1, by ursula",
         (iam.get("LastAuthenticatedRegion"), iam.get("LastAuthenticatedEntity"), iam.get("TotalAuthenticatedEntities")),
         ("eu-west-1", ursula_arn, 1))
    c.true("iam: its LastAuthenticated", "LastAuthenticated" in iam, iam)
    c.eq("sts: AssumeRole's region", services.get("sts", {}).get("LastAuthenticatedRegion"), "eu-west-1")
    s3 = services.get("s3", {})
    c.eq("s3: allowed (through the group), never used", (s3.get("ServiceName") is not None, "LastAuthenticated" in s3,
                                                          s3.get("TotalAuthenticatedEntities")), (True, False, 0))
    c.eq("only the services her policies allow", sorted(services), ["iam", "s3", "sts"])
    c.true("no tracked actions at SERVICE_LEVEL", all("TrackedActionsLastAccessed" not in s for s in services.values()))

    # Action level: IAM's actions, each with its own first use.
    _, services = job(c, root_iam, ursula_arn, "ACTION_LEVEL")
    actions = {a["ActionName"]: a for a in services["iam"].get("TrackedActionsLastAccessed", [])}
    c.eq("ListUsers in eu-west-1, GetUser in us-west-2",
         (actions.get("ListUsers", {}).get("LastAccessedRegion"), actions.get("GetUser", {}).get("LastAccessedRegion")),
         ("eu-west-1", "us-west-2"))
    c.true("an allowed action never used has no time", "LastAccessedTime" not in actions.get("ListRoles", {"LastAccessedTime": 1}))
    c.true("an action not allowed is not listed", "CreateUser" not in actions, sorted(actions)[:5])

    # Paging, with the paginator-less loop botocore users write: one service a page.
    job_id, _ = job(c, root_iam, ursula_arn)
    seen, marker = [], None
    for _ in range(10):
        kwargs = {"JobId": job_id, "MaxItems": 1}
        if marker:
            kwargs["Marker"] = marker
        page = root_iam.get_service_last_accessed_details(**kwargs)
        seen += [s["ServiceNamespace"] for s in page["ServicesLastAccessed"]]
        if not page["IsTruncated"]:
            break
        marker = page["Marker"]
    c.eq("one service a page, every one once", seen, ["iam", "s3", "sts"])

    # The role's data: iam used by its session in ap-south-1, ec2 allowed and never used.
    _, services = job(c, root_iam, role_arn)
    c.eq("the role: iam in ap-south-1", services.get("iam", {}).get("LastAuthenticatedRegion"), "ap-south-1")
    c.true("the role: ec2 never used", "ec2" in services and "LastAuthenticated" not in services["ec2"])

    # The group's and the policy's: who could have used them, who did.
    for arn, what in ((f"arn:aws:iam::{account}:group/ops", "the group"), (s3_read, "the policy")):
        job_id, services = job(c, root_iam, arn)
        c.eq(f"{what}: s3 allowed, never used", ("s3" in services, "LastAuthenticated" in services.get("s3", {})),
             (True, False))
        who = root_iam.get_service_last_accessed_details_with_entities(JobId=job_id, ServiceNamespace="s3")
        c.eq(f"{what}: ursula could have used s3, and did not",
             [(e["EntityInfo"]["Name"], e["EntityInfo"]["Type"], "LastAuthenticated" in e) for e in who["EntityDetailsList"]],
             [("ursula", "USER", False)])

    # Errors as IAM answers them.
    E = root_iam.exceptions
    c.raises("an unknown job", "NoSuchEntity", root_iam.get_service_last_accessed_details,
             JobId="00000000-0000-0000-0000-000000000000", exception=E.NoSuchEntityException)
    c.raises("a user that does not exist", "NoSuchEntity", root_iam.generate_service_last_accessed_details,
             Arn=f"arn:aws:iam::{account}:user/nobody")
    c.raises("ListOrganizationsFeatures outside an organization", "OrganizationNotFoundException",
             root_iam.list_organizations_features, status=400)


if __name__ == "__main__":
    raise SystemExit(run(LABEL, scenario))
