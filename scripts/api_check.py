#!/usr/bin/env python3
"""Tokio API coverage of the `runtime` facade: generates / verifies API.md.

Usage (from anywhere in the repository):

    python3 scripts/api_check.py --write   # regenerate API.md
    python3 scripts/api_check.py --check   # regenerate in memory; exit 1 with
                                           # a diff if API.md is stale

How it works:

1. Tokio's public items. A scratch crate in /tmp/api_check_tokio depends on
   `tokio = "=1.54.1"` (features `full` + `test-util`, from the local cargo
   registry, `--offline`), and `cargo +nightly doc --no-deps -p tokio` writes
   rustdoc JSON (`RUSTDOCFLAGS="-Z unstable-options --output-format json"`).
   Without `--cfg tokio_unstable` the unstable items are not there; rustdoc
   JSON also leaves out `#[doc(hidden)]` items. Documented for this host
   (Linux): Windows-only items are not listed.
2. Ours. The same for the facade (`-p runtime --features runtime/hyper`) and
   the crates it re-exports from (the workspace's `runtime-*` crates and
   `futures-io`): rustdoc JSON does not inline items re-exported from another
   crate, so the walk follows such re-exports into that crate's JSON. These
   are built with `--document-private-items` (methods of a type reached
   only through a `pub type` alias), the walk keeps to `pub` items.
3. Both crates are walked from the root: modules, structs, enums (and their
   variants), unions, traits (and their methods), functions, macros,
   attribute macros, type aliases, constants and statics, plus the public
   inherent methods and associated constants of every public type, under every
   public path (re-exports included). `runtime::X` is compared with
   `tokio::X`: same path = present, otherwise absent. For functions present
   in both, a different `async`-ness or number of parameters is flagged as
   `different (auto: ...)`.
4. scripts/api_notes.tsv (tab-separated: tokio path without `tokio::`,
   status `present`/`different`/`absent`, note; `#` comments) explains.
   The generator stays the source of truth for present vs absent:
   - an exact path: `different` turns a present item into different (with the
     note); `present` adds the note; `absent` gives the reason of an absent
     item. A note that contradicts the generator (says absent, item is present,
     or vice versa) is not applied and is listed under "Stale notes".
   - `prefix::*`: applies to every item under `prefix` that has no exact
     note and whose generated status matches (`absent` notes to absent items,
     `present`/`different` notes to present ones).
   - a path containing a space (e.g. `#[main] name = "..."`) is a behaviour
     note, not an item: listed in its module's "Behaviour notes".
   - a path that matches no Tokio item is listed under "Stale notes".

All cargo invocations use CARGO_TARGET_DIR=<repo>/target/api, so the main
build is not disturbed (`--locked`: the workspace's Cargo.lock is not
rewritten). Needs `cargo +nightly` and Tokio 1.54.1 in the cargo registry;
takes about 8 s from an empty target/api on 2 cores, 3-5 s after that
(`--no-build` reuses the JSON in target/api/doc: under a second). Not part of
.ci/run (needs nightly rustdoc JSON of tokio).

`--check` ignores the "Generated ..." line (commit and date).
"""

import argparse
import collections
import datetime
import difflib
import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.path.join(REPO, "target", "api")
DOC = os.path.join(TARGET, "doc")
API_MD = os.path.join(REPO, "API.md")
NOTES = os.path.join(REPO, "scripts", "api_notes.tsv")
TOKIO_VERSION = "1.54.1"
TOKIO_FEATURES = ["full", "test-util"]
SCRATCH = "/tmp/api_check_tokio"
# Crates whose items the facade re-exports (rustdoc JSON for each).
FACADE_CRATES = [
    "runtime", "runtime-core", "runtime-executor", "runtime-reactor",
    "runtime-net", "runtime-sync", "runtime-macros", "futures-io",
]
FACADE_FEATURES = ["runtime/hyper"]
GENERATED_PREFIX = "Generated "

# Display order of the modules in API.md; others follow alphabetically.
GROUP_ORDER = [
    "(crate root)", "runtime", "task", "time", "sync", "sync::mpsc",
    "sync::oneshot", "sync::broadcast", "sync::watch", "net", "io", "signal",
    "fs", "process",
]
SPLIT_GROUPS = {"sync": {"mpsc", "oneshot", "broadcast", "watch"}}


def log(msg):
    print(msg, file=sys.stderr)


# ---------------------------------------------------------------- building

def cargo_env(extra_rustdoc_flags=""):
    env = dict(os.environ)
    env["CARGO_TARGET_DIR"] = TARGET
    env["RUSTDOCFLAGS"] = ("-Z unstable-options --output-format json " + extra_rustdoc_flags).strip()
    return env


def run_cargo(args, cwd, extra_rustdoc_flags=""):
    cmd = ["cargo", "+nightly"] + args
    p = subprocess.run(cmd, cwd=cwd, env=cargo_env(extra_rustdoc_flags),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        log(p.stdout + p.stderr)
        sys.exit("api_check: failed: " + " ".join(cmd) + " (in " + cwd + ")")


def build_tokio():
    os.makedirs(os.path.join(SCRATCH, "src"), exist_ok=True)
    manifest = (
        '[package]\nname = "api-check-tokio"\nversion = "0.0.0"\n'
        'edition = "2021"\npublish = false\n\n[dependencies]\n'
        'tokio = { version = "=%s", features = [%s] }\n\n[workspace]\n'
        % (TOKIO_VERSION, ", ".join('"%s"' % f for f in TOKIO_FEATURES)))
    path = os.path.join(SCRATCH, "Cargo.toml")
    if not os.path.exists(path) or open(path).read() != manifest:
        with open(path, "w") as f:
            f.write(manifest)
    with open(os.path.join(SCRATCH, "src", "lib.rs"), "w") as f:
        f.write("")
    run_cargo(["doc", "--offline", "--no-deps", "-p", "tokio"], SCRATCH)


def build_facade():
    # --locked: never rewrite the workspace's Cargo.lock.
    args = ["doc", "--offline", "--locked", "--no-deps"]
    for c in FACADE_CRATES:
        args += ["-p", c]
    args += ["--features", ",".join(FACADE_FEATURES)]
    # Private items too: the inherent impls of a public type that is only
    # reachable through a `pub type` alias (`net::tcp::OwnedReadHalf =
    # split::OwnedReadHalf<TcpStream>`, `split` private) are left out of
    # the JSON otherwise. The walk only follows `pub` items from the root.
    run_cargo(args, REPO, "--document-private-items")


def nightly_version():
    p = subprocess.run(["rustdoc", "+nightly", "--version"], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True)
    return p.stdout.strip() or "rustdoc +nightly"


# ----------------------------------------------------------------- walking

def kind_of(item):
    inner = item["inner"]
    return next(iter(inner)) if isinstance(inner, dict) else inner


class Krate:
    def __init__(self, data):
        self.d = data
        self.index = data["index"]
        self.name = self.index[str(data["root"])]["name"]
        self.by_path = {}
        for id_, p in data["paths"].items():
            if p["crate_id"] == 0:
                self.by_path.setdefault(tuple(p["path"]), id_)


class Walker:
    """Public paths of a crate, following re-exports into other crates."""

    def __init__(self, crates):
        self.crates = crates  # name -> Krate
        self.items = {}  # path tuple -> (kind, info)
        self.warnings = set()

    def resolve(self, krate, id_):
        """(krate, item) for an id used in `krate`; (None, paths-entry) if external
        and not loaded; (None, None) if unknown."""
        if id_ is None:
            return None, None
        sid = str(id_)
        if sid in krate.index:
            return krate, krate.index[sid]
        p = krate.d["paths"].get(sid)
        if p is None:
            return None, None
        ext = krate.d["external_crates"].get(str(p["crate_id"]), {}).get("name")
        other = self.crates.get(ext)
        if other is not None:
            oid = other.by_path.get(tuple(p["path"]))
            if oid is not None and oid in other.index:
                return other, other.index[oid]
            if tuple(p["path"]) == (other.name,):
                return other, other.index[str(other.d["root"])]
            self.warnings.add("unresolved: %s" % "::".join(p["path"]))
        return None, p

    def add(self, path, kind, info=None):
        if path not in self.items:
            self.items[path] = (kind, info or {})

    def module_entries(self, krate, mod_item, stack):
        """name -> (krate, item or paths-entry) of a module's public items."""
        explicit, globbed = {}, {}
        for cid in mod_item["inner"]["module"]["items"]:
            child = krate.index.get(str(cid))
            if child is None or child.get("visibility") != "public":
                continue
            if kind_of(child) == "use":
                u = child["inner"]["use"]
                k2, target = self.resolve(krate, u["id"])
                if target is None:
                    continue
                if u["is_glob"]:
                    if k2 is not None and kind_of(target) == "module":
                        key = (k2.name, target["id"])
                        if key in stack:
                            continue
                        sub = self.module_entries(k2, target, stack | {key})
                        for n, v in sub.items():
                            globbed.setdefault(n, v)
                    else:
                        self.warnings.add("glob not followed: %s" % u["source"])
                    continue
                name = u["name"]
                explicit.setdefault(name + self.ns(k2, target), (k2, target))
            else:
                if child["name"] is None:
                    continue
                explicit.setdefault(child["name"] + self.ns(krate, child), (krate, child))
        for n, v in globbed.items():
            explicit.setdefault(n, v)
        return explicit

    @staticmethod
    def ns(krate, item):
        # macros live in their own namespace (`pin!` next to a `pin` module).
        k = kind_of(item) if krate is not None else item["kind"]
        return "!" if k in ("macro", "proc_macro", "proc_attribute", "proc_derive") else ""

    def walk_module(self, krate, mod_item, prefix, stack):
        key = (krate.name, mod_item["id"])
        if key in stack:
            return
        stack = stack | {key}
        for name, (k2, target) in self.module_entries(krate, mod_item, stack).items():
            name = name.rstrip("!")
            path = prefix + (name,)
            if k2 is None:  # external, not loaded (std, core, ...): the path only
                self.add(path, target["kind"])
                continue
            self.walk_item(k2, target, path, stack)

    def walk_item(self, krate, item, path, stack):
        kind = kind_of(item)
        inner = item["inner"][kind] if isinstance(item["inner"], dict) else {}
        info = {"deprecated": bool(item.get("deprecation"))}
        if kind == "module":
            self.add(path, "module", info)
            self.walk_module(krate, item, path, stack)
        elif kind == "macro":
            self.add(path, "macro", info)
        elif kind == "proc_macro":
            self.add(path, inner.get("kind", "proc_macro"), info)
        elif kind in ("struct", "enum", "union"):
            self.add(path, kind, info)
            self.members(krate, item, path)
        elif kind == "trait":
            self.add(path, "trait", info)
            for mid in inner.get("items", []):
                m = krate.index.get(str(mid))
                if m is None or m["name"] is None:
                    continue
                mk = kind_of(m)
                self.add(path + (m["name"],),
                         {"function": "trait_method", "assoc_type": "assoc_type",
                          "assoc_const": "assoc_const"}.get(mk, mk),
                         self.fn_info(m) if mk == "function" else {})
        elif kind == "function":
            self.add(path, "function", self.fn_info(item))
        elif kind == "type_alias":
            self.add(path, kind, info)
            # `type OwnedReadHalf = split::OwnedReadHalf<TcpStream>`: the
            # methods of the aliased type are the alias's.
            rp = inner.get("type", {}).get("resolved_path") if isinstance(inner.get("type"), dict) else None
            if rp is not None:
                k2, target = self.resolve(krate, rp["id"])
                if k2 is not None and kind_of(target) in ("struct", "enum", "union"):
                    self.members(k2, target, path)
        elif kind in ("constant", "static", "trait_alias"):
            self.add(path, kind, info)
        elif kind == "primitive":
            pass
        else:
            self.add(path, kind, info)


    def members(self, krate, item, path):
        """Enum variants, inherent methods and associated constants of a type."""
        kind = kind_of(item)
        inner = item["inner"][kind]
        if kind == "enum":
            for vid in inner.get("variants", []):
                v = krate.index.get(str(vid))
                if v is not None:
                    self.add(path + (v["name"],), "variant")
        for iid in inner.get("impls", []):
            impl = krate.index.get(str(iid))
            if impl is None:
                continue
            im = impl["inner"]["impl"]
            if im.get("trait") is not None or im.get("blanket_impl") is not None:
                continue
            for mid in im["items"]:
                m = krate.index.get(str(mid))
                if m is None or m.get("visibility") != "public" or m["name"] is None:
                    continue
                mk = kind_of(m)
                if mk == "function":
                    self.add(path + (m["name"],), "method", self.fn_info(m))
                elif mk == "assoc_const":
                    self.add(path + (m["name"],), "assoc_const")

    @staticmethod
    def fn_info(m):
        f = m["inner"]["function"]
        inputs = f["sig"]["inputs"]
        return {
            "async": bool(f["header"].get("is_async")),
            "params": len(inputs),
            "self": bool(inputs) and inputs[0][0] == "self",
            "deprecated": bool(m.get("deprecation")),
        }

    def walk_root(self, crate_name):
        k = self.crates[crate_name]
        root = k.index[str(k.d["root"])]
        self.walk_module(k, root, (), frozenset())
        return self.items


def load(name):
    path = os.path.join(DOC, name.replace("-", "_") + ".json")
    with open(path) as f:
        return Krate(json.load(f))


# ------------------------------------------------------------------- notes

def read_notes():
    notes = []
    with open(NOTES) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 3 or cols[1] not in ("present", "different", "absent"):
                sys.exit("api_check: %s:%d: expected `path<TAB>present|different|absent<TAB>note`"
                         % (NOTES, n))
            notes.append((cols[0].strip(), cols[1], cols[2].strip()))
    return notes


# --------------------------------------------------------------- rendering

KIND_LABEL = {
    "module": "mod", "struct": "struct", "enum": "enum", "union": "union",
    "variant": "variant", "trait": "trait", "trait_method": "trait fn",
    "function": "fn", "method": "method", "macro": "macro",
    "attr": "attribute", "proc_attribute": "attribute", "derive": "derive",
    "type_alias": "type", "constant": "const", "static": "static",
    "assoc_const": "const", "assoc_type": "assoc type",
}


def display(path, kind):
    s = "::".join(path)
    if kind == "macro":
        s += "!"
    elif kind in ("attr", "proc_attribute"):
        s = "#[%s]" % s
    return s


def group_of(path, kind):
    if len(path) == 1 and kind != "module":
        return "(crate root)"
    head = path[0]
    if head in SPLIT_GROUPS and len(path) >= 2 and path[1] in SPLIT_GROUPS[head]:
        return head + "::" + path[1]
    return head


def auto_diff(t, o):
    if not t or not o or "params" not in t or "params" not in o:
        return None
    diffs = []
    if t["async"] != o["async"]:
        diffs.append("async in Tokio, not here" if t["async"] else "async here, not in Tokio")
    if t["self"] != o["self"]:
        diffs.append("takes self in Tokio, not here" if t["self"] else "takes self here, not in Tokio")
    elif t["params"] != o["params"]:
        diffs.append("%d parameter(s), Tokio %d" % (o["params"], t["params"]))
    return "auto: " + "; ".join(diffs) if diffs else None


def pct(n, total):
    if not total:
        return "0"
    p = 100.0 * n / total
    return "%d (%s%%)" % (n, "<1" if 0 < p < 0.5 else "%.0f" % p)


def generate(tokio, ours, notes, header):
    exact = {}
    globs = []
    behaviour = []
    for path, status, note in notes:
        if " " in path:
            behaviour.append((path, status, note))
        elif path.endswith("::*"):
            globs.append((tuple(path[:-3].split("::")), status, note))
        else:
            exact.setdefault(path.replace("!", ""), []).append((status, note))
    globs.sort(key=lambda g: -len(g[0]))

    rows = collections.defaultdict(list)
    stale = []
    used_exact = set()
    for path in sorted(tokio):
        kind, info = tokio[path]
        key = "::".join(path)
        present = path in ours
        status = "present" if present else "absent"
        texts = []
        if present:
            a = auto_diff(info, ours[path][1])
            if a:
                status = "different"
                texts.append(a)
        if info.get("deprecated"):
            texts.append("deprecated in Tokio")
        if key in exact:
            used_exact.add(key)
            for nstatus, note in exact[key]:
                if (nstatus == "absent") != (not present):
                    stale.append("`%s`: note says %s, generated: %s (%s)"
                                 % (key, nstatus, "present" if present else "absent", note))
                    continue
                if nstatus == "different":
                    status = "different"
                texts.append(note)
        else:
            for prefix, nstatus, note in globs:
                if path[:len(prefix)] == prefix and len(path) > len(prefix) \
                        and (nstatus == "absent") == (not present):
                    if nstatus == "different":
                        status = "different"
                    texts.append(note)
                    break
        rows[group_of(path, kind)].append((display(path, kind), kind, status, texts))
    extras = []
    for path in sorted(set(ours) - set(tokio)):
        kind = ours[path][0]
        key = "::".join(path)
        texts = []
        if key in exact:
            used_exact.add(key)
            texts = [note for _, note in exact[key]]
        extras.append((display(path, kind), kind, texts))
    for key in sorted(exact):
        if key not in used_exact:
            for nstatus, note in exact[key]:
                stale.append("`%s` (%s): no such Tokio %s item: %s"
                             % (key, nstatus, TOKIO_VERSION, note))
    used_globs = set()
    for prefix, _, _ in globs:
        if any(p[:len(prefix)] == prefix and len(p) > len(prefix) for p in tokio):
            used_globs.add(prefix)
    for prefix, nstatus, note in globs:
        if prefix not in used_globs:
            stale.append("`%s::*` (%s): no such Tokio module: %s" % ("::".join(prefix), nstatus, note))
    beh = collections.defaultdict(list)
    for path, status, note in behaviour:
        first = path.split("::")[0].split(" ")[0]
        g = first if first in rows and not path.startswith("#[") else "(crate root)"
        if first == "sync":
            parts = path.split("::")
            if len(parts) > 1 and parts[1].split(" ")[0] in SPLIT_GROUPS["sync"]:
                g = "sync::" + parts[1].split(" ")[0]
        beh[g].append((path, status, note))

    groups = sorted(set(rows) | set(beh),
                    key=lambda g: (GROUP_ORDER.index(g) if g in GROUP_ORDER else len(GROUP_ORDER), g))
    out = []
    out.extend(header)
    out.append("## Summary")
    out.append("")
    out.append("| module | Tokio items | present | different | absent |")
    out.append("|---|---:|---:|---:|---:|")
    tot = collections.Counter()
    for g in groups:
        c = collections.Counter(r[2] for r in rows[g])
        n = sum(c.values())
        tot.update(c)
        out.append("| [`%s`](#%s) | %d | %s | %s | %s |" % (
            g, anchor(g), n, pct(c["present"], n), pct(c["different"], n), pct(c["absent"], n)))
    n = sum(tot.values())
    out.append("| **total** | %d | %s | %s | %s |" % (
        n, pct(tot["present"], n), pct(tot["different"], n), pct(tot["absent"], n)))
    out.append("")
    out.append("Without a note, `absent` means not implemented yet and not explained "
               "(see scripts/api_notes.tsv).")
    out.append("")
    for g in groups:
        out.append("## %s" % g)
        out.append("")
        for disp, kind, status, texts in rows[g]:
            s = status
            if texts:
                s += " (" + "; ".join(texts) + ")"
            out.append("- `%s` %s — %s" % (disp, KIND_LABEL.get(kind, kind), s))
        if beh.get(g):
            out.append("")
            out.append("Behaviour notes (not single items):")
            out.append("")
            for path, status, note in beh[g]:
                out.append("- `%s` — %s (%s)" % (path, status, note))
        out.append("")
    out.append("## Not in Tokio's documented API")
    out.append("")
    out.append("Public paths of this crate with no Tokio %s counterpart in the list above "
               "(extensions, other paths to the same item, or items Tokio hides):" % TOKIO_VERSION)
    out.append("")
    for disp, kind, texts in extras:
        out.append("- `%s` %s%s" % (disp, KIND_LABEL.get(kind, kind),
                                     " (" + "; ".join(texts) + ")" if texts else ""))
    out.append("")
    if stale:
        out.append("## Stale notes")
        out.append("")
        out.append("Notes in scripts/api_notes.tsv that do not match the generated data:")
        out.append("")
        for s in stale:
            out.append("- " + s)
        out.append("")
    return "\n".join(out), stale


def anchor(g):
    return "".join(ch for ch in g.lower().replace(" ", "-") if ch.isalnum() or ch in "-_")


def git(*args):
    p = subprocess.run(["git"] + list(args), cwd=REPO, stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True)
    return p.stdout.strip()


def header_lines():
    head = git("rev-parse", "--short=12", "HEAD") or "unknown"
    dirty = [l for l in git("status", "--porcelain", "--untracked-files=no").splitlines()
             if l[3:].startswith("runtime")]
    state = " (working tree: %d modified file(s) under runtime*/)" % len(dirty) if dirty else ""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return [
        "# Tokio API coverage",
        "",
        "Every public item of Tokio %s (features %s, rustdoc JSON of Linux; items "
        "behind `tokio_unstable` and `#[doc(hidden)]` are not listed) in the modules "
        "of the crate, with its status in this crate (`tokio::X` = `runtime::X`):"
        % (TOKIO_VERSION, " + ".join("`%s`" % f for f in TOKIO_FEATURES)),
        "",
        "- `present`: the same path exists (types, functions, macros, inherent methods, "
        "enum variants, trait methods);",
        "- `different (how)`: it exists, but differs as said (`auto:` = a different "
        "`async`-ness or number of parameters, found by the script; the others are "
        "from scripts/api_notes.tsv);",
        "- `absent (why)`: there is no such path here.",
        "",
        "Only paths and the notes are compared: types of parameters and trait "
        "implementations are not. Public paths of ours that Tokio does not have are listed "
        "at the end.",
        "",
        "Do not edit by hand: `python3 scripts/api_check.py --write` regenerates this "
        "file (nightly rustdoc JSON of tokio and of the facade, in "
        "`CARGO_TARGET_DIR=target/api`, offline; about 10 s), "
        "`python3 scripts/api_check.py --check` exits 1 with a diff if it is stale "
        "(not run by .ci/run). Explanations go to scripts/api_notes.tsv.",
        "",
        "%sat commit %s%s on %s with %s." % (GENERATED_PREFIX, head, state, now, nightly_version()),
        "",
    ]


def strip_generated(text):
    return [l for l in text.splitlines() if not l.startswith(GENERATED_PREFIX)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--write", action="store_true", help="regenerate API.md")
    g.add_argument("--check", action="store_true", help="exit 1 with a diff if API.md is stale")
    ap.add_argument("--no-build", action="store_true",
                    help="reuse the rustdoc JSON already in target/api/doc")
    args = ap.parse_args()

    if not args.no_build:
        build_tokio()
        build_facade()
    tw = Walker({"tokio": load("tokio")})
    tokio = tw.walk_root("tokio")
    crates = {}
    for c in FACADE_CRATES:
        k = load(c)
        crates[k.name] = k
    ow = Walker(crates)
    ours = ow.walk_root("runtime")
    for w in sorted(tw.warnings | ow.warnings):
        log("api_check: warning: " + w)

    text, stale = generate(tokio, ours, read_notes(), header_lines())
    for s in stale:
        log("api_check: stale note: " + s)
    if args.write:
        with open(API_MD, "w") as f:
            f.write(text)
        log("api_check: wrote %s (%d Tokio items)" % (API_MD, len(tokio)))
        return 0
    try:
        with open(API_MD) as f:
            old = f.read()
    except FileNotFoundError:
        old = ""
    a, b = strip_generated(old), strip_generated(text)
    if a != b:
        sys.stdout.writelines(l + "\n" for l in difflib.unified_diff(
            a, b, "API.md", "API.md (regenerated)", lineterm=""))
        log("api_check: API.md is stale: run python3 scripts/api_check.py --write")
        return 1
    log("api_check: API.md is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
