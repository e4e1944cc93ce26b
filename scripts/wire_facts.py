#!/usr/bin/env python3
"""Collect what bunq's wire carries into spec/wire-facts.json.

Three sources are read and compared:
  openapi   bunq's published OpenAPI document (component schemas, 200 responses);
  sdk       bunq's Python SDK (bunq-sdk on PyPI), parsed with `ast`, never imported;
  recorded  real bunq JSON (envelopes, callback payloads) in the fixture folders.

The result has, per SDK URL template, the item name the SDK decodes for each kind of
call ("" when none is read, "bytes" for a raw body, a list for answers of several
items, alternatives nested), and per wire object type its fields, each with one type
and the sources that list it. Types: string, integer, number, boolean, object (unknown object), a schema
name, or array:<type>; a field seen only in recordings may also be `null` or
`array:null` (only ever seen empty); a list that recordings only ever show as `null` has
`"empty": "null"` (bunq sends null, not [], when it holds nothing). When sources disagree the document wins over the
SDK and the SDK over the recordings; incompatible pairs are listed under "conflicts".
"anchors" names the wrappers whose value is one of several one-key wire objects.
"create_required" (per URL template) lists the body fields the SDK's create() takes without a
default value: the fields bunq needs to create the object.

Run it from anywhere; paths default to places relative to the repository root:
    python3 scripts/wire_facts.py                     # downloads the SDK with pip
    python3 scripts/wire_facts.py --sdk /tmp/sdk/bunq_sdk-1.28.0.tar.gz
    python3 scripts/wire_facts.py --sdk DIR --check   # exit 1 when the file is stale
Standard library only.
"""
import argparse
import ast
import difflib
import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SDK_PACKAGE, SDK_VERSION = "bunq-sdk", "1.28.0"
SOURCES = ("openapi", "sdk", "recorded")      # also the order of precedence
WIRE_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
KINDS = ("list", "read", "create", "update", "delete")
DOC_KINDS = dict(zip(("List", "READ", "CREATE", "UPDATE", "DELETE"), KINDS))
URL_KINDS = dict(zip(("LISTING", "READ", "CREATE", "UPDATE", "DELETE"), KINDS))
SDK_METHODS = dict(zip(("list", "get", "create", "update", "delete"), KINDS))
DECODERS = {"_process_for_id", "_process_for_uuid", "_from_json", "_from_json_list", "_from_json_array_nested"}
PRIMITIVES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean", "dict": "object"}
SCALARS = {"string", "integer", "number", "boolean"}
NOT_NAMED = SCALARS | {"object", "null"}
ITEM_DECODER_FILES = ("model/core/bunq_model.py", "json/installation_adapter.py", "json/session_server_adapter.py")
# Keys in bunq's recorded test objects that are misspellings of a real field (the field itself
# is listed by the document and the SDK), and keys that are no field name at all.
RECORDED_MISSPELLINGS = {("Image", "heigh"), ("SchedulePaymentEntry", "counterparty_aliasl")}
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


# ------------------------------------------------------------------ locating the SDK

def fetch_sdk(workdir):
    """Download the pinned source distribution with pip; return the archive."""
    subprocess.run([sys.executable, "-m", "pip", "download", f"{SDK_PACKAGE}=={SDK_VERSION}", "--no-deps",
                    "--no-binary", ":all:", "-d", workdir], check=True, stdout=sys.stderr)
    return next(Path(workdir).glob("*.tar.gz"))


def locate_sdk(arg, workdir):
    """The folder holding `bunq/sdk`, from a folder, a .tar.gz or pip."""
    path = Path(arg) if arg else fetch_sdk(workdir)
    if path.is_file():
        with tarfile.open(path) as tar:
            tar.extractall(workdir, filter="data")
        path = Path(workdir)
    for candidate in [path, *sorted(p for p in path.iterdir() if p.is_dir())]:
        if (candidate / "bunq/sdk/model/generated/endpoint.py").is_file():
            return candidate
    sys.exit(f"wire_facts: no bunq/sdk/model/generated/endpoint.py under {path}")


def sdk_version(root):
    info = root / "PKG-INFO"
    found = re.search(r"^Version: *(\S+)", info.read_text(), re.M) if info.exists() else None
    return found[1] if found else SDK_VERSION


# ------------------------------------------------------------------ reading the SDK

def class_constants(node):
    """Literal class-level constants (`_ENDPOINT_URL_READ = "user/{}"`, `_INDEX_ID = 0`)."""
    return {t.id: s.value.value for s in node.body if isinstance(s, ast.Assign) for t in s.targets
            if isinstance(t, ast.Name) and isinstance(s.value, ast.Constant) and s.value.value is not None}


def response_attrs(node):
    """`_x = None` in the class body or `self._x = None` in __init__, minus request-only ones."""
    inits = [f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"]
    names = []
    for stmt in node.body + [s for f in inits for s in f.body]:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant) and stmt.value.value is None:
            names += [getattr(t, "id", None) or getattr(t, "attr", "") for t in stmt.targets]
    return [n for n in dict.fromkeys(names) if n.startswith("_") and not n.startswith("__")
            and not n.endswith("_field_for_request")]


def method_decodes(node, consts):
    """Per kind of call, the decoder the method uses and its item name: ("_from_json", "Payment")."""
    found = {}
    for fn in node.body:
        if isinstance(fn, ast.FunctionDef) and fn.name in SDK_METHODS:
            found[SDK_METHODS[fn.name]] = (None, None)       # no decoder: raw bytes or nothing
            for call in ast.walk(fn):
                if isinstance(call, ast.Call) and getattr(call.func, "attr", None) in DECODERS:
                    wrapper = call.args[1] if len(call.args) > 1 else None
                    found[SDK_METHODS[fn.name]] = (call.func.attr, consts.get(getattr(wrapper, "attr", None)))
    return found


def create_required(node, consts):
    """The body fields the SDK's `create()` makes its caller give: parameters without a default
    value that go into the request map (`cls.FIELD_CURRENCY: currency`), as wire names."""
    create = next((f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "create"), None)
    if create is None:
        return []
    args = create.args.args
    mandatory = {a.arg for a in args[1:len(args) - len(create.args.defaults)]}
    fields = set()
    for stmt in ast.walk(create):
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Dict) \
                and any(getattr(t, "id", None) == "request_map" for t in stmt.targets):
            for key, value in zip(stmt.value.keys, stmt.value.values):
                if getattr(value, "id", None) in mandatory and getattr(key, "attr", None) in consts:
                    fields.add(consts[key.attr])
    return sorted(fields)


def parse_class(node, module):
    consts = class_constants(node)
    doc = ast.get_docstring(node, clean=False) or ""
    types = dict(re.findall(r":type (_\w+):\s+([\w.\[\]]+)", doc))
    fields, variants = {}, {}
    for attr in response_attrs(node):
        name = attr[1:].removesuffix("_")                # `_id_` -> `id`, `_type_` -> `type`
        (variants if WIRE_NAME.match(name) else fields)[name] = types.get(attr)
    urls = {URL_KINDS[k[14:]]: v for k, v in consts.items() if k.startswith("_ENDPOINT_URL_") and k[14:] in URL_KINDS}
    if "_ENDPOINT_URL_POST" in consts:                 # core classes: installation, session-server
        urls["create"] = consts["_ENDPOINT_URL_POST"]
    return {"name": node.name, "module": module, "consts": consts, "fields": fields,
            "variants": variants, "urls": urls, "decodes": method_decodes(node, consts),
            "create_required": create_required(node, consts)}


def read_sdk_classes(root):
    sdk = root / "bunq/sdk"
    files = [(sdk / "model/generated/endpoint.py", "endpoint"), (sdk / "model/generated/object_.py", "object_")]
    files += [(p, "core") for p in sorted((sdk / "model/core").glob("*.py"))]
    classes = {}
    for path, module in files:
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef):
                classes.setdefault(node.name, parse_class(node, module))
    return classes


def read_anchor_overrides(root):
    """The SDK's wire name -> class name table for anchored objects (ScheduledPayment -> SchedulePayment)."""
    for node in ast.walk(ast.parse((root / "bunq/sdk/json/anchor_object_adapter.py").read_text())):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "_override_field_map":
            return ast.literal_eval(node.value)
    return {}


def read_type_aliases(root):
    """Adapters that decode a type from the raw object as another class: {"MonetaryAccountReference": ...}."""
    aliases = {}
    for path in sorted((root / "bunq/sdk/json").glob("*_adapter.py")):
        for fn in ast.walk(ast.parse(path.read_text())):
            if isinstance(fn, ast.FunctionDef) and fn.name == "deserialize" and len(fn.args.args) == 3:
                target = getattr(getattr(fn.args.args[1].annotation, "slice", None), "id", None)
                for call in ast.walk(fn):
                    if (isinstance(call, ast.Call) and getattr(call.func, "attr", "") == "deserialize"
                            and len(call.args) == 2 and getattr(call.args[1], "id", None) == fn.args.args[2].arg):
                        aliases[target] = re.sub(r"(ApiObject|Object)$", "", call.args[0].id)
    return aliases


def read_item_decoders(root):
    """({wire item: class it decodes into}, {adapter target: [item or [alternatives], ...] in order})."""
    by_item, sequences = {}, {}
    for rel in ITEM_DECODER_FILES:
        for cls in ast.walk(ast.parse((root / "bunq/sdk" / rel).read_text())):
            if not isinstance(cls, ast.ClassDef):
                continue
            for fn in cls.body:
                if isinstance(fn, ast.FunctionDef) and (fn.name == "deserialize" or fn.name.startswith("_process")):
                    positions = decoded_positions(fn, class_constants(cls), by_item)
                    target = getattr(getattr(fn.args.args[1].annotation, "slice", None), "id", None)
                    if fn.name == "deserialize" and target and positions:
                        sequences[target] = [v[0] if len(v) == 1 else sorted(v) for _, v in sorted(positions.items())]
    return by_item, sequences


def decoded_positions(fn, consts, by_item):
    """{`cls._INDEX_*` position: [wire items deserialized there]}; fills `by_item` on the way."""
    def consts_in(node, prefix):
        return [consts[a.attr] for a in ast.walk(node) if isinstance(a, ast.Attribute) and a.attr.startswith(prefix)]
    index_of = {n.targets[0].id: consts_in(n.value, "_INDEX_")[0] for n in ast.walk(fn)
                if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name) and consts_in(n.value, "_INDEX_")}
    positions = defaultdict(list)
    for call in ast.walk(fn):
        if isinstance(call, ast.Call) and getattr(call.func, "attr", "") == "deserialize" and len(call.args) == 2:
            wire = consts_in(call.args[1], "_FIELD_")
            index = consts_in(call.args[1], "_INDEX_") + [index_of[n.id] for n in ast.walk(call.args[1])
                                                          if isinstance(n, ast.Name) and n.id in index_of]
            if wire and isinstance(call.args[0], ast.Name):
                by_item.setdefault(wire[0], call.args[0].id)
                positions[index[0] if index else 0].append(wire[0])
    return positions


# ------------------------------------------------------------------ SDK endpoints

def endpoint_item(cls, kind, sequences):
    """The wire item the SDK decodes for one kind of call of one class."""
    func, wrapper = cls["decodes"][kind]
    if kind == "delete":
        return ""
    if func is None:
        return "bytes"                                  # the SDK hands back the raw body
    if func in ("_process_for_id", "_process_for_uuid"):
        return "Id" if func == "_process_for_id" else "Uuid"
    if func == "_from_json_array_nested":
        return sequences.get(cls["name"], [])
    if kind in ("list", "read"):
        return cls["consts"].get("_OBJECT_TYPE_GET", cls["name"].removesuffix("ApiObject"))
    return cls["consts"].get("_OBJECT_TYPE_POST" if kind == "create" else "_OBJECT_TYPE_PUT", wrapper or "")


def login_overrides(root, classes, endpoints):
    """Core classes that stand in for a generated one on the SDK's login path and decode its create
    answer as the generated class's `_OBJECT_TYPE_GET` item (the PSD2 credential answers a
    `CredentialPasswordIp`, not the `Id` the generated create expects): that is what the wire sends."""
    for path in sorted((root / "bunq/sdk/model/core").glob("*_internal.py")):
        for node in ast.parse(path.read_text()).body:
            base = next((b.id for b in getattr(node, "bases", []) if isinstance(b, ast.Name)), None)
            if not isinstance(node, ast.ClassDef) or base not in classes:
                continue
            reads_get = any(isinstance(a, ast.Attribute) and a.attr == "_OBJECT_TYPE_GET" for a in ast.walk(node))
            url, item = classes[base]["urls"].get("create"), classes[base]["consts"].get("_OBJECT_TYPE_GET")
            if reads_get and url in endpoints and item:
                endpoints[url]["create"] = item


def sdk_endpoints(classes, sequences):
    """{url template: {"class": name, kind: item}}, and (category, text) notes on oddities."""
    endpoints, notes = {}, []
    for cls in sorted(classes.values(), key=lambda c: c["name"]):
        base = cls["name"].removesuffix("ApiObject")
        for kind, url in sorted(cls["urls"].items()):
            entry = endpoints.setdefault(url, {"class": base})
            if entry["class"] != base or kind not in cls["decodes"]:
                notes.append(("SDK URL without its own method", f"{base} {kind}"))
                continue
            entry[kind] = endpoint_item(cls, kind, sequences)
            if kind == "create" and cls["create_required"]:
                entry["create_required"] = cls["create_required"]
            func, wrapper = cls["decodes"][kind]
            variants = "/".join(sorted(cls["variants"]))
            if func in ("_from_json", "_from_json_list") and wrapper is None:
                notes.append(("SDK reads one of several items (anchor)", f"{base} {kind}: {variants}") if variants
                             else ("SDK decodes the item without opening it", f"{base} {kind}"))
            elif wrapper and variants:
                notes.append(("SDK opens the item, then looks for another inside", f"{base} {kind}: {wrapper} > {variants}"))
            if kind == "update" and entry[kind] == "" and func == "_from_json":
                notes.append(("SDK update with an empty _OBJECT_TYPE_PUT", f"{base} {url}"))
    return endpoints, notes


# ------------------------------------------------------------------ the published document

def doc_operations(doc):
    """{(url template, kind): name of the 200-response schema, or None}."""
    ops = {}
    for path, item in doc["paths"].items():
        for op in item.values():
            if isinstance(op, dict) and "operationId" in op:
                content = op.get("responses", {}).get("200", {}).get("content", {})
                schema = content.get("application/json", {}).get("schema", {})
                ref = schema.get("$ref") or schema.get("items", {}).get("$ref")
                url = re.sub(r"\{[^}]*\}", "{}", path.strip("/"))
                ops[(url, DOC_KINDS[op["operationId"].split("_", 1)[0]])] = ref and ref.rsplit("/", 1)[-1]
    return ops


def doc_type(prop):
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[-1]
    if prop.get("type") == "array":
        return "array:" + doc_type(prop.get("items", {}))
    return prop.get("type", "object")


def doc_schema_parts(schema):
    """(fields {name: type}, variants {wire item: schema}); request-only fields skipped."""
    fields, variants = {}, {}
    for name, prop in schema.get("properties", {}).items():
        if prop.get("writeOnly") is not True:
            (variants if WIRE_NAME.match(name) and "$ref" in prop else fields)[name] = doc_type(prop)
    return fields, variants


# ------------------------------------------------------------------ merging the facts

def flatten(item):
    """Item names of an endpoint entry: "Payment", or ["Id", "Token", ["UserPerson", ...]]."""
    return [n for part in item for n in flatten(part)] if isinstance(item, list) else [item]


class Facts:
    """Fields per wire type and source, and the schemas and SDK classes that describe each type."""

    def __init__(self, doc, classes, overrides, aliases):
        self.schemas, self.classes = doc["components"]["schemas"], classes
        self.overrides, self.aliases = overrides, aliases
        self.fields = defaultdict(lambda: defaultdict(dict))      # type -> field -> source -> type
        self.also = defaultdict(set)                               # (type, field, source) -> other types
        self.doc_for, self.sdk_for, self.anchors = defaultdict(set), defaultdict(set), defaultdict(set)
        self.pending, self.done, self.notes = [], set(), []

    def want(self, name):
        if name not in self.done:
            self.done.add(name)
            self.pending.append(name)

    def sdk_class_for(self, name):
        """The SDK's own lookup of a name: XApiObject, X, then XObject."""
        name = self.overrides.get(name, name)
        return next((c for c in (name + "ApiObject", name, name + "Object")
                     if c in self.classes and self.classes[c]["module"] != "core"), None)

    def sdk_type(self, text):
        if not text:
            return "object"
        if text.startswith("list["):
            return "array:" + self.sdk_type(text[5:-1])
        name = PRIMITIVES.get(text) or text.rsplit(".", 1)[-1]
        return self.aliases.get(name, name)

    def attach_doc(self, where, item, schema, anchored):
        """Relate an endpoint's 200-response schema to the item the SDK decodes there."""
        if not schema or item in ("", "bytes"):
            return
        fields, variants = doc_schema_parts(self.schemas[schema])
        if variants and not fields:                 # the document names the item(s) itself
            for key, ref in variants.items():
                self.doc_for[key].add((0, ref))
                self.want(key)
            if anchored:
                self.anchors[item].update(variants)
            elif not set(flatten(item)) & set(variants):
                self.notes.append(("SDK item differs from the document's",
                                   f"{where}: SDK {item}, document {'/'.join(variants)}"))
            return
        if item in ("Id", "Uuid"):
            self.notes.append(("document answers a bare object where the SDK reads an item", f"{where} ({item})"))
        self.doc_for[item].add((0, schema))
        self.want(item)

    def expand(self):
        """Describe every wanted type from its schemas and classes, following named field types."""
        while self.pending:
            name = self.pending.pop()
            same_name = {(1, name)} if name in self.schemas else set()
            for _, schema in sorted(self.doc_for[name] | same_name):   # response schemas first
                fields, variants = doc_schema_parts(self.schemas[schema])
                self.add_all(name, "openapi", fields, variants)
            own = self.sdk_class_for(name)
            for cname in sorted(self.sdk_for[name] | ({own} if own else set())):
                cls = self.classes[cname]
                fields = {f: self.sdk_type(t) for f, t in cls["fields"].items()}
                self.add_all(name, "sdk", fields, {k: None for k in cls["variants"]})

    def add_all(self, name, source, fields, variants):
        for field, ftype in fields.items():
            self.add(name, field, source, ftype)
        for key, ref in variants.items():
            self.anchors[name].add(key)
            if ref in self.schemas and (1, ref) not in self.doc_for[key]:
                self.doc_for[key].add((1, ref))
                self.done.discard(key)                   # describe it again with this schema
            self.want(key)

    def add(self, name, field, source, ftype):
        if self.fields[name][field].setdefault(source, ftype) != ftype:
            self.also[(name, field, source)].add(ftype)     # one source, two types: a conflict too
        if ftype.removeprefix("array:") not in NOT_NAMED:
            self.want(ftype.removeprefix("array:"))

    def declared_element(self, name, field, value):
        """The type the document (else the SDK) gives a recorded value, or its items when a list."""
        for source in ("openapi", "sdk"):
            declared = self.fields.get(name, {}).get(field, {}).get(source, "")
            if isinstance(value, list) == declared.startswith("array:"):
                return declared.removeprefix("array:")
        return None


# ------------------------------------------------------------------ recorded objects

def json_kind(value):
    if isinstance(value, list):
        kinds = {json_kind(v) for v in value} - {"null"}
        return "array:" + (merge_kinds(kinds) if kinds else "null")
    for kind, types in (("boolean", bool), ("integer", int), ("number", float), ("string", str), ("object", dict)):
        if isinstance(value, types):
            return kind
    return "null"


def merge_kinds(kinds):
    """One kind for a field seen several ways: a value seen as null or [] adds nothing."""
    real = kinds - {"null", "array:null"} or kinds
    if real <= {"integer", "number"}:
        return max(real, key=len)                   # "number" if any value was fractional
    return "|".join(sorted(real))


def record_object(facts, name, obj, seen):
    facts.want(name)
    facts.expand()                                   # declared types guide the walk below
    for field, value in obj.items():
        if WIRE_NAME.match(field) and isinstance(value, dict):
            record_object(facts, field, value, seen)     # a one-key item, not a field
            continue
        seen[name].setdefault(field, set()).add(json_kind(value))
        hint = facts.declared_element(name, field, value)
        for item in value if isinstance(value, list) else [value]:
            walk_value(facts, item, hint, seen)


def walk_value(facts, value, hint, seen):
    """Record every object reachable from a value; `hint` is its declared type, if any."""
    if isinstance(value, list):
        for item in value:
            walk_value(facts, item, None, seen)
    elif isinstance(value, dict):
        if hint in facts.fields and not any(WIRE_NAME.match(k) for k in value):
            record_object(facts, hint, value, seen)
            return
        for key, item in value.items():
            if WIRE_NAME.match(key) and isinstance(item, dict) and key != "Pagination":
                record_object(facts, key, item, seen)
            else:
                walk_value(facts, item, None, seen)


def read_recorded(facts, files):
    seen = defaultdict(dict)
    for path in files:
        data = json.loads(path.read_text())
        if isinstance(data, dict) and WIRE_NAME.match(path.stem) and not any(WIRE_NAME.match(k) for k in data):
            record_object(facts, path.stem, data, seen)      # a bare object, named by its file
        else:
            walk_value(facts, data, None, seen)
    for name, fields in seen.items():
        for field, kinds in fields.items():
            if FIELD_NAME.match(field) and (name, field) not in RECORDED_MISSPELLINGS:
                facts.add(name, field, "recorded", merge_kinds(kinds))


# ------------------------------------------------------------------ choosing types

def compatible(declared, other):
    """Whether a less trusted source's type fits the one chosen."""
    if other in ("null", declared):
        return True
    if declared.startswith("array:") or other.startswith("array:"):
        both = declared.startswith("array:") and other.startswith("array:")
        return both and (other == "array:null" or compatible(declared[6:], other[6:]))
    if declared in SCALARS or other in SCALARS:
        return declared == "number" and other == "integer"
    return "object" in (declared, other)             # two different named types do not fit


def resolve(facts):
    """Pick each field's type by precedence and list the disagreements."""
    objects, conflicts = {}, []
    for name, fields in facts.fields.items():
        objects[name] = {}
        for field, by_source in fields.items():
            present = [s for s in SOURCES if s in by_source]
            chosen = by_source[present[0]]
            objects[name][field] = {"type": chosen, "from": present}
            if chosen.startswith("array:") and by_source.get("recorded") == "null":
                objects[name][field]["empty"] = "null"      # a list bunq sends as null when it holds nothing
            clashes = {s: [by_source[s], *sorted(facts.also[(name, field, s)])]
                       for s in present if (name, field, s) in facts.also}
            if clashes or any(not compatible(chosen, by_source[s]) for s in present[1:]):
                conflicts.append({"object": name, "field": field, "chosen": chosen,
                                  **{s: by_source[s] for s in present}, **clashes})
    for name in facts.done - objects.keys() - facts.anchors.keys():     # every type met on the way
        if name in facts.schemas or facts.sdk_class_for(name):
            objects[name] = {}                       # known, but no response fields are listed
    return objects, sorted(conflicts, key=lambda c: (c["object"], c["field"]))


# ------------------------------------------------------------------ putting it together

def relative(path):
    return Path(os.path.relpath(path, REPO)).as_posix()


def build(args, sdk_root):
    doc_path = Path(args.openapi)
    doc = json.loads(doc_path.read_text())
    classes = read_sdk_classes(sdk_root)
    by_item, sequences = read_item_decoders(sdk_root)
    endpoints, notes = sdk_endpoints(classes, sequences)
    login_overrides(sdk_root, classes, endpoints)
    ops = doc_operations(doc)
    facts = Facts(doc, classes, read_anchor_overrides(sdk_root), read_type_aliases(sdk_root))
    for item, cname in by_item.items():
        facts.sdk_for[item].add(cname)
        facts.want(item)
    link_endpoints(facts, endpoints, classes, ops)
    for cname, cls in classes.items():
        if cls["module"] == "object_" and not cls["variants"] and cname not in facts.aliases:
            facts.want(cname.removesuffix("Object"))      # every nested value type the SDK knows
    facts.expand()
    # Named from their fixtures folder (`fixtures/callbacks/Payment.json`), wherever it is checked out.
    recorded = {}
    for folder in map(Path, args.fixtures):
        for path in folder.rglob("*.json"):
            recorded.setdefault(path.resolve(), (Path(folder.resolve().name) / path.relative_to(folder)).as_posix())
    files = sorted(recorded, key=recorded.get)
    read_recorded(facts, files)
    objects, conflicts = resolve(facts)
    result = {
        "$comment": f"Generated by scripts/wire_facts.py from {doc_path.name}, {SDK_PACKAGE} {sdk_version(sdk_root)} "
                    "and recorded bunq JSON. Do not edit; rerun the script.",
        "sources": {"openapi": {"file": doc_path.name, "sha256": hashlib.sha256(doc_path.read_bytes()).hexdigest()},
                    "sdk": {"package": SDK_PACKAGE, "version": sdk_version(sdk_root)},
                    "recorded": [recorded[p] for p in files]},
        "endpoints": endpoints,
        "objects": objects,
        "anchors": {name: sorted(items) for name, items in facts.anchors.items() if items},
        "conflicts": conflicts,
    }
    return result, summary(endpoints, objects, conflicts, ops, notes + facts.notes)


def link_endpoints(facts, endpoints, classes, ops):
    """Tie each SDK call's item to the class that decodes it and the document's response schema."""
    for url, entry in sorted(endpoints.items()):
        cls = classes.get(entry["class"] + "ApiObject") or classes[entry["class"]]
        for kind in KINDS:
            if kind not in entry:
                continue
            func, wrapper = cls["decodes"][kind]
            anchored = bool(cls["variants"]) and func in ("_from_json", "_from_json_list") and wrapper is None
            if anchored:
                facts.anchors[entry[kind]].update(cls["variants"])
            elif isinstance(entry[kind], str) and entry[kind] not in ("", "bytes", "Id", "Uuid") and func \
                    and not cls["variants"]:
                facts.sdk_for[entry[kind]].add(cls["name"])
                facts.want(entry[kind])
            facts.attach_doc(f"{url} {kind}", entry[kind], ops.get((url, kind)), anchored)


def summary(endpoints, objects, conflicts, ops, notes):
    per_source = {s: sum(s in f["from"] for o in objects.values() for f in o.values()) for s in SOURCES}
    sdk_ops = {(url, kind) for url, entry in endpoints.items() for kind in KINDS if kind in entry}
    renamed = defaultdict(list)
    for url, kind in sorted(sdk_ops & ops.keys()):
        item, schema = endpoints[url][kind], ops[(url, kind)]
        base = re.sub(r"(Listing|Read)$", "", schema or "")
        if kind in ("list", "read") and schema and isinstance(item, str) and item not in (base, "bytes"):
            segment = [part for part in url.split("/") if part != "{}"][-1]
            renamed[f"{segment} -> {item}"].append(f"{url} {kind} ({schema})")
    notes = notes + [("SDK call not in the document", f"{u} {k}") for u, k in sdk_ops - ops.keys()]
    notes += [("document operation not in the SDK", f"{u} {k}") for u, k in ops.keys() - sdk_ops]
    lines = [f"endpoints: {len(endpoints)} URL templates, {len(sdk_ops)} calls; document: {len(ops)} operations",
             f"objects: {len(objects)}; fields per source: " + ", ".join(f"{s} {n}" for s, n in per_source.items()),
             f"conflicts: {len(conflicts)}",
             f"item names that differ from the schema base name: {sum(map(len, renamed.values()))} calls, "
             f"{len(renamed)} names"]
    lines += [f"  {name}  [{len(where)}: {where[0]}{' ...' if len(where) > 1 else ''}]"
              for name, where in sorted(renamed.items())]
    grouped = defaultdict(set)
    for category, text in notes:
        grouped[category].add(text)
    for category, texts in sorted(grouped.items()):
        lines += [f"{category}: {len(texts)}"] + [f"  {t}" for t in sorted(texts)]
    return "\n".join(lines)


def render(result):
    return json.dumps(result, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def check(out_path, text):
    """Compare the file on disk with a fresh run; 1 and a short diff when they differ."""
    old = out_path.read_text() if out_path.exists() else ""
    if old == text:
        print(f"{relative(out_path)} is up to date", file=sys.stderr)
        return 0
    diff = difflib.unified_diff(old.splitlines(), text.splitlines(), lineterm="", n=0)
    changed = [d for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---"))]
    print(f"{relative(out_path)} is stale: {len(changed)} lines differ; first ones:", file=sys.stderr)
    print("\n".join(changed[:20]), file=sys.stderr)
    print("regenerate with: python3 scripts/wire_facts.py [--sdk PATH]", file=sys.stderr)
    return 1


def main():
    parser = argparse.ArgumentParser(description="Collect what bunq's wire carries into spec/wire-facts.json.")
    parser.add_argument("--sdk", help="bunq-sdk source folder or .tar.gz (default: download it with pip)")
    parser.add_argument("--openapi", default=str(REPO / "../shared/upstream/bunq-openapi-2025-04-17.json"))
    parser.add_argument("--fixtures", nargs="+", default=[str(REPO / "../shared/fixtures")])
    parser.add_argument("--out", default=str(REPO / "spec/wire-facts.json"))
    parser.add_argument("--check", action="store_true", help="compare --out with a fresh run instead of writing")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        result, text_summary = build(args, locate_sdk(args.sdk, workdir))
    print(text_summary, file=sys.stderr)
    text, out_path = render(result), Path(args.out)
    if args.check:
        return check(out_path, text)
    out_path.write_text(text)
    print(f"wrote {relative(out_path)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
