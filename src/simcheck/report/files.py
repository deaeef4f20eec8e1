"""A class's reports as files: report.html, report.json and the CSV tables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..batch_result import BatchResult
from .html import render_batch_html

if TYPE_CHECKING:
    import pandas as pd


def csv_text(frame: pd.DataFrame) -> str:
    return str(frame.to_csv(index=False, lineterminator="\n"))


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
        "documents.csv": csv_text(batch.documents_frame()),
        "students.csv": csv_text(batch.students_frame()),
        "pairs.csv": csv_text(batch.pairs),
        "matches.csv": csv_text(batch.result.to_frame()),
        "common.csv": csv_text(batch.common_frame()),
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
