#!/usr/bin/env python3
"""Writes the JSON Schema of one OCSF event class, from a compiled OCSF schema.

The ocsf/ocsf-schema repository ships its definitions (dictionary, objects, event classes,
profiles) but no JSON Schema of an event: the OCSF schema server generates that from the
compiled schema (ocsf/ocsf-server, lib/schema/json_schema.ex). This script follows the
same rules, so that the credreport tests can check OCSF output against the standard's own
definitions without a network or a server:

- the class is a draft-07 schema with `$id` https://schema.ocsf.io/schema/classes/<class>,
  `additionalProperties: false`, and every object it refers to under `$defs`, each also
  closed (`additionalProperties: false`) unless it defines no attribute (the generic
  `object`, which `unmapped` is);
- `required` is the attributes whose requirement is "required"; an object's constraints
  become `oneOf` (just_one) and `anyOf` (at_least_one);
- string_t and integer_t attributes with an enum get `enum` (or `const` for one value);
  other types map to their JSON type through the type they derive from (timestamp_t and
  long_t are integers, url_t is a string, ...); json_t accepts anything; arrays are
  `{"type": "array", "items": ...}`;
- attributes that belong to a profile are kept only for the profiles named with
  --profile (the server's `profiles` parameter); other profiles' attributes are left out,
  so an event using them does not validate;
- --object adds an object the class does not refer to under `$defs` (credreport writes
  a `compliance` object in `unmapped`, a Detection Finding having no attribute for it).

The input is a compiled schema as `python -m ocsf.compile` (ocsf/ocsf-lib-py) writes it
for a tagged ocsf-schema release; ocsf-lib-py keeps those for every release in
schema_cache/schema-<version>.json. For credreport's schema file:

    scripts/ocsf_json_schema.py schema-1.5.0.json detection_finding --profile cloud \
        --object compliance > crates/audit/schemas/ocsf-1.5.0-detection_finding.schema.json

Only the standard library is used.
"""

import argparse
import json
import sys

BASE_URI = "https://schema.ocsf.io/schema/classes"

JSON_TYPES = {
    "string_t": "string",
    "integer_t": "integer",
    "long_t": "integer",
    "float_t": "number",
    "boolean_t": "boolean",
}


def kept(attributes, profiles):
    """The attributes not tied to a profile, or tied to one of `profiles`."""
    return {
        name: attr
        for name, attr in attributes.items()
        if attr.get("profile") is None or attr["profile"] in profiles
    }


def json_type(types, type_name):
    """The JSON type of an OCSF scalar type, through the type it derives from."""
    seen = set()
    while type_name not in JSON_TYPES:
        if type_name in seen or type_name not in types:
            return type_name
        seen.add(type_name)
        type_name = types[type_name].get("type") or type_name
    return JSON_TYPES[type_name]


def enum_keys(enum, as_int):
    keys = [int(k) if as_int else k for k in enum]
    return sorted(keys)


def attribute(types, attr):
    schema = {"title": attr.get("caption")}
    type_name = attr["type"]
    if attr.get("object_type"):
        schema["$ref"] = "#/$defs/" + attr["object_type"].replace("/", "_")
    elif type_name in ("integer_t", "string_t"):
        as_int = type_name == "integer_t"
        if attr.get("enum"):
            values = enum_keys(attr["enum"], as_int)
            if len(values) == 1:
                schema["const"] = values[0]
            else:
                schema["enum"] = values
        schema["type"] = "integer" if as_int else "string"
    elif type_name == "json_t":
        pass
    else:
        schema["type"] = json_type(types, type_name)
    if attr.get("is_array"):
        items = {}
        if "type" in schema:
            items["type"] = schema.pop("type")
            if "enum" in schema:
                items["enum"] = schema.pop("enum")
        elif "$ref" in schema:
            items["$ref"] = schema.pop("$ref")
        schema["type"] = "array"
        schema["items"] = items
    return schema


def item_schema(types, item, profiles):
    attributes = kept(item["attributes"], profiles)
    constraints = item.get("constraints") or {}
    just_one = [a for a in constraints.get("just_one") or [] if a in attributes]
    at_least_one = [a for a in constraints.get("at_least_one") or [] if a in attributes]
    properties = {name: attribute(types, attr) for name, attr in attributes.items()}
    required = sorted(
        name
        for name, attr in attributes.items()
        if attr.get("requirement") == "required"
        and name not in just_one
        and name not in at_least_one
    )
    schema = {
        "title": item.get("caption"),
        "type": "object",
        "properties": properties,
        "additionalProperties": not properties,
    }
    if required:
        schema["required"] = required
    if just_one:
        schema["oneOf"] = [
            {"required": [a], "not": {"required": [b for b in just_one if b != a]}}
            for a in just_one
        ]
    if at_least_one:
        schema["anyOf"] = [{"required": [a]} for a in at_least_one]
    return schema


def referenced(objects, item, profiles, found):
    """Every object `item` refers to, directly or not (with the kept attributes only)."""
    for attr in kept(item["attributes"], profiles).values():
        name = attr.get("object_type")
        if name and name not in found:
            found[name] = objects[name]
            referenced(objects, objects[name], profiles, found)
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("compiled", help="a compiled OCSF schema (JSON)")
    parser.add_argument("event_class", help="the class name, e.g. detection_finding")
    parser.add_argument("--profile", action="append", default=[], help="a profile to apply")
    parser.add_argument(
        "--object", action="append", default=[], help="an object to add under $defs"
    )
    args = parser.parse_args()
    with open(args.compiled, encoding="utf-8") as f:
        compiled = json.load(f)
    types = compiled["types"]
    objects = compiled["objects"]
    cls = compiled["classes"][args.event_class]
    profiles = set(args.profile)
    unknown = profiles - set(cls.get("profiles") or [])
    if unknown:
        sys.exit(f"{args.event_class} has no profile {sorted(unknown)}")
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": f"{BASE_URI}/{args.event_class}",
        "$comment": (
            f"OCSF {compiled['version']} class {args.event_class} "
            f"(uid {cls['uid']}), profiles: {', '.join(sorted(profiles)) or 'none'}; "
            f"objects added: {', '.join(args.object) or 'none'}. "
            "Generated by credreport's scripts/ocsf_json_schema.py from the compiled "
            "schema of the ocsf/ocsf-schema release (Apache-2.0)."
        ),
    }
    schema.update(item_schema(types, cls, profiles))
    defs = referenced(objects, cls, profiles, {})
    for name in args.object:
        defs[name] = objects[name]
        referenced(objects, objects[name], profiles, defs)
    schema["$defs"] = {
        name.replace("/", "_"): item_schema(types, obj, profiles)
        for name, obj in sorted(defs.items())
    }
    json.dump(schema, sys.stdout, indent=1, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
