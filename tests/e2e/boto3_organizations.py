#!/usr/bin/env python3
"""boto3's Organizations client against `credreport demo` (issue 26): the demo's two
accounts are an organization served on the endpoint. DescribeOrganization, ListAccounts
(boto3's paginator, one account a page), DescribeAccount and ListRoots as the management
account's administrator; the modeled errors (AccountNotFoundException,
InvalidInputException with its Reason, AccessDeniedException for a member account and for
a user without the permission, AWSOrganizationsNotInUseException outside an organization).

Usage: python3 tests/e2e/boto3_organizations.py   (CREDREPORT_BIN names the binary)
"""

import datetime
import json
import re
import subprocess
import sys

import harness  # noqa: F401 - isolates botocore from the machine's AWS configuration first

import boto3  # noqa: E402

MAIN = "123456789012"
SANDBOX = "210987654321"
ROLE = "OrganizationAccountAccessRole"


def client(server, service, creds, token=None):
    return boto3.client(
        service,
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=token,
    )


def scenario(c, server):
    orgs = client(server, "organizations", server.user_creds)

    # DescribeOrganization: the demo's, managed by acme-prod.
    org = c.must("DescribeOrganization", orgs.describe_organization)["Organization"]
    org_id = org["Id"]
    c.true("the organization's id has AWS's shape", re.fullmatch(r"o-[a-z0-9]{10,32}", org_id), org_id)
    c.eq("its ARN", org["Arn"], f"arn:aws:organizations::{MAIN}:organization/{org_id}")
    c.eq("all features", org["FeatureSet"], "ALL")
    c.eq("its management account", org["MasterAccountId"], MAIN)
    c.eq("the management account's ARN", org["MasterAccountArn"],
         f"arn:aws:organizations::{MAIN}:account/{org_id}/{MAIN}")
    c.eq("the management account's email", org["MasterAccountEmail"], "aws-prod@acme.example")

    # ListAccounts through boto3's paginator, one account a page.
    pages = list(orgs.get_paginator("list_accounts").paginate(PaginationConfig={"PageSize": 1}))
    accounts = [a for page in pages for a in page["Accounts"]]
    c.eq("one account a page, then no NextToken", [len(p["Accounts"]) for p in pages], [1, 1])
    c.eq("both accounts, in id order", [(a["Id"], a["Name"]) for a in accounts],
         [(MAIN, "acme-prod"), (SANDBOX, "acme-sandbox")])
    c.eq("how they joined", [a["JoinedMethod"] for a in accounts], ["CREATED", "INVITED"])
    c.eq("both active (State and the older Status)",
         [(a["State"], a["Status"]) for a in accounts], [("ACTIVE", "ACTIVE")] * 2)
    c.true("joined timestamps are datetimes",
           all(isinstance(a["JoinedTimestamp"], datetime.datetime) for a in accounts), accounts)

    # DescribeAccount and ListRoots.
    sandbox = c.must("DescribeAccount", orgs.describe_account, AccountId=SANDBOX)["Account"]
    c.eq("the sandbox's email", sandbox["Email"], "aws-sandbox@acme.example")
    c.eq("the sandbox's ARN", sandbox["Arn"], f"arn:aws:organizations::{MAIN}:account/{org_id}/{SANDBOX}")
    roots = c.must("ListRoots", orgs.list_roots)["Roots"]
    c.eq("one root, named Root", [r["Name"] for r in roots], ["Root"])
    c.true("its id has AWS's shape", re.fullmatch(r"r-[0-9a-z]{4,32}", roots[0]["Id"]), roots)
    c.eq("its path is in the accounts' paths", accounts[1]["Paths"], [f"{org_id}/{roots[0]['Id']}/{SANDBOX}/"])

    # The modeled errors.
    c.raises("an account of no organization here", "AccountNotFoundException", orgs.describe_account,
             AccountId="999999999999", status=400, exception=orgs.exceptions.AccountNotFoundException)
    e = c.raises("a NextToken this service did not give", "InvalidInputException", orgs.list_accounts,
                 NextToken="not-a-token", status=400, exception=orgs.exceptions.InvalidInputException)
    if e is not None:
        c.eq("its Reason", e.response.get("Reason"), "INVALID_NEXT_TOKEN")

    # A member account (through the role the demo user may assume) describes its
    # organization but may not list its accounts.
    sts = client(server, "sts", server.user_creds)
    assumed = c.must("AssumeRole into the sandbox", sts.assume_role,
                     RoleArn=f"arn:aws:iam::{SANDBOX}:role/{ROLE}", RoleSessionName="e2e")["Credentials"]
    member = client(server, "organizations", assumed, token=assumed["SessionToken"])
    c.eq("a member describes the same organization",
         c.must("DescribeOrganization as the sandbox", member.describe_organization)["Organization"]["Id"], org_id)
    c.raises("only the management account lists accounts", "AccessDeniedException", member.list_accounts,
             status=400, exception=member.exceptions.AccessDeniedException,
             contains=("You don't have permissions to access this resource.",))

    # A user of the management account without the permission.
    iam = client(server, "iam", server.user_creds)
    c.must("CreateUser no-orgs", iam.create_user, UserName="no-orgs")
    key = c.must("CreateAccessKey no-orgs", iam.create_access_key, UserName="no-orgs")["AccessKey"]
    denied = client(server, "organizations", key)
    c.raises("a user without organizations:ListAccounts", "AccessDeniedException", denied.list_accounts,
             status=400, contains=("organizations:ListAccounts",))

    # The root user of an account in no organization (made while the demo serves).
    out = subprocess.run([server.binary, "account", "create", "--data-dir", server.data,
                          "--account-id", "310000000000"], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        c.fail("account create (an account in no organization)", out.stderr)
        return
    outsider = client(server, "organizations", json.loads(out.stdout))
    c.raises("outside any organization", "AWSOrganizationsNotInUseException", outsider.describe_organization,
             status=400, exception=outsider.exceptions.AWSOrganizationsNotInUseException,
             contains=("Your account is not a member of an organization.",))


if __name__ == "__main__":
    sys.exit(harness.run("boto3 organizations", scenario, server_class=harness.Demo))
