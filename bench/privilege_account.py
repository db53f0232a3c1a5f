#!/usr/bin/env python3
"""Populates an account of `credreport serve` through IAM's API for bench/audit_fetch.sh: an
account whose users differ in privilege and use, as a real one does.

    privilege_account.py --port P --access-key AK --secret-key SK --users 5000 --roles 50

- groups with AWS managed policies and one customer managed policy: Admins
  (AdministratorAccess), Developers (PowerUserAccess), ReadOnly (ReadOnlyAccess), Auditors
  (SecurityAudit), IamReaders (a customer managed policy: iam:Get*, iam:List*);
- USERS users, each in one group by a fixed spread (1% Admins, 30% Developers, 40% ReadOnly,
  10% Auditors, 9% IamReaders, 10% in none), every 7th with an inline policy of its own;
- ROLES roles trusting the account, with ReadOnlyAccess or PowerUserAccess;
- an access key for every 10th user, used for a few IAM calls (so the last-accessed data
  has uses to show), and every 5th role assumed once and used.

Each step runs on a thread pool, one kept-alive connection per thread; any error stops the
run with the request that failed.
"""

import argparse
import concurrent.futures
import sys
import threading
import time
import urllib.parse

from iam_client import Client, tag

GROUPS = [
    # (name, managed policy ARN or None for the customer managed one, share in percent)
    ("Admins", "arn:aws:iam::aws:policy/AdministratorAccess", 1),
    ("Developers", "arn:aws:iam::aws:policy/PowerUserAccess", 30),
    ("ReadOnly", "arn:aws:iam::aws:policy/ReadOnlyAccess", 40),
    ("Auditors", "arn:aws:iam::aws:policy/SecurityAudit", 10),
    ("IamReaders", None, 9),
]
CUSTOM_POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"}]}'
INLINE_POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:GetCallerIdentity","iam:GetUser"],"Resource":"*"}]}'


def q(version="2010-05-08", **params):
    return urllib.parse.urlencode({**params, "Version": version})


def group_of(i):
    """The group of user i by the spread above (None: no group)."""
    slot = i % 100
    for name, _, share in GROUPS:
        if slot < share:
            return name
        slot -= share
    return None


class Pool:
    """Runs calls on threads, one connection each; the first error stops the run."""

    def __init__(self, port, ak, sk, threads):
        self.port, self.ak, self.sk, self.threads = port, ak, sk, threads
        self.local = threading.local()

    def client(self):
        c = getattr(self.local, "c", None)
        if c is None:
            c = self.local.c = Client(self.port, self.ak, self.sk)
        return c

    def call(self, body, client=None):
        status, data = (client or self.client()).call(body)
        if status != 200:
            raise RuntimeError(f"{body[:120]}: HTTP {status}: {data[:300]!r}")
        return data

    def each(self, what, fn, items):
        t = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(self.threads) as pool:
            out = list(pool.map(fn, items))
        print(f"populate: {what}: {len(items)} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--access-key", required=True)
    p.add_argument("--secret-key", required=True)
    p.add_argument("--account-id", required=True)
    p.add_argument("--users", type=int, default=5000)
    p.add_argument("--roles", type=int, default=50)
    p.add_argument("--threads", type=int, default=8)
    a = p.parse_args()
    pool = Pool(a.port, a.access_key, a.secret_key, a.threads)

    custom = tag(pool.call(q(Action="CreatePolicy", PolicyName="IamReaders", PolicyDocument=CUSTOM_POLICY)), "Arn")
    for name, arn, _ in GROUPS:
        pool.call(q(Action="CreateGroup", GroupName=name))
        pool.call(q(Action="AttachGroupPolicy", GroupName=name, PolicyArn=arn or custom))

    def user(i):
        name = f"user{i:05d}"
        pool.call(q(Action="CreateUser", UserName=name))
        group = group_of(i)
        if group:
            pool.call(q(Action="AddUserToGroup", GroupName=group, UserName=name))
        if i % 7 == 3:
            pool.call(q(Action="PutUserPolicy", UserName=name, PolicyName="own", PolicyDocument=INLINE_POLICY))
        if i % 10 == 0:
            data = pool.call(q(Action="CreateAccessKey", UserName=name))
            return tag(data, "AccessKeyId"), tag(data, "SecretAccessKey")
        return None

    keys = [k for k in pool.each("users", user, range(a.users)) if k]

    trust = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},'
             '"Action":"sts:AssumeRole"}]}' % a.account_id)

    # Root may not assume a role (as in AWS): user00000, an administrator, does.
    admin = Client(a.port, keys[0][0], keys[0][1], service="sts")
    admin_lock = threading.Lock()

    def role(i):
        name = f"role{i:03d}"
        pool.call(q(Action="CreateRole", RoleName=name, AssumeRolePolicyDocument=trust))
        policy = "ReadOnlyAccess" if i % 2 else "PowerUserAccess"
        pool.call(q(Action="AttachRolePolicy", RoleName=name, PolicyArn=f"arn:aws:iam::aws:policy/{policy}"))
        if i % 5 == 0:
            with admin_lock:
                data = pool.call(q(version="2011-06-15", Action="AssumeRole", RoleArn=f"arn:aws:iam::{a.account_id}:role/{name}",
                                   RoleSessionName="bench"), admin)
            ak, sk, token = tag(data, "AccessKeyId"), tag(data, "SecretAccessKey"), tag(data, "SessionToken")
            c = Client(a.port, ak, sk, token=token)
            pool.call(q(Action="ListRoles", MaxItems="1"), c)

    pool.each("roles", role, range(a.roles))

    # Key owners use their keys: each in a ReadOnly/Developers/Admins/IamReaders group can
    # call ListUsers; every owner can call GetUser on itself only where a policy allows it.
    def use(key):
        c = Client(a.port, key[0], key[1])
        status, _ = c.call(q(Action="ListUsers", MaxItems="1"))
        return status

    statuses = pool.each("key uses", use, keys)
    print(f"populate: key uses answered {sorted(set(statuses))}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
