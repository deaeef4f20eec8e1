"""The README's workflow: a class checked against an archive, added to it, checked again,
and next term's class checked against it (``corpora/demo-next-class``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simcheck import compare_batch, load_document, write_reports
from simcheck.index import Index
from simcheck.tokens import Tokens

ROOT = Path(__file__).resolve().parent.parent
THIS_TERM = ROOT / "corpora" / "demo-class"
NEXT_TERM = ROOT / "corpora" / "demo-next-class"
PROMPT = THIS_TERM / "prompt.txt"
TRUTH = json.loads((NEXT_TERM / "ground-truth.json").read_text(encoding="utf-8"))
COUNTED = {"verbatim", "edited", "paraphrase", "collusion"}
REPORTS = ("documents.csv", "students.csv", "pairs.csv", "matches.csv", "common.csv")


def test_the_class_table_names_an_archived_source_by_its_student(tmp_path: Path) -> None:
    from simcheck.report.table import class_table

    archive = tmp_path / "archive.simcheck"
    Index.build(archive, [THIS_TERM / "submissions"])[0].close()
    batch = compare_batch(NEXT_TERM / "submissions", archive, templates=[load_document(PROMPT)])
    table = class_table(batch, width=160).table
    cells = [str(cell) for column in table.columns for cell in column.cells]  # type: ignore[attr-defined]
    # Harvey Whitaker copied from last term's Rhys Morgan: named, not a stored path.
    assert "Rhys Morgan (archive)" in cells
    assert not any(cell.startswith("submissions/") for cell in cells)


@pytest.fixture(scope="module")
def term(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Reports of this term's class before and after it joined the archive, and of the
    next term's class against the archive."""
    work = tmp_path_factory.mktemp("term")
    archive = work / "archive.simcheck"
    prompt = [load_document(PROMPT)]
    Index.build(archive, [ROOT / "corpora" / "coldwar"])[0].close()
    write_reports(compare_batch(THIS_TERM / "submissions", archive, templates=prompt), work / "before")
    with Index(archive) as index:
        index.add([THIS_TERM / "submissions"])
    write_reports(compare_batch(THIS_TERM / "submissions", archive, templates=prompt), work / "again")
    reports = {"before": work / "before", "again": work / "again"}
    reports["next"] = work / "next"
    write_reports(compare_batch(NEXT_TERM / "submissions", archive, templates=prompt), reports["next"])
    return reports


def test_a_class_checked_again_after_joining_the_archive_gets_the_same_reports(term: dict[str, Path]) -> None:
    import csv
    import io

    for name in REPORTS:
        if name != "matches.csv":
            assert (term["again"] / name).read_bytes() == (term["before"] / name).read_bytes(), name
    # The class's texts in the archive make its words less rare, so sentence windows
    # may propose one more corpus source of a passage already found; never a classmate's
    # archived copy, and never text not counted before.
    before, again = (
        list(csv.DictReader(io.StringIO((term[k] / "matches.csv").read_text(encoding="utf-8"))))
        for k in ("before", "again")
    )
    assert all(row in again for row in before)
    counted = {
        (row["submission"], int(row["submission_start"]), int(row["submission_end"])) for row in before
    }
    for row in (row for row in again if row not in before):
        assert row["source"].startswith("coldwar/"), row["source"]
        start, end = int(row["submission_start"]), int(row["submission_end"])
        assert any(s == row["submission"] and a <= start and end <= b for s, a, b in counted), row


def test_next_terms_class_is_matched_with_the_archived_class(term: dict[str, Path]) -> None:
    import pandas as pd

    documents = pd.read_csv(term["next"] / "documents.csv", keep_default_na=False)
    matches = pd.read_csv(term["next"] / "matches.csv", keep_default_na=False)
    counted = matches[matches["excluded"] == ""]
    for case in (c for c in TRUTH["cases"] if c["kind"] in COUNTED):
        opening = " ".join(Tokens(case["excerpt"]).normal[:6])
        sources = [case["source"]] if isinstance(case["source"], str) else case["source"]
        found = counted[counted["submission"] == case["file"]]
        assert any(
            opening in " ".join(Tokens(row.submission_text).normal)
            and any(str(row.source).endswith(source) for source in sources)
            for row in found.itertuples()
        ), case
    clean = {c["file"] for c in TRUTH["cases"] if c["kind"] == "clean"}
    status = dict(zip(documents["files"], documents["status"]))
    assert {file: status[file] for file in clean} == {file: "clean" for file in clean}
    flagged = {file for file, value in status.items() if value == "flagged"}
    assert flagged == {c["file"] for c in TRUTH["cases"] if c["kind"] in COUNTED}
    grouped = documents[documents["group"] != ""]
    assert set(grouped["student"]) == {"Arjun Mehta", "Yuki Tanaka"}
