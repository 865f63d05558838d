"""The explorer's web app (Flask): pages rendered on the server, htmx swaps the main panel.

Every POST changes the one :class:`Session` and answers with the re-rendered
``#main`` panel; ``GET /api/state`` gives the same data as JSON.  The page
loads only files served from the package (``static/``), so it works offline.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request

from kubelife.explore.session import ExploreError, Session
from kubelife.explore.views import state_view

__all__ = ["create_app"]


def _label(a: Any) -> dict[str, str]:
    """A transition as a button names it: actor and Kubernetes event, then the spec's action."""
    events = ", ".join(a.reasons) if a.reasons else "no event"
    return {"actor": a.actor, "event": events, "action": str(a)}


def _model_json(s: Session) -> dict[str, Any]:
    hist = []
    for k, e in enumerate(s.history):
        hist.append({"index": k, "step": _label(s.action(e.action)) if e.action is not None else None,
                     "current": k == s.cursor, "focus": k == s.focus})
    return {
        "config": s.model.name, "profile": s.model.config.profile, "cursor": s.cursor,
        "loaded": s.loaded, "focus": s.focus, "state": state_view(s.model, s.current.values),
        "text": str(s.model.shape.decode(s.current.values)),
        "changes": [{"field": f, "before": b, "after": a} for f, b, a in s.changes()],
        "enabled": [{"index": i, **_label(a)} for i, a in s.enabled()],
        "history": hist,
        "trace": s.trace.__dict__ if s.trace else None,
    }


def create_app(session: Session) -> Flask:
    app = Flask(__name__)
    app.config["SESSION"] = session

    def main_panel(error: str | None = None, status: int = 200) -> Response:
        with session.lock:
            html = render_template("main.html", d=_model_json(session), error=error)
        return Response(html, status=status, mimetype="text/html")

    def act(fn: Any, *args: Any) -> Response:
        try:
            with session.lock:
                fn(*args)
        except ExploreError as e:
            return main_panel(str(e))  # 200: htmx swaps only successful answers; the message shows in the panel
        return main_panel()

    @app.get("/")
    def index() -> str:
        with session.lock:
            return render_template("page.html", d=_model_json(session), error=None)

    @app.get("/api/state")
    def api_state() -> Response:
        with session.lock:
            return jsonify(_model_json(session))

    @app.get("/checks")
    def checks() -> str:
        return render_template("checks.html", rows=session.rows(), props=session.properties())

    @app.post("/fire/<int:i>")
    def fire(i: int) -> Response:
        return act(session.fire, i)

    @app.post("/goto/<int:k>")
    def goto(k: int) -> Response:
        return act(session.goto, k)

    @app.post("/back")
    def back() -> Response:
        return act(session.back)

    @app.post("/forward")
    def forward() -> Response:
        return act(session.forward)

    @app.post("/reset")
    def reset() -> Response:
        return act(session.reset)

    @app.post("/row/<rid>")
    def row(rid: str) -> Response:
        return act(session.jump_row, rid)

    @app.post("/property")
    def prop() -> Response:
        return act(session.jump_property, request.form.get("name", ""))

    @app.post("/trace")
    def trace() -> Response:
        f = request.files.get("trace")
        if f is None or not f.filename:
            return main_panel("choose a trace file first")
        return act(session.load_recorded, f.filename, f.read())

    return app
