"""A regular (non-editable) install puts every import name under ``kubelife``: a user's project with
its own ``model`` and ``properties`` packages still imports the oracle and runs the pytest fixture."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv (seeing this interpreter's packages for the dependencies) with kubelife built
    from the source tree as a wheel and installed without -e."""
    where = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(where)
    py = where / "bin" / "python"
    wheels = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(wheels), str(ROOT)], check=True, capture_output=True, timeout=600)
    wheel = next(wheels.glob("kubelife-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "-q",
                    "--force-reinstall", str(wheel)], check=True, capture_output=True, timeout=600)
    return py


def _user_project(tmp: Path) -> Path:
    proj = tmp / "project"
    for pkg in ("model", "properties"):  # the names a user's own code very often has
        (proj / pkg).mkdir(parents=True)
        (proj / pkg / "__init__.py").write_text(f"WHO = 'the user project {pkg}'\n")
    (proj / "tests").mkdir()
    (proj / "tests" / "test_trace.py").write_text(textwrap.dedent('''
        import model
        import properties


        def test_user_packages_are_their_own():
            assert model.WHO == "the user project model" and properties.WHO == "the user project properties"


        def test_the_fixture_checks_a_trace(kubelife_assert_conforms):
            node = {"kind": "Node", "metadata": {"name": "n1", "resourceVersion": "1"},
                    "status": {"conditions": [{"type": "Ready", "status": "True"}]}}
            kubelife_assert_conforms([{"type": "ADDED", "object": node}])
    '''))
    return proj


def test_installed_names_live_under_kubelife(installed: Path, tmp_path: Path) -> None:
    proj = _user_project(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KUBELIFE_PROFILES")}
    code = ("import kubelife, kubelife.oracle, model, properties; "
            "print(kubelife.__file__); print(model.WHO); "
            "from kubelife import profiles; print(','.join(profiles.names()))")
    r = subprocess.run([str(installed), "-c", code], cwd=proj, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    where, who, names = r.stdout.split("\n")[:3]
    assert str(installed.parent.parent) in where, where  # the venv's copy, not the source tree
    assert who == "the user project model"
    assert names.split(",")[:2] == ["seed", "modern"]
    r = subprocess.run([str(installed), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=proj, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 passed" in r.stdout
