#!/usr/bin/env python3
"""Writes crates/server/tests/data/iam-model/shapes.json: the members, in order, of the IAM
shapes that List* and Get* actions answer with, taken from the IAM service model that botocore
installs (data/iam/2010-05-08/service-2.json, Apache-2.0; see LICENSE-botocore beside it).

The tests read only the JSON this writes (the project never needs botocore to test). Run it again
after a botocore upgrade and review the diff:  python3 scripts/iam_shapes.py
"""
import gzip
import json
import os
import sys

import botocore

SHAPES = [
    "User", "Group", "Role", "RoleLastUsed", "InstanceProfile", "Policy", "PolicyVersion",
    "AttachedPolicy", "AttachedPermissionsBoundary", "AccessKey", "AccessKeyMetadata",
    "MFADevice", "VirtualMFADevice", "SigningCertificate", "SSHPublicKey", "SSHPublicKeyMetadata",
    "LoginProfile", "Tag", "UserDetail", "GroupDetail", "RoleDetail", "ManagedPolicyDetail",
    "PolicyDetail", "AttachedPolicy", "GetAccountAuthorizationDetailsResponse",
    "GetServiceLastAccessedDetailsResponse", "ServiceLastAccessed", "TrackedActionLastAccessed",
    "GetServiceLastAccessedDetailsWithEntitiesResponse", "EntityDetails", "EntityInfo",
    "SimulatePolicyResponse", "EvaluationResult", "Statement", "Position", "ContextEntry",
    "ResourceSpecificResult", "PermissionsBoundaryDecisionDetail", "OrganizationsDecisionDetail",
    "GetContextKeysForPolicyResponse",
]

def main():
    base = os.path.join(os.path.dirname(botocore.__file__), "data", "iam", "2010-05-08")
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
        "source": f"botocore {botocore.__version__}, data/iam/2010-05-08/service-2.json",
        "license": "Apache-2.0 (LICENSE-botocore)",
        "shapes": shapes,
    }
    dest = os.path.join(os.path.dirname(__file__), "..", "crates", "server", "tests", "data",
                        "iam-model", "shapes.json")
    with open(dest, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {os.path.normpath(dest)}", file=sys.stderr)

if __name__ == "__main__":
    main()
