"""kubelife: a model checker and test oracle for Kubernetes pod and node lifecycles."""

from typing import Any

__all__ = ["__version__"]


def __getattr__(name: str) -> Any:
    # Read from the installed metadata on first use: importing kubelife stays cheap.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("kubelife")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0+unknown"
    raise AttributeError(f"module 'kubelife' has no attribute {name!r}")
