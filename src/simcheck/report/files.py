"""A class's reports as files: report.html, report.json and the CSV tables."""

from __future__ import annotations

import os
from pathlib import Path

from ..batch_result import BatchResult
from .html import render_batch_html


def write_reports(batch: BatchResult, folder: str | os.PathLike[str]) -> list[Path]:
    """report.json, documents.csv, students.csv, pairs.csv, matches.csv, common.csv and report.html in
    ``folder`` (made if missing); the paths written.

    Everything is encoded before anything is written, and each file is renamed into
    place whole: a failure leaves the previous reports, never a mix or a torn file.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "report.json": batch.to_json(),
        "documents.csv": batch.documents_table().to_csv(),
        "students.csv": batch.students_table().to_csv(),
        "pairs.csv": batch.pair_table.to_csv(),
        "matches.csv": batch.result.matches_table().to_csv(),
        "common.csv": batch.common_table().to_csv(),
        "report.html": render_batch_html(batch),
    }
    encoded = {name: content.encode("utf-8") for name, content in files.items()}
    written = []
    for name, data in encoded.items():
        target = out / name
        partial = out / f".{name}.partial"
        partial.write_bytes(data)
        os.replace(partial, target)
        written.append(target)
    return written
