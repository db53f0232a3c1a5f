#!/usr/bin/env python3
"""Copies the AwsSecurityFinding shape of the Security Hub service model, and the ASFF
length limits, into one JSON file the credreport tests validate ASFF output against.

The service model botocore installs (botocore/data/securityhub/2018-10-26/service-2.json,
Apache-2.0) defines AwsSecurityFinding, the finding BatchImportFindings takes, as Smithy
shapes: structures with their members and required members, lists, maps, strings with
enums and patterns. Most of ASFF's length limits are not constraints of the shapes but
sentences of their documentation ("Length Constraints: Minimum length of 1. Maximum
length of 256."); this script reads those sentences into numbers and keeps each
sentence beside its numbers. The limits of the `Other` map come from the ASFF page of
the Security Hub user guide, which the model does not repeat.

Only what credreport writes is copied: AwsSecurityFinding and Resource keep the members
listed in KEEP (the other members are left out, so output that used one would fail the
tests), ResourceDetails keeps AwsIamUser, AwsIamAccessKey, AwsIamRole and Other; every shape they
refer to is copied whole, without its documentation.

    scripts/asff_shapes.py > crates/audit/tests/data/asff/securityhub-asff-shapes.json

An argument names another service-2.json (or .json.gz) instead of the installed one.
Only the standard library and botocore (to find its data) are used.
"""

import gzip
import json
import os
import re
import sys

ROOT = "AwsSecurityFinding"

KEEP = {
    "AwsSecurityFinding": [
        "SchemaVersion",
        "Id",
        "ProductArn",
        "GeneratorId",
        "AwsAccountId",
        "Types",
        "FirstObservedAt",
        "LastObservedAt",
        "CreatedAt",
        "UpdatedAt",
        "Severity",
        "Title",
        "Description",
        "Remediation",
        "SourceUrl",
        "ProductFields",
        "Resources",
        "Compliance",
        "Workflow",
        "RecordState",
        "FindingProviderFields",
    ],
    "Resource": ["Type", "Id", "Partition", "Region", "Tags", "Details"],
    "ResourceDetails": ["AwsIamUser", "AwsIamAccessKey", "AwsIamRole", "Other"],
}

# Limits the user guide gives and the model does not: "Type: Map of up to 50 key-value
# pairs. [...] The key must contain fewer than 128 characters. The value must contain
# fewer than 1,024 characters."
USER_GUIDE = {
    "ResourceDetails.Other": {
        "maxProperties": 50,
        "keyMaxLength": 127,
        "valueMaxLength": 1023,
        "source": "https://docs.aws.amazon.com/securityhub/latest/userguide/"
        "asff-resourcedetails-other.html: Map of up to 50 key-value pairs; the key "
        "must contain fewer than 128 characters; the value must contain fewer than "
        "1,024 characters.",
    },
}

SENTENCES = [
    (r"Length Constraints: Minimum(?: length)? of (\d+)", "minLength"),
    (r"Maximum(?: length)? of (\d+)(?: length)?", "maxLength"),
    (r"Length Constraints: (\d+)\b(?! *length)", "exactLength"),
    (r"Minimum number of (\d+) items?", "minItems"),
    (r"Maximum number of (\d+) items", "maxItems"),
    (r"up to (\d+) key-value pairs", "maxProperties"),
    (r"the key can contain up to (\d+) characters", "keyMaxLength"),
    (r"the value can contain up to (\d+) characters", "valueMaxLength"),
]


def model_path():
    if len(sys.argv) > 1:
        return sys.argv[1]
    import botocore

    base = os.path.join(os.path.dirname(botocore.__file__), "data", "securityhub")
    version = sorted(os.listdir(base))[-1]
    for name in ("service-2.json", "service-2.json.gz"):
        path = os.path.join(base, version, name)
        if os.path.exists(path):
            return path
    sys.exit(f"no service-2.json under {base}/{version}")


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def limits_of(documentation):
    text = re.sub(r"<[^>]+>", " ", documentation or "")
    text = re.sub(r"\s+", " ", text)
    found = {}
    for pattern, key in SENTENCES:
        m = re.search(pattern, text)
        if m:
            found[key] = int(m.group(1))
    if "exactLength" in found:
        n = found.pop("exactLength")
        found["minLength"] = found["maxLength"] = n
    if found:
        sentences = re.findall(
            r"[^.]*(?:Length Constraints|Maximum|Minimum|up to \d+)[^.]*\.", text
        )
        found["source"] = " ".join(s.strip() for s in sentences)
    return found


def main():
    path = model_path()
    model = load(path)
    shapes = model["shapes"]
    copied = {}
    limits = {}

    def copy(name):
        if name in copied:
            return
        shape = {k: v for k, v in shapes[name].items() if k != "documentation"}
        copied[name] = shape
        if shape["type"] == "structure":
            members = shape["members"]
            if name in KEEP:
                members = {m: members[m] for m in KEEP[name]}
                shape["required"] = [r for r in shape.get("required", []) if r in members]
            shape["members"] = {}
            for member, ref in members.items():
                shape["members"][member] = {"shape": ref["shape"]}
                found = limits_of(shapes[name]["members"][member].get("documentation"))
                found.update(USER_GUIDE.get(f"{name}.{member}", {}))
                if found:
                    limits[f"{name}.{member}"] = found
                copy(ref["shape"])
        elif shape["type"] == "list":
            shape["member"] = {"shape": shape["member"]["shape"]}
            copy(shape["member"]["shape"])
        elif shape["type"] == "map":
            shape["key"] = {"shape": shape["key"]["shape"]}
            shape["value"] = {"shape": shape["value"]["shape"]}
            copy(shape["key"]["shape"])
            copy(shape["value"]["shape"])

    copy(ROOT)
    try:
        import botocore

        version = botocore.__version__
    except ImportError:
        version = "unknown"
    out = {
        "source": {
            "model": "botocore/data/securityhub/"
            f"{model['metadata']['apiVersion']}/service-2.json",
            "botocore": version,
            "license": "Apache-2.0 (botocore, Copyright Amazon.com, Inc. or its affiliates)",
            "made_by": "scripts/asff_shapes.py",
            "root": ROOT,
            "kept_members": KEEP,
        },
        "limits": dict(sorted(limits.items())),
        "shapes": dict(sorted(copied.items())),
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=False, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
