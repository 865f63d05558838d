"""Imports flow one way: engine -> Kubernetes models -> properties -> applications."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package prefix -> prefixes it must not import
APPS = "kubelife.(applications)"
FORBIDDEN = {
    "model/engine": ("kubelife.model.k8s", "kubelife.properties", APPS),
    "model/k8s": ("kubelife.properties", APPS),
    "properties": (APPS,),
}


def is_forbidden(mod: str, prefixes: tuple[str, ...]) -> bool:
    """``APPS`` stands for any kubelife module outside the model and properties packages."""
    if mod in ("model", "properties") or mod.startswith(("model.", "properties.")):
        return True  # the installed names live under kubelife only
    for pre in prefixes:
        if pre == APPS:
            if mod.startswith("kubelife") and not mod.startswith(("kubelife.model", "kubelife.properties")):
                return True
        elif mod.startswith(pre):
            return True
    return False


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_flow_one_way(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    for f in files:
        for mod in imports(f):
            assert not is_forbidden(mod, FORBIDDEN[package]), f"{f.relative_to(ROOT)} imports {mod}"


def test_default_engine_never_imports_ray_or_z3() -> None:
    for f in sorted((ROOT / "model" / "engine").glob("*.py")):
        if f.name == "symbolic.py":
            continue
        assert not any(m.split(".")[0] in {"ray", "z3"} for m in imports(f)), f
