"""Hypothesis profiles for the test suite: ``ci`` (default) and ``deep``.

``pytest`` runs ``ci``: derandomized (the same examples every run), no deadline.
``pytest --hypothesis-profile deep -m 'slow or not slow'`` (or ``HYPOTHESIS_PROFILE=deep``)
runs many more and longer examples with a random seed. The numbers live in
:data:`kubelife.stateful.run.PROFILES`, so ``kubelife.stateful.run_rows(profile=...)`` uses the same ones.
"""

from __future__ import annotations

import os

from hypothesis import settings

from kubelife.stateful.run import PROFILES

pytest_plugins = ["pytester"]  # tests/test_adapter.py runs the kubelife pytest plugin in a scratch project

for _name, _kw in PROFILES.items():
    settings.register_profile(_name, **_kw)

settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
