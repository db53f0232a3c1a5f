#!/usr/bin/env python3
"""A wrk Lua script for the load run (bench/load.sh): a realistic mix of signed requests,
pre-signed with presign.py's signer (a signature stays valid for 15 minutes and the
server accepts a replay inside it, as AWS does), picked at random by weight per request:

    reads 90%   ListUsers 40, GetUser 20, ListAccessKeys 20, GetCredentialReport 10
    writes 10%  UpdateAccessKey (the load user's key, Active and Inactive in turn) 8,
                GenerateCredentialReport 2 (a new report every 4 hours; COMPLETE between)

The script counts answers by status and prints them when wrk is done: non-2xx, 5xx.

    load_mix.py --port PORT --access-key AK --secret-key SK --key-id KEY --out mix.lua
"""

import argparse
import sys

from presign import wrk_request

MIX = [
    (40, "Action=ListUsers&Version=2010-05-08&MaxItems=100"),
    (20, "Action=GetUser&Version=2010-05-08&UserName=load-user"),
    (20, "Action=ListAccessKeys&Version=2010-05-08&UserName=load-user"),
    (10, "Action=GetCredentialReport&Version=2010-05-08"),
    (4, "Action=UpdateAccessKey&Version=2010-05-08&UserName=load-user&AccessKeyId={key}&Status=Inactive"),
    (4, "Action=UpdateAccessKey&Version=2010-05-08&UserName=load-user&AccessKeyId={key}&Status=Active"),
    (2, "Action=GenerateCredentialReport&Version=2010-05-08"),
]

LUA_TAIL = """
local total = 0
for _, r in ipairs(requests) do total = total + r.weight end
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  non2xx = 0
  server_errors = 0
end
function request()
  local pick = math.random(total)
  for _, r in ipairs(requests) do
    pick = pick - r.weight
    if pick <= 0 then return r.request end
  end
  return requests[1].request
end
function response(status, headers, body)
  if status >= 300 then non2xx = non2xx + 1 end
  if status >= 500 then server_errors = server_errors + 1 end
end
function done(summary, latency, requests)
  local n, s = 0, 0
  for _, t in ipairs(threads) do
    n = n + t:get("non2xx")
    s = s + t:get("server_errors")
  end
  io.write(string.format("MIX non2xx=%d 5xx=%d socket_errors=%d\\n", n, s,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end
"""


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--access-key", required=True)
    p.add_argument("--secret-key", required=True)
    p.add_argument("--key-id", required=True, help="the load user's access key id")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    lines = ["requests = {}"]
    for weight, body in MIX:
        request = wrk_request(a.port, a.access_key, a.secret_key, body.format(key=a.key_id))
        lines.append(f"table.insert(requests, {{weight = {weight}, request = {request}}})")
    with open(a.out, "w") as f:
        f.write("\n".join(lines) + "\n" + LUA_TAIL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
