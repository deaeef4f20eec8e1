"""The HTML report: one self-contained page a teacher can read, sort, and print as evidence.

Everything a document holds (text, file names, student names) reaches the page through
Jinja2 with autoescaping on, so it is shown as text and never parsed as markup. The CSS
and the script are inlined and allowed by their sha256 in a Content-Security-Policy that
forbids every other script, style and network load.
"""

from __future__ import annotations

import base64
import hashlib
import math
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import jinja2

from ..batch_result import BatchResult
from ..common_text import common_passages
from ..models import CheckResult, Excluded, reported, shown
from ..students import short_name
from .views import submission_views

#: Distinct highlight colours; a number on every passage tells sources apart without them.
PALETTE_SIZE = 8


def histogram(values: Sequence[float]) -> list[dict[str, Any]]:
    """Counts of similarity in bins: exactly 0, then (0, 10], (10, 20], ... (90, 100].

    >>> [b["count"] for b in histogram([0, 0, 5, 10, 10.5, 100])]
    [2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 1]
    """
    labels = ["0%"] + [f"{low}–{low + 10}%" for low in range(0, 100, 10)]
    counts = [0] * len(labels)
    for value in values:
        counts[0 if value <= 0 else min(10, int((value - 1e-9) // 10) + 1)] += 1
    return [{"label": label, "count": count} for label, count in zip(labels, counts)]


def _group_graphs(pairs: Sequence[Mapping[str, Any]], groups: Mapping[str, int]) -> list[dict[str, Any]]:
    """Per group, its students on a circle and the pairs between them as lines (SVG units),
    the group with the most similar pair first."""
    members: dict[int, list[str]] = {}
    for student, number in groups.items():
        members.setdefault(number, []).append(student)
    graphs = []
    for number in sorted(members):
        graph = _circle(sorted(members[number]))
        places = {node["name"]: (node["x"], node["y"]) for node in graph["nodes"]}
        edges = [
            _edge(pair, places)
            for pair in pairs
            if pair["student_a"] in places and pair["student_b"] in places
        ]
        strongest = max((max(float(e["similarity_a"]), float(e["similarity_b"])) for e in edges), default=0.0)
        graphs.append({"number": number, **graph, "edges": edges, "strongest": strongest})
    # The groups a teacher should look at first: the highest similarity in them.
    return sorted(graphs, key=lambda g: (-g["strongest"], g["number"]))


def _circle(names: list[str]) -> dict[str, Any]:
    """A group's students on a circle: the drawing's size and a node per student, with
    where its name is written."""
    count = len(names)
    radius = 0.0 if count == 1 else max(28.0, 10.0 * count)
    # Room beside the circle for names written left and right of their node (about
    # 7 units a character at the label's size).
    room = min(150.0, 16 + 7 * max(len(name) for name in names))
    width = max(2 * radius + 2 * room, 120.0)
    height = 46 if count <= 2 else 2 * radius + 46
    cx, cy = width / 2, height / 2
    nodes = []
    for i, name in enumerate(names):
        # A pair lies side by side; larger groups start from the top.
        angle = 2 * math.pi * i / count + (math.pi if count == 2 else -math.pi / 2)
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        anchor = "middle" if abs(x - cx) < 1 else "start" if x > cx else "end"
        dx = 0 if anchor == "middle" else 9 if anchor == "start" else -9
        dy = -10 if y < cy and anchor == "middle" else 16 if anchor == "middle" else 4
        nodes.append(
            {
                "name": name,
                "x": round(x, 1),
                "y": round(y, 1),
                "anchor": anchor,
                "lx": round(x + dx, 1),
                "ly": round(y + dy, 1),
            }
        )
    return {"width": round(width), "height": round(height), "nodes": nodes}


def _edge(pair: Mapping[str, Any], places: Mapping[str, tuple[float, float]]) -> dict[str, Any]:
    """A pair of students as a line between their nodes, thicker the more they share."""
    a, b = pair["student_a"], pair["student_b"]
    top = max(float(pair["similarity_a"]), float(pair["similarity_b"]))
    return {
        "a": a,
        "b": b,
        "x1": places[a][0],
        "y1": places[a][1],
        "x2": places[b][0],
        "y2": places[b][1],
        "width": round(1.5 + top / 12, 1),
        "similarity_a": pair["similarity_a"],
        "similarity_b": pair["similarity_b"],
    }


def _exclusions(result: CheckResult) -> list[dict[str, Any]]:
    """Per reason, how many passages and words were listed but not counted."""
    rows: dict[str, dict[str, Any]] = {}
    for match in result.matches:
        if match.excluded:
            row = rows.setdefault(
                match.excluded, {"reason": match.excluded, "passages": 0, "words": 0, "submissions": set()}
            )
            row["passages"] += 1
            row["words"] += match.words
            row["submissions"].add(match.submission)
    return [{**row, "submissions": len(row["submissions"])} for _, row in sorted(rows.items())]


def created_at() -> str:
    """When the report is made, in UTC; ``SOURCE_DATE_EPOCH`` fixes it for reproducible output."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return when.strftime("%Y-%m-%d %H:%M UTC")


def _environment() -> jinja2.Environment:
    # autoescape=True for every template whatever its name: select_autoescape() would
    # leave a template unescaped if it were ever renamed to *.j2.
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("simcheck", "report/templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # One rounding for every view: the overview and a student's page show the same value.
    environment.filters["percent"] = lambda value: shown(float(value))
    return environment


def _asset(name: str) -> str:
    return (resources.files("simcheck") / "report" / "templates" / name).read_text(encoding="utf-8")


def _csp_hash(content: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(content.encode("utf-8")).digest()).decode() + "'"


def _page(context: dict[str, Any]) -> str:
    css, script = _asset("report.css"), _asset("report.js")
    policy = (
        f"default-src 'none'; script-src {_csp_hash(script)}; style-src {_csp_hash(css)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    template = _environment().get_template("report.html")
    return template.render(css=css, script=script, policy=policy, palette=PALETTE_SIZE, **context)


def _provenance(result: CheckResult, created: str | None) -> dict[str, Any]:
    return {
        "version": result.version,
        "created": created or created_at(),
        "corpus": result.inputs.get("corpus", ""),
        "templates": list(result.inputs.get("templates", [])),
        "settings": sorted(result.settings.items()),
        "identical_run": result.settings.get("shingle_size", ""),
        "skipped": list(result.skipped),
        "excluded_sources": list(result.set_aside.get("exclude_source", [])),
        "allow_list": [list(entry) for entry in result.set_aside.get("allow_list", [])],
    }


def render_check_html(result: CheckResult, *, created: str | None = None) -> str:
    """The report of ``simcheck check``: each essay with its passages and sources.

    Parameters
    ----------
    result : CheckResult
        Its ``texts`` should hold the essay and the sources, for the essay to be shown
        whole and each source passage in context.
    created : str, optional
        The date printed on the report; the current time (or ``SOURCE_DATE_EPOCH``) by default.
    """
    return _page(
        {
            "title": "simcheck report: " + ", ".join(d.path for d in result.documents),
            "batch": False,
            "submissions": submission_views(result),
            "provenance": _provenance(result, created),
        }
    )


def render_batch_html(batch: BatchResult, *, created: str | None = None) -> str:
    """The class report of ``simcheck batch``: an overview, and a view of every submission.

    The overview lists every submitted file (sortable and filterable in the page), a
    histogram of similarity, the groups of students sharing passages, what was not
    counted and why, and the settings. Each submission's view is built when opened.
    """
    result = batch.result
    views = submission_views(result, batch.students, batch.groups)
    number_of = {v.path: v.number for v in views}
    rows = [
        {
            "student": row.student,
            "files": row.file,
            "words": row.words,
            "similarity": row.similarity,
            "identical": row.identical,
            # An unreadable file has no similarity: it sorts below every file that was read.
            "rank": -1.0 if row.similarity is None else row.similarity,
            "group": row.group,
            "number": number_of.get(row.file, 0),
            "top_label": batch.students.get(row.top_source, row.top_source),
            # The names platforms give files are long: the student is in its own column.
            "short": short_name(row.file),
            # An unreadable file's status is shown as a short label with the reason beneath it.
            "state": row.status,
            "reason": row.reason,
        }
        for row in batch.file_rows()
    ]
    pairs = [{str(k): v for k, v in row.items()} for row in batch.pair_table.records()]
    student_numbers: dict[str, int] = {}
    for view in views:
        student_numbers.setdefault(view.student, view.number)
    return _page(
        {
            "title": f"simcheck class report: {len(rows)} submitted files",
            "batch": True,
            "rows": rows,
            "submissions": views,
            "histogram": histogram([reported(d.similarity) for d in result.documents]),
            "pairs": pairs,
            "graphs": _group_graphs(pairs, batch.groups),
            "exclusions": _exclusions(result),
            "common": common_passages(result.matches, batch.students),
            "common_reason": Excluded.COMMON_TEXT,
            "common_threshold": result.settings.get("common_threshold", ""),
            "student_numbers": student_numbers,
            "max_graphs": 12,
            "errors": list(batch.errors),
            "provenance": {
                **_provenance(result, created),
                # The class's unreadable files are listed in the overview; only corpus files here.
                "skipped": list(batch.corpus_errors),
            },
        }
    )
