#!/usr/bin/env python3
"""A small, low-overhead IAM Query client for the endpoint benchmark (bench/server_vs_moto.sh).

Raw `http.client` on a kept-alive connection, each request signed with botocore's SigV4Auth
(bench/presign.py): no boto3 client, so the client adds little to what is measured.
moto routes a request to a service by the credential scope of its Authorization header
(an IAM Query request without one goes to S3), so moto gets the same signed requests, with
dummy keys; it does not verify them.

    iam_client.py populate --port P --access-key AK --secret-key SK --users 5000
    iam_client.py report   --port P ...      generate, poll until COMPLETE, get, check rows
    iam_client.py check    --port P ... --action list-users --expect-members 100
    iam_client.py e2e      --port P --accounts FILE --users 5000   (fresh accounts)
    iam_client.py e2e-repeat --port P ... --times 5                (moto: no 4-hour rule)
"""

import argparse
import base64
import concurrent.futures
import http.client
import json
import statistics
import sys
import threading
import time

from presign import BODIES, sign


class Client:
    def __init__(self, port, access_key, secret_key, extra_headers=None, service="iam", token=None):
        self.port = port
        self.service = service
        self.token = token
        self.ak = access_key
        self.sk = secret_key
        self.extra = dict(extra_headers or {})
        self.conn = None

    def _connect(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def call(self, body):
        """(status, response body bytes). Signs, sends, reads; one reconnect on a dropped
        kept-alive connection (bounded: two attempts)."""
        headers = sign(self.port, self.ak, self.sk, body, service=self.service, token=self.token)
        headers.update(self.extra)
        for attempt in range(2):
            if self.conn is None:
                self._connect()
            try:
                self.conn.request("POST", "/", body=body.encode(), headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close" or r.version == 10:
                    self.conn.close()
                    self.conn = None
                return r.status, data
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")


def tag_bytes(data, name):
    """The bytes of the first <name> element. Plain searches: a lazy regex over a report's
    megabyte of base64 took the client 35-40 ms, most of what the end-to-end figure measured."""
    start = data.find(b"<%s>" % name.encode())
    if start < 0:
        return None
    start += len(name) + 2
    end = data.find(b"</%s>" % name.encode(), start)
    return data[start:end] if end >= 0 else None


def tag(data, name):
    text = tag_bytes(data, name)
    return text.decode() if text is not None else None


def client_from(a):
    extra = dict(h.split(":", 1) for h in (a.header or []))
    return Client(a.port, a.access_key, a.secret_key, extra)


def user_name(prefix, i):
    return f"{prefix}{i:05d}"


def populate(a):
    """Creates users prefix00000..prefixN-1 with a thread pool, one connection per thread."""
    local = threading.local()
    errors = []

    def create(i):
        c = getattr(local, "c", None)
        if c is None:
            c = local.c = client_from(a)
        body = f"Action=CreateUser&Version=2010-05-08&UserName={user_name(a.prefix, i)}"
        status, data = c.call(body)
        if status != 200 and b"EntityAlreadyExists" not in data:
            errors.append((i, status, data[:300]))

    t = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(a.threads) as pool:
        list(pool.map(create, range(a.users)))
    if errors:
        print(f"populate: {len(errors)} errors, first: {errors[0]}", file=sys.stderr)
        return 1
    secs = time.perf_counter() - t
    print(f"populate: {a.users} users in {secs:.1f} s ({a.users / secs:.0f}/s)", file=sys.stderr)
    return 0


def generate_until_complete(c, poll_secs, deadline_secs, trace=None):
    """GenerateCredentialReport until it answers COMPLETE; returns the number of calls.
    `trace`: a list to append (state, seconds since `trace_start`) to after each call."""
    end = time.perf_counter() + deadline_secs
    calls = 0
    while True:
        status, data = c.call(BODIES["generate-credential-report"])
        calls += 1
        if status != 200:
            raise RuntimeError(f"GenerateCredentialReport: {status} {data[:300]!r}")
        state = tag(data, "State")
        if trace is not None:
            trace.append((state, time.perf_counter()))
        if state == "COMPLETE":
            return calls
        if time.perf_counter() > end:
            raise RuntimeError("the report did not complete in time")
        time.sleep(poll_secs)


def get_report_rows(c, trace=None):
    status, data = c.call(BODIES["get-credential-report"])
    if status != 200:
        raise RuntimeError(f"GetCredentialReport: {status} {data[:300]!r}")
    if trace is not None:
        trace.append(("GET", time.perf_counter()))
    csv = base64.b64decode(tag_bytes(data, "Content"))
    if trace is not None:
        trace.append(("DECODED", time.perf_counter()))
    return csv.count(b"\n") - 1, len(data)  # minus the header line


def report(a):
    c = client_from(a)
    calls = generate_until_complete(c, 0.05, 300)
    rows, size = get_report_rows(c)
    print(f"report: COMPLETE after {calls} generate calls; {rows} rows, response {size} bytes",
          file=sys.stderr)
    if rows < a.expect_rows:
        print(f"report: expected at least {a.expect_rows} rows", file=sys.stderr)
        return 1
    return 0


def check(a):
    """Sends the benchmark's request once and checks its answer."""
    c = client_from(a)
    status, data = c.call(BODIES[a.action])
    if status != 200:
        print(f"check {a.action}: HTTP {status} {data[:300]!r}", file=sys.stderr)
        return 1
    if a.action == "list-users":
        members = data.count(b"<member>")
        ok = members == a.expect_members
        print(f"check list-users: {members} users, IsTruncated={tag(data, 'IsTruncated')}, "
              f"{len(data)} bytes", file=sys.stderr)
    else:
        rows = base64.b64decode(tag(data, "Content")).count(b"\n") - 1
        ok = rows >= a.expect_rows
        print(f"check get-credential-report: {rows} rows, {len(data)} bytes", file=sys.stderr)
    return 0 if ok else 1


def timed_generate_get(c, poll_secs, trace=False):
    """(ms, generate calls, rows); with `trace`, each call's end is printed to stderr, in ms
    from the start: STARTED, INPROGRESS..., COMPLETE, GET (the answer read), DECODED (its
    base64 decoded)."""
    events = [] if trace else None
    t0 = time.perf_counter()
    calls = generate_until_complete(c, poll_secs, 60, events)
    rows, _ = get_report_rows(c, events)
    ms = (time.perf_counter() - t0) * 1000
    if trace:
        print("trace: " + ", ".join(f"{what} {(at - t0) * 1000:.2f}" for what, at in events),
              file=sys.stderr)
    return ms, calls, rows


def summary(name, times, polls, rows):
    return {
        "what": name,
        "n": len(times),
        "min_ms": round(min(times), 2),
        "median_ms": round(statistics.median(times), 2),
        "max_ms": round(max(times), 2),
        "generate_calls": polls,
        "rows": rows,
    }


def sign_cost_ms():
    t = time.perf_counter()
    for _ in range(200):
        sign(1, "AKIAEXAMPLE", "secret", BODIES["get-credential-report"])
    return (time.perf_counter() - t) / 200 * 1000


def e2e(a):
    """For each fresh account (one JSON object a line, from `credreport account create`):
    populate its users untimed, then time GenerateCredentialReport -> poll -> Get."""
    times, polls, rows = [], [], None
    with open(a.accounts) as f:
        accounts = [json.loads(line) for line in f if line.strip()]
    for acct in accounts:
        a.access_key, a.secret_key = acct["AccessKeyId"], acct["SecretAccessKey"]
        if populate(a) != 0:
            return 1
        time.sleep(a.settle)
        ms, calls, rows = timed_generate_get(client_from(a), a.poll_ms / 1000, a.trace)
        times.append(ms)
        polls.append(calls)
        print(f"e2e: account {acct['AccountId']}: {ms:.1f} ms, {calls} generate calls, "
              f"{rows} rows", file=sys.stderr)
    out = summary("credreport", times, polls, rows)
    out["sign_ms"] = round(sign_cost_ms(), 3)
    print(json.dumps(out))
    return 0


def e2e_repeat(a):
    """The same measurement repeated on one account (moto has no 4-hour rule)."""
    c = client_from(a)
    times, polls, rows = [], [], None
    for _ in range(a.times):
        ms, calls, rows = timed_generate_get(c, a.poll_ms / 1000, a.trace)
        times.append(ms)
        polls.append(calls)
    print(json.dumps(summary("moto", times, polls, rows)))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("command", choices=["populate", "report", "check", "e2e", "e2e-repeat"])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--access-key", default="testing")
    p.add_argument("--secret-key", default="testing")
    p.add_argument("--header", action="append", help="an extra NAME:VALUE header")
    p.add_argument("--users", type=int, default=5000)
    p.add_argument("--prefix", default="bench.user")
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--action", choices=sorted(BODIES))
    p.add_argument("--expect-members", type=int, default=100)
    p.add_argument("--expect-rows", type=int, default=0)
    p.add_argument("--accounts", help="e2e: a file of account JSON lines")
    p.add_argument("--poll-ms", type=float, default=1.0)
    p.add_argument("--settle", type=float, default=1.0, help="e2e: seconds to wait after populating")
    p.add_argument("--times", type=int, default=5)
    p.add_argument("--trace", action="store_true",
                   help="e2e, e2e-repeat: print each call's end, in ms from the start")
    a = p.parse_args()
    return {
        "populate": populate,
        "report": report,
        "check": check,
        "e2e": e2e,
        "e2e-repeat": e2e_repeat,
    }[a.command](a)


if __name__ == "__main__":
    sys.exit(main())
