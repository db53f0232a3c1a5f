#!/usr/bin/env python3
"""Crash durability (issue 15): `credreport serve` is killed with SIGKILL at random
moments while clients make signed writes, restarted on the same data directory, and
checked each time:

- every acknowledged change is there (users, login profiles, access keys with their last
  acknowledged status, enabled MFA devices);
- nothing unacknowledged is half there (a user either exists whole or not at all; a key
  whose update was cut off has one of its two statuses);
- the stored credential report is whole (credreport validates it) and agrees row by row
  with the acknowledged state at its generated time: every user, password, access key
  and MFA device acknowledged before it is in it, and no user that never existed;
- at the end, SQLite's integrity check passes on the store.

With `--postgres`, the server runs on a fresh database of the PostgreSQL server that
CREDREPORT_TEST_DATABASE_URL names (scripts/test.sh starts one), and the last check is
PostgreSQL's amcheck: every B-tree index verified against its table.

Usage: CREDREPORT_BIN=target/debug/credreport python3 tests/e2e/crash_durability.py [KILLS] [--postgres]
Ends with "crash: N passed, M failed" and prints the number of kills and of
acknowledged writes checked.
"""

import csv
import io
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

from harness import Checks, binary_path, totp_code  # isolates botocore first

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import BotoCoreError, ClientError  # noqa: E402

LABEL = "crash"
WRITERS = 4
CONFIG = Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=2, read_timeout=5)


class Node:
    """One `credreport serve` process on the persistent data directory (and database)."""

    def __init__(self, binary, data, database_url=None):
        self.binary, self.data, self.database_url = binary, data, database_url
        self.proc, self.endpoint = None, None

    def start(self):
        log = open(os.path.join(os.path.dirname(self.data), "server.log"), "ab")
        store = ["--database-url", self.database_url] if self.database_url else []
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--data-dir", self.data, "--listen", "127.0.0.1:0", "--account-rate", "0"] + store,
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.PIPE,
            env=dict(os.environ, CREDREPORT_LOG="info", NO_COLOR="1"))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline().decode("utf-8", "replace")
            log.write(line.encode())
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
            if m:
                self.endpoint = f"http://127.0.0.1:{m.group(1)}"
                # Keep draining the log so the server never blocks on a full pipe.
                threading.Thread(target=lambda: [log.write(l) for l in self.proc.stderr], daemon=True).start()
                return
            if self.proc.poll() is not None:
                raise RuntimeError("the server exited at start")
        raise RuntimeError("the server did not start within 30 s")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


class Ledger:
    """What the server acknowledged, and what was cut off."""

    def __init__(self):
        self.lock = threading.Lock()
        self.users = {}        # name -> acknowledged at (time.time())
        self.profiles = {}     # user name -> acknowledged at
        self.keys = {}         # key id -> {"user", "statuses": allowed statuses}
        self.mfa = {}          # (user, serial) -> acknowledged at
        self.acked = 0

    def ack(self):
        with self.lock:
            self.acked += 1


def writer(ledger, iam, prefix, stop):
    n = 0
    while not stop.is_set():
        n += 1
        name = f"{prefix}-{n}"
        try:
            iam.create_user(UserName=name)
            with ledger.lock:
                ledger.users[name] = time.time()
            ledger.ack()
            iam.create_login_profile(UserName=name, Password=f"Crash-{name}-Pass1!")
            with ledger.lock:
                ledger.profiles[name] = time.time()
            ledger.ack()
            key = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
            with ledger.lock:
                ledger.keys[key] = {"user": name, "statuses": {"Active"}, "at": time.time()}
            ledger.ack()
            with ledger.lock:
                ledger.keys[key]["statuses"] = {"Active", "Inactive"}  # in flight
            iam.update_access_key(UserName=name, AccessKeyId=key, Status="Inactive")
            with ledger.lock:
                ledger.keys[key]["statuses"] = {"Inactive"}
            ledger.ack()
            if n % 4 == 0:
                dev = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]
                seed = dev["Base32StringSeed"].decode("ascii") if isinstance(dev["Base32StringSeed"], bytes) else dev["Base32StringSeed"]
                c = int(time.time() // 30)
                iam.enable_mfa_device(UserName=name, SerialNumber=dev["SerialNumber"],
                                      AuthenticationCode1=totp_code(seed, c - 1), AuthenticationCode2=totp_code(seed, c))
                with ledger.lock:
                    ledger.mfa[(name, dev["SerialNumber"])] = time.time()
                ledger.ack()
            if n % 5 == 0:
                iam.generate_credential_report()
                ledger.ack()
        except (ClientError, BotoCoreError, OSError):
            # Cut off by the kill (or refused): not acknowledged, so nothing is owed.
            if stop.is_set():
                return
            time.sleep(0.05)


def report_agrees(content, generated, users, profiles, keys, mfa, listed):
    """The stored report agrees, row by row, with the state at its generated time, as far
    as the ledger knows it: nothing in it was never created (users are never deleted
    here), and every user, password, key and MFA device acknowledged before it is in it
    (a second of slack on each side for clock and commit order)."""
    problems = []
    rows = {r["user"]: r for r in csv.DictReader(io.StringIO(content.decode()))}
    before = lambda at: at < generated - 1  # noqa: E731
    for name, at in users.items():
        if before(at) and name not in rows:
            problems.append(f"user {name}, acknowledged before the report, is not in it")
    for name, row in rows.items():
        if name == "<root_account>":
            continue
        if name not in listed:
            problems.append(f"the report lists {name}, who never existed")
            continue
        if name in profiles and before(profiles[name]) and row["password_enabled"] != "true":
            problems.append(f"{name}'s password, acknowledged before the report, is not in it")
    keyed = {}
    for k, v in keys.items():
        keyed.setdefault(v["user"], []).append(v["at"])
    for name, times in keyed.items():
        row = rows.get(name)
        if row is not None and any(before(t) for t in times) and row["access_key_1_last_rotated"] == "N/A":
            problems.append(f"{name}'s access key, acknowledged before the report, is not in it")
    for (name, _serial), at in mfa.items():
        row = rows.get(name)
        if row is not None and before(at) and row["mfa_active"] != "true":
            problems.append(f"{name}'s MFA device, acknowledged before the report, is not in it")
    return problems


def verify(c, ledger, iam, binary, tmp, cycle):
    """Everything acknowledged is there; the stored report is whole."""
    problems = []
    with ledger.lock:
        users, profiles = dict(ledger.users), dict(ledger.profiles)
        keys = {k: dict(v) for k, v in ledger.keys.items()}
        mfa = dict(ledger.mfa)
    listed = {u["UserName"] for p in iam.get_paginator("list_users").paginate() for u in p["Users"]}
    for name in users:
        if name not in listed:
            problems.append(f"acknowledged user {name} is missing")
    for name in profiles:
        try:
            iam.get_login_profile(UserName=name)
        except ClientError as e:
            problems.append(f"acknowledged login profile of {name}: {e.response['Error']['Code']}")
    by_user = {}
    for k, v in keys.items():
        by_user.setdefault(v["user"], []).append(k)
    for user, ids in by_user.items():
        if user not in listed:
            continue
        have = {k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]}
        for k in ids:
            if k not in have:
                problems.append(f"acknowledged key {k} of {user} is missing")
            elif have[k] not in keys[k]["statuses"]:
                problems.append(f"key {k} is {have[k]}, acknowledged {sorted(keys[k]['statuses'])}")
    for user, serial in mfa:
        devices = {d["SerialNumber"] for d in iam.list_mfa_devices(UserName=user)["MFADevices"]}
        if serial not in devices:
            problems.append(f"acknowledged MFA device {serial} of {user} is missing")
    # Users that exist without an acknowledgement are whole (their creation was cut off
    # after it committed): GetUser answers for each.
    for name in listed - set(users):
        try:
            iam.get_user(UserName=name)
        except ClientError as e:
            problems.append(f"unacknowledged user {name} is half there: {e.response['Error']['Code']}")
    try:
        r = iam.get_credential_report()
        content = r["Content"]
        path = os.path.join(tmp, f"report-{cycle}.csv")
        with open(path, "wb") as f:
            f.write(content)
        out = subprocess.run([binary, "report", "validate", path], capture_output=True, text=True)
        if out.returncode != 0:
            problems.append(f"the stored report is not whole: {out.stdout}{out.stderr}")
        generated = r["GeneratedTime"].timestamp()
        problems += report_agrees(content, generated, users, profiles, keys, mfa, listed)
    except ClientError as e:
        if e.response["Error"]["Code"] not in ("ReportNotPresent", "ReportInProgress"):
            problems.append(f"GetCredentialReport: {e.response['Error']['Code']}")
    c.true(f"after kill {cycle}: every acknowledged write is there, the report is whole", not problems, "\n".join(problems[:10]))


def psql(url, sql):
    return subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def fresh_database():
    admin = os.environ.get("CREDREPORT_TEST_DATABASE_URL")
    if not admin:
        raise SystemExit("crash_durability.py --postgres needs CREDREPORT_TEST_DATABASE_URL "
                         "(scripts/pg_cluster.sh start DIR prints one)")
    name = f"crash_{os.getpid()}"
    psql(admin, f"CREATE DATABASE {name}")
    base, _, query = admin.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + (("?" + query) if query else "")


def integrity(c, data, database_url):
    if database_url is None:
        result = sqlite3.connect(os.path.join(data, "iam.db")).execute("PRAGMA integrity_check").fetchone()[0]
        c.eq("SQLite's integrity check of the store", result, "ok")
        return
    psql(database_url, "CREATE EXTENSION IF NOT EXISTS amcheck")
    checked = psql(database_url, """
        SELECT count(bt_index_check(index => i.indexrelid, heapallindexed => true))
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE a.amname = 'btree' AND n.nspname = 'public'""")
    c.true(f"PostgreSQL's amcheck of the store: {checked} B-tree indexes match their tables", int(checked) > 10)


def main():
    args = [a for a in sys.argv[1:] if a != "--postgres"]
    kills = int(args[0]) if args else 20
    database_url = fresh_database() if "--postgres" in sys.argv[1:] else None
    binary = binary_path()
    tmp = tempfile.mkdtemp(prefix="credreport-crash-")
    data = os.path.join(tmp, "data")
    c = Checks()
    ledger = Ledger()
    rng = random.Random(20261203)
    node = Node(binary, data, database_url)
    try:
        for cycle in range(1, kills + 1):
            node.start()
            creds = json.load(open(os.path.join(data, "root-credentials.json")))
            session = boto3.session.Session(aws_access_key_id=creds["AccessKeyId"],
                                            aws_secret_access_key=creds["SecretAccessKey"], region_name="us-east-1")
            iam = session.client("iam", endpoint_url=node.endpoint, config=CONFIG)
            if cycle > 1:
                verify(c, ledger, iam, binary, tmp, cycle - 1)
            stop = threading.Event()
            threads = [threading.Thread(target=writer, args=(ledger, session.client("iam", endpoint_url=node.endpoint, config=CONFIG),
                                                             f"c{cycle}w{i}", stop)) for i in range(WRITERS)]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.3, 1.2))
            node.kill()
            stop.set()
            for t in threads:
                t.join(timeout=10)
        node.start()
        creds = json.load(open(os.path.join(data, "root-credentials.json")))
        iam = boto3.session.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                                    region_name="us-east-1").client("iam", endpoint_url=node.endpoint, config=CONFIG)
        verify(c, ledger, iam, binary, tmp, kills)
        node.proc.send_signal(signal.SIGTERM)
        node.proc.wait(timeout=10)
        integrity(c, data, database_url)
    finally:
        if node.proc and node.proc.poll() is None:
            node.kill()
    backend = "PostgreSQL" if database_url else "SQLite"
    print(f"crash ({backend}): {kills} SIGKILLs, {ledger.acked} acknowledged writes checked "
          f"({len(ledger.users)} users, {len(ledger.keys)} keys, {len(ledger.mfa)} MFA devices)")
    print(f"{LABEL}: {c.passed} passed, {c.failed} failed")
    return 0 if c.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
