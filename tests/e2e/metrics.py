#!/usr/bin/env python3
"""`credreport serve --metrics-listen` (issue 25, part 5), scraped as Prometheus scrapes it
and read with Prometheus' own parser for Python (`prometheus_client.parser.
text_string_to_metric_families`, the package `prometheus-client`): every family parses
with its type, and the counters move exactly with the requests this scenario makes
through boto3 and the console:

- API requests by action and error code (successes, NoSuchEntity, SignatureDoesNotMatch,
  Throttling), each action's latency histogram counting the same requests;
- requests refused by the failure limit and by the account's rate (counted by the client
  too: the two agree);
- console sign-ins (failed, succeeded) and console requests by status;
- a credential report build and its duration;
- store errors (none), the build info (the binary's own version).

The metrics are served on their own listener only: the API's answers 404 for /metrics.

Usage: CREDREPORT_BIN=target/debug/credreport python3 tests/e2e/metrics.py
Ends with "metrics: N passed, M failed".
"""

import http.client
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from harness import Fatal, run  # isolates botocore first

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:  # scripts/test.sh installs it
    print("metrics: prometheus-client is missing (python3 -m pip install prometheus-client)", file=sys.stderr)
    print("metrics: 0 passed, 1 failed")
    sys.exit(1)

LABEL = "metrics"
# No retries: every answer the server gives is one the client sees and counts.
CONFIG = Config(retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=30)
# The account's rate: a burst larger than everything the scenario sends before it
# floods the account on purpose, and a refill too slow to matter meanwhile.
ACCOUNT_BURST = 40
SERVER_ARGS = ["--metrics-listen", "127.0.0.1:0",
               "--account-rate", "0.01", "--account-burst", str(ACCOUNT_BURST),
               "--failure-rate", "0.5", "--failure-burst", "2"]
FAMILIES = {
    "credreport_build_info": "gauge",
    "credreport_api_requests": "counter",
    "credreport_api_request_duration_seconds": "histogram",
    "credreport_console_requests": "counter",
    "credreport_console_request_duration_seconds": "histogram",
    "credreport_throttled_requests": "counter",
    "credreport_console_sign_ins": "counter",
    "credreport_report_builds": "counter",
    "credreport_report_build_duration_seconds": "histogram",
    "credreport_store_errors": "counter",
}


class Scrape:
    """One scrape, parsed: each family's type and each sample's value by name and labels."""

    def __init__(self, url):
        with urllib.request.urlopen(url, timeout=10) as r:
            self.content_type = r.headers.get("Content-Type", "")
            self.text = r.read().decode("utf-8")
        self.types = {}
        self.samples = {}
        for family in text_string_to_metric_families(self.text):
            self.types[family.name] = family.type
            for s in family.samples:
                self.samples[(s.name, frozenset(s.labels.items()))] = s.value

    def value(self, name, **labels):
        """The sample's value; 0 for a series not written yet (a counter not yet moved)."""
        return self.samples.get((name, frozenset(labels.items())), 0.0)


def client(server, key=None, secret=None):
    return boto3.client("iam", endpoint_url=server.endpoint, region_name="us-east-1", config=CONFIG,
                        aws_access_key_id=key or server.creds["AccessKeyId"],
                        aws_secret_access_key=secret or server.creds["SecretAccessKey"])


def code_of(fn, **kwargs):
    """The error code of a call, or "none" when it succeeds."""
    try:
        fn(**kwargs)
        return "none"
    except ClientError as e:
        return e.response["Error"]["Code"]


def console_sign_in(endpoint, account, user, password):
    """Signs in through the console's form (its pre-session cookie and CSRF token): the status."""
    host = urllib.parse.urlsplit(endpoint).netloc
    c = http.client.HTTPConnection(host, timeout=30)
    c.request("GET", "/console/signin")
    r = c.getresponse()
    page = r.read().decode("utf-8")
    cookie = next(v.split(";")[0] for k, v in r.getheaders()
                  if k.lower() == "set-cookie" and v.startswith("credreport_presession="))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "signin_as": "iam", "account": account,
                                   "username": user, "password": password})
    c.request("POST", "/console/signin", body=body, headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse()
    r.read()
    c.close()
    return r.status


def get_status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def scenario(c, server):
    if not server.metrics_url:
        raise Fatal("the server did not log its metrics address:\n" + server.log())
    account = server.creds["AccountId"]
    before = c.must("scrape before", Scrape, server.metrics_url)

    # The format: its media type, every family with its type.
    c.true("served as the text format 0.0.4", before.content_type.startswith("text/plain; version=0.0.4"),
           before.content_type)
    for name, kind in FAMILIES.items():
        c.eq(f"{name} is a {kind}", before.types.get(name), kind)
    version = subprocess.run([server.binary, "--version"], capture_output=True, text=True).stdout.split()[-1]
    info = [v for k, v in before.samples.items() if k[0] == "credreport_build_info"]
    labels = [dict(k[1]) for k in before.samples if k[0] == "credreport_build_info"]
    c.eq("build info is 1", info, [1.0])
    c.eq("build info names the binary's version", labels and labels[0].get("version"), version)
    c.true("build info names the compiler", labels and re.fullmatch(r"1\.\d+\.\d+.*", labels[0].get("rustc", "")),
           labels)

    # Only on the metrics' own listener.
    c.eq("the API's listener has no /metrics", get_status(server.endpoint + "/metrics"), 404)
    c.eq("the metrics' listener has nothing else", get_status(server.metrics_url.replace("/metrics", "/")), 404)

    # Requests the scenario makes, with what each must count.
    iam = client(server)
    c.must("create a user with a password", lambda: (
        iam.create_user(UserName="mallory"),
        iam.create_login_profile(UserName="mallory", Password="Mallory-Password-1!")))
    codes = [code_of(iam.list_users) for _ in range(3)]
    codes += [code_of(iam.get_user, UserName="nobody") for _ in range(2)]
    c.eq("the client saw 3 successes and 2 NoSuchEntity", codes, ["none"] * 3 + ["NoSuchEntity"] * 2)
    states = [c.must("generate a credential report", iam.generate_credential_report)["State"]]
    while states[-1] != "COMPLETE" and len(states) < 20:
        time.sleep(0.25)
        states.append(iam.generate_credential_report()["State"])
    c.eq("the report was built", states[-1], "COMPLETE")
    statuses = [console_sign_in(server.endpoint, account, "mallory", p)
                for p in ("wrong-password", "Mallory-Password-1!")]
    c.eq("console: one failed sign-in, one that went on", statuses, [401, 303])

    mid = c.must("scrape after the requests", Scrape, server.metrics_url)
    moved = lambda name, **labels: mid.value(name, **labels) - before.value(name, **labels)  # noqa: E731
    c.eq("ListUsers successes", moved("credreport_api_requests_total", action="ListUsers", error="none"), 3)
    c.eq("GetUser NoSuchEntity", moved("credreport_api_requests_total", action="GetUser", error="NoSuchEntity"), 2)
    c.eq("CreateUser and CreateLoginProfile",
         [moved("credreport_api_requests_total", action=a, error="none") for a in ("CreateUser", "CreateLoginProfile")],
         [1, 1])
    c.eq("GenerateCredentialReport counted once per call",
         moved("credreport_api_requests_total", action="GenerateCredentialReport", error="none"), len(states))
    c.eq("ListUsers' latency histogram counts its requests",
         moved("credreport_api_request_duration_seconds_count", action="ListUsers"), 3)
    buckets = sorted(((float(dict(k[1])["le"]), v) for k, v in mid.samples.items()
                      if k[0] == "credreport_api_request_duration_seconds_bucket"
                      and dict(k[1]).get("action") == "ListUsers"))
    c.true("its buckets are cumulative and end at +Inf with the count",
           all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:]))
           and buckets[-1] == (float("inf"), mid.value("credreport_api_request_duration_seconds_count", action="ListUsers")),
           buckets)
    c.true("its sum is positive and below a second per request",
           0 < mid.value("credreport_api_request_duration_seconds_sum", action="ListUsers") < 3, mid.text)
    c.eq("one report build completed", moved("credreport_report_builds_total", outcome="completed"), 1)
    c.eq("its duration observed", moved("credreport_report_build_duration_seconds_count"), 1)
    c.eq("console: one failed password step", moved("credreport_console_sign_ins_total", step="password", outcome="failed"), 1)
    c.eq("console: one password step that succeeded",
         moved("credreport_console_sign_ins_total", step="password", outcome="succeeded"), 1)
    c.eq("console: answers by status (the two forms, a 401, a 303)",
         [moved("credreport_console_requests_total", status=s) for s in ("200", "401", "303")], [2, 1, 1])
    c.eq("console: its latency counts them", moved("credreport_console_request_duration_seconds_count"), 4)

    # The failure limit: 2 wrong signatures, then the source is refused unchecked.
    wrong = client(server, secret="not-the-secret-at-all-0000000000000000000")
    failures = [code_of(wrong.list_users) for _ in range(3)]
    c.eq("the client saw two failures then Throttling", failures,
         ["SignatureDoesNotMatch", "SignatureDoesNotMatch", "Throttling"])
    # The account's rate: flood it until refused (a token comes back every 100 s).
    time.sleep(2.5)  # the source's failure tokens come back (0.5 a second)
    flood = [code_of(iam.list_users) for _ in range(ACCOUNT_BURST)]
    throttled = flood.count("Throttling")
    c.true("the flood met the account's rate", throttled > 0 and set(flood) <= {"none", "Throttling"}, flood)

    after = c.must("scrape after the limits", Scrape, server.metrics_url)
    moved = lambda name, **labels: after.value(name, **labels) - mid.value(name, **labels)  # noqa: E731
    c.eq("refused by the failure limit", moved("credreport_throttled_requests_total", limit="failed_authentication"), 1)
    c.eq("SignatureDoesNotMatch counted", moved("credreport_api_requests_total", action="ListUsers", error="SignatureDoesNotMatch"), 2)
    c.eq("refused by the account's rate, as often as the client saw it",
         moved("credreport_throttled_requests_total", limit="account"), throttled)
    c.eq("ListUsers Throttling: the failure limit's and the rate's",
         moved("credreport_api_requests_total", action="ListUsers", error="Throttling"), throttled + 1)
    c.eq("ListUsers successes in the flood", moved("credreport_api_requests_total", action="ListUsers", error="none"),
         flood.count("none"))
    c.eq("no console sign-in refused by its limit", after.value("credreport_throttled_requests_total", limit="console_sign_in"), 0)
    c.eq("no store error", after.value("credreport_store_errors_total"), 0)


if __name__ == "__main__":
    sys.exit(run(LABEL, scenario, SERVER_ARGS))
