#!/usr/bin/env python3
"""Reads back what Security Hub holds, through boto3: an independent client of Security
Hub's REST-JSON API (its own SigV4, its own paginator), for the tests of `credreport
review`'s `[security_hub]` import (crates/cli/tests/review_security_hub.rs and the
review crate's simulation), against moto's Security Hub.

Usage: securityhub_findings.py --endpoint-url URL --region REGION
Prints every finding GetFindings returns (every page) as one JSON array on stdout.
Credentials come from the environment (moto takes any); nothing else of the machine's
AWS configuration is read.
"""

import argparse
import json
import os
import sys

for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_CA_BUNDLE"):
    os.environ.pop(var, None)
os.environ.update({
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
})

import boto3  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--endpoint-url", required=True)
    p.add_argument("--region", required=True)
    args = p.parse_args()
    hub = boto3.client("securityhub", region_name=args.region, endpoint_url=args.endpoint_url)
    findings = []
    for page in hub.get_paginator("get_findings").paginate(PaginationConfig={"PageSize": 100}):
        findings.extend(page["Findings"])
    json.dump(findings, sys.stdout, default=str)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
