#!/usr/bin/env python3
"""SigV4 signing for the IAM endpoint benchmark, and wrk scripts from signed requests.

A request is signed the way the AWS CLI signs an IAM Query call: POST /, Content-Type
`application/x-www-form-urlencoded; charset=utf-8`, the form body, region us-east-1, service
iam, botocore's SigV4Auth (signed headers: content-type;host;x-amz-date). A signature stays
valid for 15 minutes and the server accepts a replay inside that window, like AWS, so wrk
can send one pre-signed request for a whole run. Re-sign before each run.

    presign.py --port PORT --access-key AK --secret-key SK --action list-users --out x.lua

writes a wrk Lua script that sets the method, body and headers.
"""

import argparse
import sys

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8"

BODIES = {
    "get-credential-report": "Action=GetCredentialReport&Version=2010-05-08",
    "generate-credential-report": "Action=GenerateCredentialReport&Version=2010-05-08",
    "list-users": "Action=ListUsers&Version=2010-05-08&MaxItems=100",
}


def sign(port, access_key, secret_key, body, region="us-east-1", service="iam", token=None):
    """The headers of a signed POST / with `body` to 127.0.0.1:port (Host excluded: every
    client derives it from the URL, `127.0.0.1:PORT`, which is what was signed)."""
    req = AWSRequest(
        method="POST",
        url=f"http://127.0.0.1:{port}/",
        data=body.encode(),
        headers={"Content-Type": CONTENT_TYPE},
    )
    SigV4Auth(Credentials(access_key, secret_key, token), service, region).add_auth(req)
    return {k: v for k, v in req.headers.items() if k.lower() != "host"}


def wrk_request(port, access_key, secret_key, body):
    """A Lua expression for wrk: the signed POST / with `body`, formatted once. The request
    is formatted when the script loads, before wrk sets its default Host header, so the
    signed Host goes in explicitly."""
    headers = sign(port, access_key, secret_key, body)
    headers["Host"] = f"127.0.0.1:{port}"
    table = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
    return f'wrk.format("POST", "/", {{{table}}}, {lua_string(body)})'


def lua_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk_script(headers, body, extra=None):
    lines = ['wrk.method = "POST"', f"wrk.body = {lua_string(body)}"]
    for k, v in list(headers.items()) + list((extra or {}).items()):
        lines.append(f"wrk.headers[{lua_string(k)}] = {lua_string(v)}")
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--access-key", required=True)
    p.add_argument("--secret-key", required=True)
    p.add_argument("--action", choices=sorted(BODIES), required=True)
    p.add_argument(
        "--header", action="append", default=[], help="an extra NAME:VALUE header"
    )
    p.add_argument("--out", required=True, help="the wrk Lua script to write")
    a = p.parse_args()
    body = BODIES[a.action]
    headers = sign(a.port, a.access_key, a.secret_key, body)
    extra = dict(h.split(":", 1) for h in a.header)
    with open(a.out, "w") as f:
        f.write(wrk_script(headers, body, extra))
    return 0


if __name__ == "__main__":
    sys.exit(main())
