#!/usr/bin/env python3
"""The wrk scripts of the sign-in flood (bench/signin_flood.sh), from a running server:

    signin_flood.py --port P --access-key AK --secret-key SK --account ACCOUNT \
        --reads reads.lua --flood flood.lua

reads.lua: signed API reads (presign.py's signer, replayed inside the signature's 15
minutes), half ListUsers (MaxItems=100), half GetUser of one user, picked at random.

flood.lua: console sign-in attempts, POST /console/signin, each with a made-up user name and
password (never the same twice, so the per-name lockout never sees them), carrying the
pre-session cookie and CSRF token of one sign-in form fetched here first (as a script
attacking the form would). When wrk is done it prints how the server answered:

    FLOOD checked=N refused=N other=N socket_errors=N

checked: 401, the password was checked (an argon2 verification) and refused; refused: 429,
the attempt was refused before its password was checked (the source's limit, or a lockout);
other: anything else (a 403 would mean the CSRF token was not accepted).
"""

import argparse
import http.client
import re
import sys

from presign import lua_string, wrk_request

READS = [
    "Action=ListUsers&Version=2010-05-08&MaxItems=100",
    "Action=GetUser&Version=2010-05-08&UserName=flood-reader",
]

READS_TAIL = """
function request()
  return requests[math.random(#requests)]
end
"""

FLOOD_TAIL = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  checked, refused, other = 0, 0, 0
end
function request()
  local n = math.random(1, 1000000000)
  local body = "csrf_token=" .. token .. "&signin_as=iam&account=" .. account
    .. "&username=ghost-" .. n .. "&password=guess-" .. n
  return wrk.format("POST", "/console/signin", headers, body)
end
function response(status, headers, body)
  if status == 401 then checked = checked + 1
  elseif status == 429 then refused = refused + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local c, r, o = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("checked")
    r = r + t:get("refused")
    o = o + t:get("other")
  end
  io.write(string.format("FLOOD checked=%d refused=%d other=%d socket_errors=%d\\n", c, r, o,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def signin_form(port):
    """The pre-session cookie and CSRF token of a fresh sign-in form."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", "/console/signin")
    r = c.getresponse()
    page = r.read().decode()
    cookie = None
    for name, value in r.getheaders():
        if name.lower() == "set-cookie" and value.startswith("credreport_presession="):
            cookie = value.split(";")[0]
    token = re.search(r'name="csrf_token" value="([0-9a-f]{32})"', page)
    if cookie is None or token is None:
        sys.exit("the sign-in form has no pre-session cookie or token")
    return cookie, token.group(1)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--access-key", required=True)
    p.add_argument("--secret-key", required=True)
    p.add_argument("--account", required=True)
    p.add_argument("--reads", required=True)
    p.add_argument("--flood", required=True)
    a = p.parse_args()

    lines = ["requests = {}"]
    for body in READS:
        request = wrk_request(a.port, a.access_key, a.secret_key, body)
        lines.append(f"table.insert(requests, {request})")
    with open(a.reads, "w") as f:
        f.write("\n".join(lines) + "\n" + READS_TAIL)

    cookie, token = signin_form(a.port)
    flood = [
        f"token = {lua_string(token)}",
        f"account = {lua_string(a.account)}",
        "headers = {",
        f'  ["Host"] = {lua_string(f"127.0.0.1:{a.port}")},',
        '  ["Content-Type"] = "application/x-www-form-urlencoded",',
        f'  ["Cookie"] = {lua_string(cookie)},',
        "}",
    ]
    with open(a.flood, "w") as f:
        f.write("\n".join(flood) + "\n" + FLOOD_TAIL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
