"""The ``kubelife`` command line.

Each sub-command lives in its own module and registers itself here; bad
input is reported in one sentence with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

__all__ = ["main", "UsageError", "add_config_args", "config_from_args", "usage_error", "tune_config", "tune_suite",
           "add_version_args", "add_profile_arg", "profile_from_args", "version_from_args", "version_text"]


class UsageError(Exception):
    """Bad input from the user; the message is one sentence."""


class _HelpFormatter(argparse.HelpFormatter):
    """Fills in the registered profiles only when help is printed: listing them loads every profile,
    which a run of one profile should not pay for."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help
        if text and "{profiles}" in text:
            from kubelife import profiles

            names = profiles.names()
            text = text.replace("{profiles}", f"{', '.join(names)}; default {names[0] if names else 'none'}")
        return text


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:  # one sentence, no usage dump
        raise UsageError(message[0].upper() + message[1:] + ("" if message.endswith(".") else "."))


def usage_error(message: str) -> NoReturn:
    raise UsageError(message)


def _positive_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # also a number of more than 4300 digits (Python's int parsing limit)
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise argparse.ArgumentTypeError(f"{shown!r} is not a whole number") from None


# The widest restart count every engine holds: SPIN's fields are bytes (0-255); the search grows
# with cap ** (containers x slots), so values this high are for the compiled engine on tiny configurations.
RESTART_CAP_MAX = 255


def whole_number(lo: int, hi: int | None = None) -> Any:
    """An argparse ``type`` for a whole number from ``lo`` (to ``hi``), refused in one sentence."""
    def parse(text: str) -> int:
        n = _positive_int(text)
        if n < lo or (hi is not None and n > hi):
            raise argparse.ArgumentTypeError(f"{n} is out of range; give a whole number from {lo} "
                                             + (f"to {hi}" if hi is not None else "up"))
        return n
    return parse


def _policy(text: str) -> str:
    """A restart policy in any case (``never``, as kubectl's ``--restart`` takes it); its label."""
    from kubelife.model.k8s.types import Policy

    try:
        return Policy.parse(text.strip()).label
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a restart policy; use Always, OnFailure or Never "
                                         "(any case)") from None


_SIZE = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def add_memory_budget_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--memory-budget", metavar="SIZE", default=None,
                   help="stop the compiled search before it allocates past SIZE (e.g. 8G, 512M; "
                   "default 75%% of the machine's memory)")


def apply_memory_budget(args: argparse.Namespace) -> None:
    """Check ``--memory-budget`` and make it the compiled engine's budget (one sentence, exit 2, if bad)."""
    import re

    from kubelife.model.engine import fast

    text = getattr(args, "memory_budget", None)
    if text is None:
        return
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT]?)(?:i?B)?", text.strip(), re.IGNORECASE)
    size = int(float(m.group(1)) * _SIZE[m.group(2).upper()]) if m else 0
    if not _SIZE["M"] * 16 <= size <= _SIZE["T"] * 1024:
        usage_error(f"--memory-budget {text} is not a size from 16M to 1024T; give one like 8G or 512M.")
    fast.set_memory_budget(size)


def add_config_args(p: argparse.ArgumentParser) -> None:
    """The single-configuration flags shared by check, prove, export and report."""
    from kubelife.model.k8s.types import Policy

    g = p.add_argument_group("a single configuration (default: the default suite)")
    g.add_argument("--preset", help="a named configuration (R1, R2, B1, Always-1c, ...)")
    g.add_argument("--nodes", type=_positive_int, help="number of nodes (1-8; default 1)")
    g.add_argument("--slots", type=_positive_int, help="pod slots (1-12; default 2)")
    g.add_argument("--replicas", type=_positive_int, help="replication controller replicas (default 1)")
    g.add_argument("--containers", type=_positive_int, help="containers per pod (1-6; default 1)")
    g.add_argument("--policy", type=_policy, metavar="|".join(p.label for p in Policy),
                   help="restart policy, any case (default Always)")
    g.add_argument("--restart-cap", type=_positive_int,
                   help=f"restart counts saturate here (0-{RESTART_CAP_MAX}; default 1)")
    g.add_argument("--inits", type=_positive_int, help="regular init containers per pod (0-3; profiles that have them)")
    g.add_argument("--sidecars", type=_positive_int, help="sidecar containers per pod (0-2; profiles that have them)")
    add_version_args(p)
    add_profile_arg(p)
    p.add_argument("--mutant", help="run a deliberately broken variant of the model (see --list-mutants)")


def add_profile_arg(p: argparse.ArgumentParser) -> None:
    """``--profile NAME``: a registered semantics profile (``None``: the registry's default)."""
    p.add_argument("--profile", default=None, help="semantics profile ({profiles})")


def add_version_args(p: argparse.ArgumentParser) -> None:
    """``--kubernetes-version`` and ``--feature-gates``: configuration of profiles that model versions."""
    g = p.add_argument_group("Kubernetes version and feature gates (profiles that model them)")
    g.add_argument("--kubernetes-version", metavar="1.N",
                   help="the Kubernetes minor version whose kubelet and controllers to follow (default: the "
                        "profile's newest)")
    g.add_argument("--feature-gates", metavar="NAME=true|false,...",
                   help="feature gates to set, as the kubelet's flag takes them (default: the version's defaults)")


def _gates(text: str | None) -> tuple[tuple[str, bool], ...]:
    if not text:
        return ()
    out: dict[str, bool] = {}
    for part in text.split(","):
        name, eq, value = part.strip().partition("=")
        if not name:
            continue
        if not eq or value.strip().lower() not in ("true", "false"):
            usage_error(f"--feature-gates {part.strip()!r} is not NAME=true or NAME=false; give a comma-separated "
                        "list such as SidecarContainers=false.")
        out[name.strip()] = value.strip().lower() == "true"
    return tuple(sorted(out.items()))


def version_from_args(args: argparse.Namespace) -> tuple[str, tuple[tuple[str, bool], ...]]:
    """The ``--kubernetes-version`` (without a leading v) and ``--feature-gates`` the flags name."""
    version = (getattr(args, "kubernetes_version", None) or "").strip()
    return version[1:] if version.lower().startswith("v") else version, _gates(getattr(args, "feature_gates", None))


def version_text(kubernetes: str, gates: Any) -> str:
    """``kubernetes 1.30, gates A=false`` for reports; empty when neither is set."""
    out = f"kubernetes {kubernetes}" if kubernetes else ""
    if gates:
        out += (", " if out else "") + "gates " + ",".join(f"{g}={str(v).lower()}" for g, v in gates)
    return out


def tune_config(args: argparse.Namespace, config: Any) -> Any:
    """``config`` with the version and gates the flags name (checked against its profile)."""
    import dataclasses

    from kubelife import profiles

    version = getattr(args, "kubernetes_version", None)
    gates = _gates(getattr(args, "feature_gates", None))
    if not version and not gates:
        return config
    version = version.strip() if version else ""
    if version.lower().startswith("v"):
        version = version[1:]
    merged = tuple(sorted({**dict(config.gates), **dict(gates)}.items()))
    tuned = dataclasses.replace(config, kubernetes=version or config.kubernetes, gates=merged)
    try:
        return profiles.get(config.profile).configure(tuned)
    except profiles.ProfileError as e:
        usage_error(str(e))


def tune_suite(args: argparse.Namespace, configs: Sequence[Any]) -> list[Any]:
    """A profile's suite under the version and gates the flags name."""
    return [tune_config(args, c) for c in configs]


def profile_from_args(args: argparse.Namespace) -> Any:
    """The :class:`~kubelife.profiles.Profile` the command runs under; a usage error if unknown."""
    from kubelife import profiles

    try:
        return profiles.get(getattr(args, "profile", None))
    except profiles.ProfileError as e:
        usage_error(str(e))


_SINGLE = ("nodes", "slots", "replicas", "containers", "policy", "restart_cap")
_OPTION_SINGLE = ("inits", "sidecars")  # read with getattr(..., None): callers may build args by hand


def config_from_args(args: argparse.Namespace) -> Any:
    """A single Config, or None when the default suite was asked for."""
    from kubelife.model.k8s.config import Config, ConfigError
    from kubelife.model.k8s.types import Policy

    prof = profile_from_args(args)
    try:
        options = {k: getattr(args, k, None) for k in _OPTION_SINGLE}
        if args.preset:
            if any(getattr(args, k) is not None for k in _SINGLE) or any(v is not None for v in options.values()):
                usage_error("--preset cannot be combined with --nodes, --slots, --replicas, --containers, "
                            "--policy or --restart-cap.")
            return tune_config(args, prof.preset(args.preset))
        if all(getattr(args, k) is None for k in _SINGLE) and all(v is None for v in options.values()):
            return None
        _check_single(args)
        return tune_config(args, prof.configure(Config.uniform(
            nodes=1 if args.nodes is None else args.nodes,
            slots=2 if args.slots is None else args.slots,
            replicas=1 if args.replicas is None else args.replicas,
            containers=1 if args.containers is None else args.containers,
            policy=Policy.parse(args.policy) if args.policy else Policy.ALWAYS,
            restart_cap=1 if args.restart_cap is None else args.restart_cap,
            profile=prof.name,
            **{k: v for k, v in options.items() if v is not None},
        )))
    except ConfigError as e:
        usage_error(str(e))


def _check_single(args: argparse.Namespace) -> None:
    """Bounds Config does not know: the restart cap the engines hold, replicas the slots can hold."""
    if args.restart_cap is not None and not 0 <= args.restart_cap <= RESTART_CAP_MAX:
        usage_error(f"--restart-cap {args.restart_cap} is out of range; give a whole number from 0 to "
                    f"{RESTART_CAP_MAX}.")
    slots = 2 if args.slots is None else args.slots
    # Every slot of a uniform configuration is controlled; more replicas than slots can never all run.
    if args.replicas is not None and args.replicas > slots:
        usage_error(f"--replicas {args.replicas} is more than the {slots} controlled slots; give a whole number "
                    f"from 0 to {slots} (or raise --slots).")


def semantics_from_args(args: argparse.Namespace) -> Any:
    """The profile's semantics, or the mutant ``--mutant`` names."""
    from kubelife import profiles

    prof = profile_from_args(args)
    if not getattr(args, "mutant", None):
        return prof.semantics
    try:
        return prof.mutant(args.mutant)
    except profiles.ProfileError as e:
        usage_error(str(e))


def _command_modules() -> list[Any]:
    """Every module in :mod:`kubelife.commands` is a sub-command (NAME, HELP, setup, run)."""
    import importlib
    import pkgutil

    from kubelife import commands

    mods = [importlib.import_module(f"kubelife.commands.{m.name}") for m in pkgutil.iter_modules(commands.__path__)]
    return sorted((m for m in mods if hasattr(m, "NAME")), key=lambda m: m.ORDER)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Any]]:
    from kubelife import __version__

    p = _Parser(prog="kubelife", description="Model checker and conformance oracle for Kubernetes lifecycles.")
    p.add_argument("--version", action="version", version=f"kubelife {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    runners: dict[str, Any] = {}
    for mod in _command_modules():
        sp = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.setup(sp)
        runners[mod.NAME] = mod.run
    return p, runners


def main(argv: Sequence[str] | None = None) -> int:
    # One BLAS thread: NumPy's pool would otherwise spin on the cores the compiled search uses.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    # Everything heavy is imported inside the try, so Ctrl-C while starting up is a clean exit 130 too.
    try:
        from rich.console import Console

        from kubelife.profiles import ProfileError
    except KeyboardInterrupt:
        sys.stderr.write("kubelife: interrupted\n")
        return 130
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        parser, runners = build_parser()
        args = parser.parse_args(argv)
        return int(runners[args.command](args))
    except (UsageError, ProfileError) as e:  # a profile that cannot be loaded or lacks what was asked
        err.print(f"kubelife: error: {e}", markup=False)
        return 2
    except KeyboardInterrupt:
        err.print("kubelife: interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except SystemExit as e:  # --help and --version exit 0 through argparse; main() returns, as for any command
        return e.code if isinstance(e.code, int) else 0


def emit_json(obj: Any) -> None:
    json.dump(obj, sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    sys.exit(main())
