#!/usr/bin/env python3
"""Writes crates/server/tests/data/organizations-model/shapes.json: the members, in order, of
the AWS Organizations shapes that the read API served here answers with (DescribeOrganization,
ListAccounts, DescribeAccount, ListRoots, and the errors they send), taken from the
Organizations service model that botocore installs
(data/organizations/2016-11-28/service-2.json, Apache-2.0; see LICENSE-botocore beside it).

The tests read only the JSON this writes (the project never needs botocore to test). Run it again
after a botocore upgrade and review the diff:  python3 scripts/organizations_shapes.py
"""
import gzip
import json
import os
import sys

import botocore

SHAPES = [
    "DescribeOrganizationResponse", "Organization", "PolicyTypeSummary",
    "ListAccountsRequest", "ListAccountsResponse", "Account",
    "DescribeAccountRequest", "DescribeAccountResponse",
    "ListRootsRequest", "ListRootsResponse", "Root",
    "AccessDeniedException", "AWSOrganizationsNotInUseException", "AccountNotFoundException",
    "InvalidInputException", "TooManyRequestsException", "ServiceException",
]

def main():
    base = os.path.join(os.path.dirname(botocore.__file__), "data", "organizations", "2016-11-28")
    path = os.path.join(base, "service-2.json.gz")
    opener = gzip.open if os.path.exists(path) else open
    if not os.path.exists(path):
        path = os.path.join(base, "service-2.json")
    with opener(path, "rt") as f:
        model = json.load(f)
    shapes = {}
    for name in SHAPES:
        shape = model["shapes"][name]
        shapes[name] = {
            "members": list(shape["members"]),
            "required": shape.get("required", []),
        }
    out = {
        "source": f"botocore {botocore.__version__}, data/organizations/2016-11-28/service-2.json",
        "license": "Apache-2.0 (LICENSE-botocore)",
        "target_prefix": model["metadata"]["targetPrefix"],
        "json_version": model["metadata"]["jsonVersion"],
        "shapes": shapes,
    }
    dest = os.path.join(os.path.dirname(__file__), "..", "crates", "server", "tests", "data",
                        "organizations-model", "shapes.json")
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(dest)}", file=sys.stderr)

if __name__ == "__main__":
    main()
