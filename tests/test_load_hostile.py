"""Broken and hostile input through load, archive and the commands: every bad file gets one
line naming it and the reason, is listed in the batch report, and the rest of the class is
still checked. What load_zip alone does with a hostile zip is in test_archive.py."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.workloads.hostile import GOOD, MAX_BYTES, write_folder, write_zip
from conftest import check_outcomes
from simcheck.batch import load_submissions
from simcheck.cli import main
from simcheck.errors import InputError
from simcheck.load import display_name, load_document, load_folder


def test_folder_every_bad_file_named_with_its_reason(tmp_path: Path) -> None:
    cases = write_folder(tmp_path / "class")
    documents, errors = load_submissions(tmp_path / "class", max_bytes=MAX_BYTES)
    check_outcomes(cases, documents, errors)
    assert {"good-1.txt", "good-2.txt"} <= {d.doc_id for d in documents}
    assert len(errors) == sum(1 for c in cases if c.expect)
    assert all("SECRET" not in d.text for d in documents)


def test_awkward_text_is_read_exactly(tmp_path: Path) -> None:
    write_folder(tmp_path / "class")
    documents = {d.doc_id: d for d in load_folder(tmp_path / "class", max_bytes=MAX_BYTES)[0]}
    assert documents["utf16le.txt"].text == GOOD and documents["utf16le.txt"].meta["encoding"] == "utf-16-le"
    assert documents["utf16be.txt"].text == GOOD
    assert documents["mixed.txt"].text.startswith("Café Zürich — “quoted” ")
    assert documents["mixed.txt"].meta["encoding"] == "utf-8+cp1252"
    assert documents["one-nul.txt"].text.endswith("\x00")
    assert len(documents["long-line.txt"].text) == 2_000_000
    assert documents["caf\\xe9.txt"].path == os.fsdecode(tmp_path / "class" / os.fsdecode(b"caf\xe9.txt"))
    assert "Marshall Plan" in documents["owner-only.pdf"].text


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text(GOOD, encoding="utf-8")
    real_open = os.open

    def refuse(name: str, *args: object, **kwargs: object) -> int:
        if os.fspath(name) == str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(name, *args, **kwargs)  # type: ignore[arg-type]

    # Tests may run as root, who reads any file: the refusal is simulated.
    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(InputError) as caught:
        load_document(path)
    assert str(caught.value) == f"{path}: cannot be read (Permission denied); check its permissions"


def _documents_csv(folder: Path) -> dict[str, dict[str, str]]:
    with open(folder / "documents.csv", encoding="utf-8", newline="") as handle:
        return {row["files"]: row for row in csv.DictReader(handle)}


@pytest.mark.parametrize("packed", [False, True], ids=["folder", "zip"])
def test_batch_lists_every_bad_file_and_checks_the_rest(tmp_path: Path, packed: bool) -> None:
    if packed:
        source = tmp_path / "export.zip"
        cases = write_zip(source)
    else:
        source = tmp_path / "class"
        cases = write_folder(source)
    # Every readable case holds the same good text: set apart as common text by default,
    # counted here so that the good essays show they were compared.
    result = CliRunner().invoke(
        main,
        ["batch", str(source), "-o", str(tmp_path / "out"), "--max-bytes", str(MAX_BYTES)]
        + ["--common-threshold", "1000"],
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    rows = _documents_csv(tmp_path / "out")
    for case in cases:
        assert case.name in rows, case.kind
        status = rows[case.name]["status"]
        if case.expect:
            assert status.startswith("unreadable: ") and case.expect in status, (case.kind, status)
        else:
            assert status in ("clean", "flagged"), (case.kind, status)
    assert rows["good-1.txt"]["status"] == "flagged"  # the good essays still compared
    if packed:
        nested = "Ada Lovelace_111_assignsubmission_file_work.zip/essay.txt"
        assert rows[nested]["student"] == "Ada Lovelace"


def test_batch_on_a_damaged_zip_is_a_one_line_error(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    archive.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip's end record, then nothing
    result = CliRunner().invoke(main, ["batch", str(archive), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1


def test_index_build_on_the_hostile_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from simcheck.index import Index

    cases = write_folder(tmp_path / "class")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["index", "build", "c.simcheck", "class", "--max-bytes", str(MAX_BYTES)]
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    # Files of other types are listed as unreadable too (a .doc in an archive folder).
    bad = [c for c in cases if c.expect]
    assert f"unreadable {len(bad)}" in result.output
    for case in bad:
        assert f"skipped class/{case.name}: " in result.output, case.kind
    with Index(tmp_path / "c.simcheck") as index:
        assert index.verify() == []
        stored = index.doc_ids()
        assert "class/caf\\xe9.txt" in stored
        assert all("SECRET" not in index.document(i).text for i in range(1, len(index) + 1))


def test_stdin_that_is_not_utf8_is_decoded_like_a_file() -> None:
    from conftest import CORPUS

    text = (CORPUS / "berlin-airlift.txt").read_text(encoding="utf-8")
    data = text.replace("—", "-").encode("cp1252", errors="replace") + b" \x93quoted\x94 \xff"
    result = CliRunner().invoke(main, ["check", "-", "-c", str(CORPUS), "-f", "json"], input=data)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["documents"][0]["similarity"] > 90
    assert report["matches"][0]["source"] == "berlin-airlift.txt"


def test_a_folder_that_cannot_be_listed_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "Ada").mkdir()
    (tmp_path / "Ada" / "essay.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "Bob").mkdir()
    (tmp_path / "Bob" / "essay.txt").write_text(GOOD + " Bob's own ending.", encoding="utf-8")
    real_scandir = os.scandir

    def refuse(path: str | os.PathLike[str] = ".") -> object:
        if Path(path).name == "Bob":
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    # Tests may run as root, who lists any folder: the refusal is simulated.
    monkeypatch.setattr(os, "scandir", refuse)
    documents, errors = load_submissions(tmp_path)
    assert [d.doc_id for d in documents] == ["Ada/essay.txt"]
    assert [str(e) for e in errors] == [
        "Bob: is a folder that cannot be read (Permission denied); its files are not checked"
    ]


def test_check_on_each_bad_file_is_one_line(tmp_path: Path) -> None:
    from conftest import CORPUS

    folder = tmp_path / "class"
    cases = write_folder(folder)
    on_disk = {display_name(name): name for name in os.listdir(folder)}
    for case in cases:
        path = folder / on_disk[case.name]
        result = CliRunner().invoke(
            main, ["check", str(path), "-c", str(CORPUS), "-f", "json", "--max-bytes", str(MAX_BYTES)]
        )
        if result.exit_code == 0:
            # Named on the command line, a link is the user's choice and is followed.
            assert not case.expect or "symbolic link to a file outside" in case.expect, case.kind
            continue
        assert result.exit_code == 1, (case.kind, result.output)
        assert "unexpected" not in result.output and result.output.count("\n") == 1, (
            case.kind,
            result.output,
        )
        assert result.output.startswith(f"Error: {display_name(str(path))}: "), (case.kind, result.output)
