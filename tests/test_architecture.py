"""The layout the README and docs/architecture.md describe, enforced.

* Imports flow one way: engine -> Kubernetes vocabulary -> property vocabulary -> the profile
  contract -> profiles -> applications; the applications reach profiles only through the registry.
* No module outside a profile's folder names a profile (no import of it, no string that is its name).
* A profile's folder never imports another profile's.
* No import circles, counting imports inside functions too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

from kubelife import profiles

ROOT = Path(__file__).resolve().parent.parent
# Repository folder -> installed package (kubelife/model etc. are links to these folders).
PACKAGES = {"model": "kubelife.model", "properties": "kubelife.properties", "profiles": "kubelife.profiles",
            "kubelife": "kubelife"}
LINKS = ("kubelife/model", "kubelife/properties", "kubelife/profiles")
PROFILE_NAMES = frozenset(profiles.names())


def _files() -> dict[str, Path]:
    out = {}
    for folder, pkg in PACKAGES.items():
        for f in sorted((ROOT / folder).rglob("*.py")):
            rel = f.relative_to(ROOT).as_posix()
            if rel.startswith(tuple(link + "/" for link in LINKS)):
                continue
            parts = [pkg, *f.relative_to(ROOT / folder).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = f
    return out


MODULES = _files()


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports(mod: str) -> set[str]:
    """Modules ``mod`` imports anywhere (functions included, ``if TYPE_CHECKING:`` blocks not)."""
    f = MODULES[mod]
    tree = ast.parse(f.read_text(), str(f))
    skip = {id(n) for t in ast.walk(tree) if _type_checking(t) for n in ast.walk(t)}
    package = mod if f.name == "__init__.py" else mod.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names}
    return out


def _known(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _profile_of(mod: str) -> str | None:
    parts = mod.split(".")
    return parts[2] if mod.startswith("kubelife.profiles.") and len(parts) > 2 else None


def _layer(mod: str) -> str:
    if mod.startswith("kubelife.model.engine"):
        return "engine"
    if mod.startswith("kubelife.model"):
        return "k8s"
    if mod.startswith("kubelife.properties"):
        return "properties"
    if mod == "kubelife.profiles":
        return "contract"
    if mod.startswith("kubelife.profiles."):
        return "profile"
    return "application"


# layer -> layers it may import
ALLOWED = {
    "engine": {"engine"},
    "k8s": {"engine", "k8s"},
    "properties": {"engine", "k8s", "properties"},
    "contract": {"engine", "k8s", "properties"},
    "profile": {"engine", "k8s", "properties", "contract", "profile", "application"},
    "application": {"engine", "k8s", "properties", "contract", "application"},
}


@pytest.mark.parametrize("mod", sorted(MODULES))
def test_imports_flow_one_way(mod: str) -> None:
    for imp in imports(mod):
        assert not imp.startswith(("model.", "properties.", "profiles.")) and imp not in (
            "model", "properties", "profiles"), f"{mod} imports {imp}: installed names live under kubelife"
        target = _known(imp)
        if target is None or target == mod:
            continue
        assert _layer(target) in ALLOWED[_layer(mod)], f"{mod} ({_layer(mod)}) imports {target} ({_layer(target)})"
        if _layer(mod) == "profile":
            assert _profile_of(target) in (None, _profile_of(mod)), f"{mod} imports another profile: {target}"


def _strings(tree: ast.AST) -> list[ast.Constant]:
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docs.add(id(first.value))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docs]


@pytest.mark.parametrize("mod", sorted(m for m in MODULES if _profile_of(m) is None))
def test_no_module_outside_a_profile_names_one(mod: str) -> None:
    text = MODULES[mod].read_text()
    for name in PROFILE_NAMES:
        assert f"profiles.{name}" not in text, f"{mod} names the {name} profile's package"
    for s in _strings(ast.parse(text)):
        assert s.value not in PROFILE_NAMES, f"{mod} line {s.lineno} names the {s.value!r} profile"


def test_no_import_circles() -> None:
    g = nx.DiGraph()
    for mod in MODULES:
        g.add_node(mod)
        for imp in imports(mod):
            target = _known(imp)
            if target is not None and target != mod:
                g.add_edge(mod, target)
    circles = sorted(sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1)
    assert circles == [], circles


def test_default_engine_never_imports_ray_or_z3() -> None:
    for mod, f in MODULES.items():
        if mod.startswith("kubelife.model.engine.") and f.parent.name == "engine" and f.name != "symbolic.py":
            assert not any(m.split(".")[0] in {"ray", "z3"} for m in imports(mod)), f
