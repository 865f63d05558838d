"""State-diagram reports (issue 5): ``kubelife report`` writes ``reports/``.

Pipeline: :mod:`~kubelife.report.gather` runs the checkers,
:mod:`~kubelife.report.extract` derives diagrams from the model,
:mod:`~kubelife.report.content` assembles tables and traces, and the DOT/SVG,
Mermaid, Markdown and HTML writers draw them.  See docs/reports.md.
"""

from kubelife.report.write import WriteResult, write_report

__all__ = ["write_report", "WriteResult"]
