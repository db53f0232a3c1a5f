#!/usr/bin/env python3
"""A fleet (issue 16): three `credreport serve` processes on one PostgreSQL database,
driven with boto3 spread across them.

- Instances starting together on an empty database make one first account.
- 20 concurrent GenerateCredentialReport polls, spread over the three, start one build.
- All three serve identical report bytes and GeneratedTime.
- A key deactivated through one instance is refused by the others within 1 second; so is
  a deleted one.
- An instance killed (SIGKILL) in the middle of a report build leaves no half report: its
  build is held at its last step (the test locks the table the report's bytes go to),
  the instance is killed there, and the next Generate on another instance builds it.

Needs CREDREPORT_TEST_DATABASE_URL (an admin URL; scripts/test.sh starts a throwaway
server) and psql. Usage: CREDREPORT_BIN=target/debug/credreport python3 tests/e2e/fleet.py
Ends with "fleet: N passed, M failed".
"""

import csv
import io
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from harness import Checks, Fatal, binary_path  # isolates botocore first

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

LABEL = "fleet"
CONFIG = Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=2, read_timeout=10)


def psql(url, sql):
    out = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def fresh_database(admin):
    name = f"fleet_{os.getpid()}_{secrets.token_hex(4)}"
    psql(admin, f"CREATE DATABASE {name}")
    base, _, query = admin.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + (("?" + query) if query else "")


class Node:
    def __init__(self, binary, url, tmp, n):
        self.binary, self.url, self.n = binary, url, n
        self.data = os.path.join(tmp, f"node{n}")
        self.log_path = os.path.join(tmp, f"node{n}.log")
        self.proc, self.endpoint = None, None

    def start(self):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--data-dir", self.data, "--database-url", self.url,
             "--listen", "127.0.0.1:0", "--account-rate", "0"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            env=dict(os.environ, CREDREPORT_LOG="info", NO_COLOR="1"))

    def wait_listening(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", self.log())
            if m:
                self.endpoint = f"http://127.0.0.1:{m.group(1)}"
                return
            if self.proc.poll() is not None:
                raise Fatal(f"node {self.n} exited ({self.proc.returncode}):\n{self.log()}")
            time.sleep(0.05)
        raise Fatal(f"node {self.n} did not listen within 30 s")

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def client(self, key, secret):
        return boto3.client("iam", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=key, aws_secret_access_key=secret, config=CONFIG)

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def refused_within(c, name, client, seconds=1.0):
    """`client` (signed with a key just changed elsewhere) is refused within `seconds`."""
    start = time.monotonic()
    while True:
        try:
            client.list_users(MaxItems=1)
        except ClientError as e:
            code = e.response["Error"]["Code"]
            elapsed = time.monotonic() - start
            c.true(f"{name}: refused ({code}) after {elapsed * 1000:.0f} ms", elapsed <= seconds,
                   f"took {elapsed:.3f} s")
            return
        if time.monotonic() - start > seconds:
            c.fail(name, f"still accepted after {seconds} s")
            return
        time.sleep(0.01)


def report_is_whole(content, users):
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    names = {r["user"] for r in rows}
    return rows and rows[0]["user"] == "<root_account>" and users <= names


def scenario(c, nodes, admin_url, url):
    # Start together on an empty database.
    for node in nodes:
        node.start()
    for node in nodes:
        node.wait_listening()
    c.eq("three instances on an empty database made one account",
         psql(url, "SELECT count(*) FROM accounts"), "1")
    creds = [json.load(open(os.path.join(n.data, "root-credentials.json")))
             for n in nodes if os.path.exists(os.path.join(n.data, "root-credentials.json"))]
    c.eq("one instance wrote the root credentials", len(creds), 1)
    creds = creds[0]
    roots = [n.client(creds["AccessKeyId"], creds["SecretAccessKey"]) for n in nodes]

    # Users spread across the instances.
    names = {f"fleet-user-{i:03d}" for i in range(60)}
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda i_name: roots[i_name[0] % 3].create_user(UserName=i_name[1]), enumerate(sorted(names))))
    c.eq("users created through three instances are listed by each",
         [len({u["UserName"] for p in r.get_paginator("list_users").paginate() for u in p["Users"]}) for r in roots],
         [60, 60, 60])

    # 20 concurrent polls across the fleet: one build.
    barrier = threading.Barrier(20)

    def poll(i):
        barrier.wait()
        return roots[i % 3].generate_credential_report()["State"]

    with ThreadPoolExecutor(20) as pool:
        states = list(pool.map(poll, range(20)))
    c.eq("20 concurrent GenerateCredentialReport polls on 3 instances started one build",
         states.count("STARTED"), 1)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and roots[0].generate_credential_report()["State"] != "COMPLETE":
        time.sleep(0.1)
    reports = [r.get_credential_report() for r in roots]
    c.true("every instance serves the same report bytes",
           all(r["Content"] == reports[0]["Content"] for r in reports))
    c.true("and the same GeneratedTime", all(r["GeneratedTime"] == reports[0]["GeneratedTime"] for r in reports))
    c.true("the report is whole and shows every user", report_is_whole(reports[0]["Content"], names))

    # A key changed through one instance is refused by the others within a second.
    roots[0].put_user_policy(UserName="fleet-user-000", PolicyName="read",
                             PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                                 {"Effect": "Allow", "Action": "iam:List*", "Resource": "*"}]}))
    for change in ("deactivated", "deleted"):
        key = roots[0].create_access_key(UserName="fleet-user-000")["AccessKey"]
        users = [n.client(key["AccessKeyId"], key["SecretAccessKey"]) for n in nodes]
        for u in users[1:]:
            u.list_users(MaxItems=1)  # each instance now keeps the key in memory
        if change == "deactivated":
            roots[0].update_access_key(UserName="fleet-user-000", AccessKeyId=key["AccessKeyId"], Status="Inactive")
        else:
            roots[0].delete_access_key(UserName="fleet-user-000", AccessKeyId=key["AccessKeyId"])
        for i, u in enumerate(users[1:], start=2):
            refused_within(c, f"a key {change} through instance 1 is refused by instance {i}", u)

    # Kill -9 in the middle of a build: a second account, so that its first build runs now.
    out = subprocess.run([nodes[0].binary, "account", "create", "--database-url", url, "--data-dir",
                          nodes[0].data], check=True, capture_output=True, text=True)
    second = json.loads(out.stdout)
    members = [n.client(second["AccessKeyId"], second["SecretAccessKey"]) for n in nodes]
    for i in range(30):
        members[i % 3].create_user(UserName=f"member-{i:02d}")
    # Hold the build at its last step: report_contents is locked. A report of kept rows
    # (issue 26) clears the account's old report bytes there; a report of bytes inserts them.
    locker = subprocess.Popen(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    locker.stdin.write("BEGIN; LOCK TABLE report_contents IN ACCESS EXCLUSIVE MODE; SELECT 'locked';\n")
    locker.stdin.flush()
    c.eq("the test holds the report bytes' table", locker.stdout.readline().strip(), "locked")
    c.eq("instance 1 starts the build", members[0].generate_credential_report()["State"], "STARTED")
    waiting = ""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not waiting:
        waiting = psql(url, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                            "AND (query LIKE 'INSERT INTO report_contents%' "
                            "OR query LIKE 'DELETE FROM report_contents%')")
        waiting = "" if waiting == "0" else waiting
        time.sleep(0.05)
    c.eq("its build is waiting to store the report", waiting, "1")
    c.eq("meanwhile another instance says the build is in progress",
         members[1].generate_credential_report()["State"], "INPROGRESS")
    nodes[0].stop(signal.SIGKILL)
    locker.stdin.write("COMMIT;\n")
    locker.stdin.close()
    locker.wait(timeout=10)
    try:
        members[1].get_credential_report()
        c.fail("no half report after the kill", "a report was served")
    except ClientError as e:
        c.eq("no half report after the kill", e.response["Error"]["Code"], "ReportInProgress")
    c.eq("the next Generate on another instance builds it",
         members[2].generate_credential_report()["State"], "STARTED")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and members[1].generate_credential_report()["State"] != "COMPLETE":
        time.sleep(0.1)
    got = [m.get_credential_report() for m in members[1:]]
    c.true("the survivors serve the same whole report",
           got[0]["Content"] == got[1]["Content"]
           and report_is_whole(got[0]["Content"], {f"member-{i:02d}" for i in range(30)}))
    c.eq("no build is left marked running", psql(url, "SELECT count(*) FROM reports WHERE building_since IS NOT NULL"), "0")
    for node in nodes[1:]:
        node.stop()
        c.eq(f"instance {node.n} stops cleanly on SIGTERM", node.proc.returncode, 0)


def main():
    admin = os.environ.get("CREDREPORT_TEST_DATABASE_URL")
    binary = binary_path()
    c = Checks()
    if not admin:
        c.fail("CREDREPORT_TEST_DATABASE_URL is set (scripts/pg_cluster.sh start DIR prints one)")
        print(f"{LABEL}: {c.passed} passed, {c.failed} failed")
        return 1
    os.environ["CREDREPORT_MASTER_KEY"] = secrets.token_hex(32)  # one key for the fleet
    tmp = tempfile.mkdtemp(prefix="credreport-fleet-")
    url = fresh_database(admin)
    nodes = [Node(binary, url, tmp, n) for n in (1, 2, 3)]
    hard = False
    try:
        scenario(c, nodes, admin, url)
    except Exception as e:  # noqa: BLE001 - any crash of the scenario is a failure
        hard = True
        import traceback
        traceback.print_exc()
        print(f"e2e: FATAL: {e}", file=sys.stderr)
    finally:
        for n in nodes:
            n.stop()
        if hard or c.failed:
            for n in nodes:
                print(f"--- node {n.n} log (tail)", file=sys.stderr)
                print("\n".join(n.log().splitlines()[-20:]), file=sys.stderr)
    if hard:
        c.failed += 1
    print(f"{LABEL}: {c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
