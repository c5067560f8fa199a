"""Validates Kubernetes manifests: every YAML document of every file named, against its schema.

    python3 xtask/kube_validate.py --kubernetes-version 1.30.0 [--kubernetes-version …]
        --crd CRD.yaml [--crd …] MANIFEST.yaml …

Run by `cargo xtask kube` (a step of `cargo xtask test`), which installs kubernetes-validate from
PyPI first. A document's apiVersion and kind choose its schema:

- a kind one of the --crd files defines: that CustomResourceDefinition's openAPIV3Schema for the
  document's version, made into a JSON Schema (draft 2020-12) that refuses what the API server would
  refuse (see `structural`), with `metadata` checked as Kubernetes' ObjectMeta;
- any other kind: Kubernetes' own schema for it at each --kubernetes-version, from the schemas that
  the kubernetes-validate package ships (generated from Kubernetes' OpenAPI), in their strict form
  (unknown fields are errors).

A document with no schema is an error, never a warning. Prints one line per document; on failure
the file, the document's number (1-based) and kind/name, and every error with its path; exits 1.
"""

import argparse
import copy
import sys

import jsonschema
import referencing
import yaml
from kubernetes_validate import utils as k8s

OBJECT_META = "https://kubernetes.io/api/_definitions.json#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


class UniqueKeyLoader(yaml.SafeLoader):
    """YAML loading that refuses a key given twice in one mapping (PyYAML keeps the last silently)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def documents(path):
    """The non-empty YAML documents of `path`, numbered from 1 as they stand in the file."""
    with open(path, encoding="utf-8") as f:
        loaded = list(yaml.load_all(f, Loader=UniqueKeyLoader))
    return [(n, doc) for n, doc in enumerate(loaded, 1) if doc is not None]


def structural(node):
    """An OpenAPI v3 schema node of a CRD as JSON Schema, with what the API server adds:

    - `nullable: true` lets the value be null;
    - an object with `properties` and neither `additionalProperties` nor
      `x-kubernetes-preserve-unknown-fields: true` refuses other keys (the server prunes them, and
      `kubectl apply` — strict field validation by default — refuses the manifest);
    - `x-kubernetes-int-or-string: true` is an integer or a string;
    - `x-kubernetes-list-type: set` items are unique.
    Formats (int32, date-time…) are not checked, as Kubernetes' own schemas here do not check them.
    """
    if isinstance(node, list):
        return [structural(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ("properties", "patternProperties", "$defs"):
            out[key] = {name: structural(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"):
            out[key] = structural(value)
        else:
            out[key] = copy.deepcopy(value)
    if out.get("x-kubernetes-int-or-string") and "anyOf" not in out:
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if out.get("x-kubernetes-list-type") == "set":
        out["uniqueItems"] = True
    preserve = out.get("x-kubernetes-preserve-unknown-fields") is True
    if "properties" in out and "additionalProperties" not in out and not preserve:
        out["additionalProperties"] = False
    if out.pop("nullable", False) is True:
        if "type" in out:
            out["type"] = [out["type"], "null"] if isinstance(out["type"], str) else [*out["type"], "null"]
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


def crd_schemas(paths):
    """{(apiVersion, kind): (JSON Schema, where it came from)} for every served version of every CRD."""
    schemas = {}
    for path in paths:
        for number, doc in documents(path):
            if doc.get("kind") != "CustomResourceDefinition":
                raise SystemExit(f"{path}: document {number} is a {doc.get('kind')}, not a CustomResourceDefinition")
            group, kind = doc["spec"]["group"], doc["spec"]["names"]["kind"]
            for version in doc["spec"]["versions"]:
                if not version.get("served"):
                    continue
                api_version = f"{group}/{version['name']}"
                schema = structural(version["schema"]["openAPIV3Schema"])
                properties = schema.setdefault("properties", {})
                properties["apiVersion"] = {"const": api_version}
                properties["kind"] = {"const": kind}
                properties["metadata"] = {"$ref": OBJECT_META}
                schema["required"] = sorted({*schema.get("required", []), "apiVersion", "kind", "metadata"})
                schema["additionalProperties"] = False
                schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
                schemas[(api_version, kind)] = (schema, f"{path} ({doc['metadata']['name']}, {version['name']})")
    return schemas


def object_meta_registry(kubernetes_version):
    """A registry holding Kubernetes' definitions (ObjectMeta and what it refers to), strict."""
    version = kubernetes_version.removeprefix("v")
    folder = f"kubernetes-json-schema/v{version}-local-strict"
    definitions = k8s.schema_contents(f"{folder}/_definitions.json", version)
    return referencing.Resource.from_contents(definitions) @ referencing.Registry()


def errors_against(schema, document, registry):
    validator = jsonschema.Draft202012Validator(schema, registry=registry)
    found = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        where = ".".join(str(p) for p in error.absolute_path) or "(the document)"
        found.append(f"{where}: {error.message}")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kubernetes-version", action="append", required=True)
    parser.add_argument("--crd", action="append", default=[])
    parser.add_argument("manifests", nargs="+")
    args = parser.parse_args()

    custom = crd_schemas(args.crd)
    registry = object_meta_registry(max(args.kubernetes_version, key=lambda v: tuple(map(int, v.split(".")))))
    valid = 0
    failed = 0
    for path in args.manifests:
        try:
            docs = documents(path)
        except (OSError, yaml.YAMLError) as e:
            print(f"FAIL {path}: not readable as YAML: {e}")
            failed += 1
            continue
        if not docs:
            print(f"FAIL {path}: no YAML document")
            failed += 1
        for number, doc in docs:
            if not isinstance(doc, dict):
                print(f"FAIL {path} document {number}: not a mapping")
                failed += 1
                continue
            api_version, kind = doc.get("apiVersion"), doc.get("kind")
            name = (doc.get("metadata") or {}).get("name") if isinstance(doc.get("metadata"), dict) else None
            label = f"{path} document {number} ({kind}/{name})"
            errors = []
            if (api_version, kind) in custom:
                schema, source = custom[(api_version, kind)]
                errors = errors_against(schema, doc, registry)
                against = f"the CRD schema in {source}"
            elif not isinstance(api_version, str) or not isinstance(kind, str):
                errors = ["(the document): apiVersion and kind must be strings"]
                against = "nothing"
            else:
                against = f"Kubernetes {', '.join(args.kubernetes_version)} (strict)"
                for version in args.kubernetes_version:
                    try:
                        k8s.validate(doc, version, strict=True)
                    except k8s.SchemaNotFoundError as e:
                        errors.append(f"(the document): no schema for it: {e.message}, and no --crd defines it")
                        break
                    except k8s.ValidationError as e:
                        where = ".".join(str(p) for p in e.path) or "(the document)"
                        errors.append(f"{where}: {e.message} (Kubernetes {version})")
            if errors:
                failed += 1
                print(f"FAIL {label} against {against}:")
                for error in errors:
                    print(f"    {error}")
            else:
                valid += 1
                print(f"ok   {label} against {against}")
    print(f"{valid} valid, {failed} invalid")
    return 1 if failed or valid == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
