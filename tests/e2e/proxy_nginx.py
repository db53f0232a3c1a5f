#!/usr/bin/env python3
"""`credreport serve --trusted-proxies` behind a real nginx (issue 25, part 5): Debian's
nginx, started by this test on loopback with a configuration of its own in a temporary
directory (its pid, logs and temporary files there too), forwarding to the server with
`X-Forwarded-For: $proxy_add_x_forwarded_for` from 127.0.0.2 (`proxy_bind`), the one
address the server trusts. Clients take addresses of their own on the loopback network
(127.0.0.77, 127.0.0.88, ...), so each is a different client behind the same proxy.

- A client through the proxy is throttled under its forwarded address: two failed
  signatures from 127.0.0.77 and it is refused unchecked (Throttling), and the server's log
  names 127.0.0.77 (via 127.0.0.2) for those requests; 127.0.0.88 through the same proxy is
  not refused.
- An `X-Forwarded-For` sent directly (from 127.0.0.1, naming 127.0.0.77) is ignored: the
  request is answered, and logged under 127.0.0.1.
- A client's own claim through the proxy (127.0.0.99 sending `X-Forwarded-For:
  127.0.0.77`) is not believed: the right-most address that is not the proxy is the
  client, 127.0.0.99.
- The server's metrics count the one refusal.

Usage: CREDREPORT_BIN=target/debug/credreport python3 tests/e2e/proxy_nginx.py
Ends with "proxy_nginx: N passed, M failed". Needs nginx (scripts/test.sh installs
Debian's package when it is missing).
"""

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from harness import Fatal, run  # isolates botocore first

from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

LABEL = "proxy_nginx"
PROXY = "127.0.0.2"
CLIENT_A, CLIENT_B, CLIENT_C = "127.0.0.77", "127.0.0.88", "127.0.0.99"
SERVER_ARGS = ["--trusted-proxies", PROXY, "--metrics-listen", "127.0.0.1:0",
               "--failure-rate", "0.001", "--failure-burst", "2"]
LIST_USERS = "Action=ListUsers&Version=2010-05-08"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """nginx in the foreground on a loopback port, everything it writes in its own
    temporary directory."""

    def __init__(self, upstream_port):
        self.binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.dir = tempfile.mkdtemp(prefix="credreport-nginx-")
        self.port = free_port()
        self.proc = None
        d = self.dir
        # As root, workers would otherwise switch to `nobody`, who cannot enter the
        # temporary directory; as anyone else the directive would only be warned about.
        user = "user root;\n" if os.geteuid() == 0 else ""
        config = f"""{user}worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log info;
events {{ worker_connections 64; }}
http {{
    access_log {d}/access.log;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    server {{
        listen 127.0.0.1:{self.port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream_port};
            proxy_bind {PROXY};
            # SigV4 signs the Host the client sent.
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"""
        self.config = os.path.join(d, "nginx.conf")
        with open(self.config, "w") as f:
            f.write(config)

    def start(self):
        if not os.path.exists(self.binary):
            raise Fatal("nginx is not installed (apt-get install nginx)")
        check = subprocess.run([self.binary, "-t", "-p", self.dir, "-e", f"{self.dir}/error.log",
                                "-c", self.config, "-g", "daemon off;"], capture_output=True, text=True)
        if check.returncode != 0:
            raise Fatal("nginx -t: " + check.stderr)
        self.proc = subprocess.Popen([self.binary, "-p", self.dir, "-e", f"{self.dir}/error.log",
                                      "-c", self.config, "-g", "daemon off;"],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Fatal(f"nginx exited ({self.proc.returncode}):\n{self.error_log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                print(f"e2e: nginx pid {self.proc.pid} on 127.0.0.1:{self.port}", flush=True)
                return
            except OSError:
                time.sleep(0.05)
        raise Fatal("nginx did not listen within 20 s")

    def error_log(self):
        try:
            with open(os.path.join(self.dir, "error.log"), errors="replace") as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def signed_query(server, port, secret, forwarded_for=None, source=None):
    """ListUsers signed as botocore signs it, sent to 127.0.0.1:`port` from `source` (a
    loopback address of the client's own), with an `X-Forwarded-For` of its own if given:
    the status, the AWS error code ("" for none) and the request id."""
    creds = Credentials(server.creds["AccessKeyId"], secret)
    url = f"http://127.0.0.1:{port}/"
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    req = AWSRequest(method="POST", url=url, data=LIST_USERS, headers=headers)
    SigV4Auth(creds, "iam", "us-east-1").add_auth(req)
    send = dict(req.headers.items())
    if forwarded_for:
        send["X-Forwarded-For"] = forwarded_for
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30,
                                   source_address=(source, 0) if source else None)
    c.request("POST", "/", body=LIST_USERS, headers=send)
    r = c.getresponse()
    body = r.read().decode("utf-8", errors="replace")
    request_id = r.getheader("x-amzn-RequestId", "")
    c.close()
    m = re.search(r"<Code>([^<]+)</Code>", body)
    return r.status, (m.group(1) if m else ""), request_id


def logged(server, request_id):
    """The (source, via) the server's log line for `request_id` names."""
    for line in server.log().splitlines():
        if request_id and request_id in line and " request " in f" {line} ":
            source = re.search(r"\bsource=(\S+)", line)
            via = re.search(r"\bvia=(\S+)", line)
            return (source.group(1) if source else None, via.group(1) if via else None)
    return None


def scenario(c, server):
    port = int(server.endpoint.rsplit(":", 1)[1])
    secret = server.creds["SecretAccessKey"]
    wrong = "not-the-secret-at-all-0000000000000000000"
    nginx = Nginx(port)
    try:
        c.must("start nginx on loopback", nginx.start)
        through = nginx.port

        # (name, port, secret, X-Forwarded-For sent, client address, status, code, logged as)
        steps = [
            ("A through the proxy, a wrong signature", through, wrong, None, CLIENT_A,
             403, "SignatureDoesNotMatch", (CLIENT_A, PROXY)),
            ("A again", through, wrong, None, CLIENT_A, 403, "SignatureDoesNotMatch", (CLIENT_A, PROXY)),
            ("A over its limit is refused unchecked, even signed right", through, secret, None, CLIENT_A,
             400, "Throttling", (CLIENT_A, PROXY)),
            ("B through the same proxy is answered", through, secret, None, CLIENT_B, 200, "", (CLIENT_B, PROXY)),
            ("A's address forged directly is ignored", port, secret, CLIENT_A, "127.0.0.1",
             200, "", ("127.0.0.1", None)),
            ("C claiming A's address through the proxy is C", through, secret, CLIENT_A, CLIENT_C,
             200, "", (CLIENT_C, PROXY)),
        ]
        for name, to, key, xff, source, status, code, logged_as in steps:
            got_status, got_code, request_id = signed_query(server, to, key, xff, source)
            c.eq(f"{name}: answer", (got_status, got_code), (status, code))
            c.eq(f"{name}: logged under", logged(server, request_id), logged_as)

        with urllib.request.urlopen(server.metrics_url, timeout=10) as r:
            page = r.read().decode("utf-8")
        m = re.search(r'^credreport_throttled_requests_total\{limit="failed_authentication"\} (\d+)$', page, re.M)
        c.eq("the metrics count the one refusal", m and int(m.group(1)), 1)
        with open(os.path.join(nginx.dir, "access.log")) as f:
            clients = {line.split()[0] for line in f if line.strip()}
        c.eq("nginx saw the clients at their own addresses", clients, {CLIENT_A, CLIENT_B, CLIENT_C})
    finally:
        nginx.stop()


if __name__ == "__main__":
    sys.exit(run(LABEL, scenario, SERVER_ARGS))
