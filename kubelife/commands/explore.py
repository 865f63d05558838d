"""``kubelife explore``: a local web app to walk a configuration's state space."""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from pathlib import Path

from kubelife.cli import add_config_args, config_from_args, semantics_from_args, usage_error

NAME = "explore"
ORDER = 55
HELP = "walk a configuration's state space in the browser (a local web app on 127.0.0.1)"
DEFAULT_PORT = 8765


def _port(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)") from None
    if not 0 <= n <= 65535:
        raise argparse.ArgumentTypeError(f"{n} is not a port number (0-65535)")
    return n


def setup(p: argparse.ArgumentParser) -> None:
    add_config_args(p)
    p.add_argument("--port", type=_port, default=None,
                   help=f"port on 127.0.0.1 (default {DEFAULT_PORT}, or a free port if taken; 0: any free port)")
    p.add_argument("--trace", help="a recorded trace to load at start (any format `kubelife oracle` reads)")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def run(args: argparse.Namespace) -> int:
    from werkzeug.serving import make_server

    from kubelife.explore.app import create_app
    from kubelife.explore.session import ExploreError, Session
    from kubelife.model.k8s.config import Config
    from kubelife.profiles import build

    semantics = semantics_from_args(args)
    cfg = config_from_args(args)
    if cfg is None:  # the one-configuration defaults of `kubelife check`
        cfg = Config.uniform(nodes=1, slots=2, replicas=1, containers=1, profile=args.profile)
    session = Session(build(cfg, semantics))
    if args.trace:
        path = Path(args.trace)
        if not path.is_file():
            usage_error(f"--trace {args.trace!r} is not a file; give a recorded trace.")
        try:
            session.load_recorded(path.name, path.read_bytes())
        except ExploreError as e:
            usage_error(f"--trace: {e}.")
    port = args.port if args.port is not None else DEFAULT_PORT if _free(DEFAULT_PORT) else 0
    try:
        server = make_server("127.0.0.1", port, create_app(session), threaded=True)
    except OSError:
        usage_error(f"--port {port} is taken; choose another port, or 0 for any free port.")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request on the terminal
    url = f"http://127.0.0.1:{server.server_port}/"
    print(f"kubelife explore: {session.model.name} (profile {session.model.config.profile}) at {url}  "
          "(Ctrl-C stops it)", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)  # werkzeug returns from here on Ctrl-C (it swallows the interrupt)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("kubelife: interrupted", file=sys.stderr)
    return 130  # nothing else stops the server: it ran until Ctrl-C
