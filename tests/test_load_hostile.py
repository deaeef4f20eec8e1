"""Broken and hostile input: every bad file gets one line naming it and the reason, is
listed in the batch report, and the rest of the class is still checked."""

from __future__ import annotations

import csv
import json
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.workloads.hostile import GOOD, MAX_BYTES, Case, write_folder, write_zip
from simcheck.archive import load_zip
from simcheck.batch import load_submissions
from simcheck.cli import main
from simcheck.errors import CorpusError, InputError
from simcheck.load import display_name, load_document, load_folder


def _check_outcomes(cases: list[Case], documents: list[object], errors: list[InputError]) -> None:
    read = {d.doc_id for d in documents}  # type: ignore[attr-defined]
    failed = {e.path: e for e in errors}
    for case in cases:
        if case.expect:
            assert case.name in failed, f"{case.kind}: no error for {case.name}"
            message = str(failed[case.name])
            assert case.expect in message, f"{case.kind}: {message}"
            assert message.startswith(f"{case.name}: ") and "\n" not in message
        else:
            assert case.name in read, f"{case.kind}: {case.name} not read ({failed.get(case.name)})"


def test_folder_every_bad_file_named_with_its_reason(tmp_path: Path) -> None:
    cases = write_folder(tmp_path / "class")
    documents, errors = load_submissions(tmp_path / "class", max_bytes=MAX_BYTES)
    _check_outcomes(cases, documents, errors)
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


def test_zip_every_bad_member_named_and_nothing_written(tmp_path: Path) -> None:
    import tracemalloc

    archive = tmp_path / "export.zip"
    cases = write_zip(archive)
    before = sorted(p for p in tmp_path.parent.rglob("*") if tmp_path.parent in p.parents)
    tracemalloc.start()
    documents, errors = load_zip(archive, max_bytes=MAX_BYTES)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # The 50 MB member that claims 1,000 bytes is never inflated whole.
    assert peak < 20_000_000
    _check_outcomes(cases, documents, errors)
    assert sorted(p for p in tmp_path.parent.rglob("*") if tmp_path.parent in p.parents) == before
    assert [e.path for e in errors].count("twice.txt") == 1
    assert next(d for d in documents if d.doc_id == "twice.txt").text == GOOD


def test_zip_limits_on_the_whole_archive(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for number in range(6):
            out.writestr(f"e{number}.txt", GOOD * 10)
    documents, errors = load_zip(archive, max_unpacked=len(GOOD) * 10 * 4)
    assert [d.doc_id for d in documents] == ["e0.txt", "e1.txt", "e2.txt", "e3.txt"]
    assert [e.path for e in errors] == ["e4.txt", "e5.txt"]
    assert "would unpack to more than" in errors[0].reason
    documents, errors = load_zip(archive, max_members=2)
    assert len(documents) == 2 and "more than 2 files" in errors[0].reason


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"PK\x03\x04 truncated", "not a readable zip archive"),
        (b"", "not a readable zip archive"),
    ],
)
def test_damaged_archive_is_one_error(tmp_path: Path, data: bytes, reason: str) -> None:
    archive = tmp_path / "export.zip"
    archive.write_bytes(data)
    with pytest.raises(CorpusError, match=reason):
        load_zip(archive)


def test_zip_names_flagged_utf8_but_not_utf8(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("caf\u00e9.txt", GOOD)  # stored with the UTF-8 flag
    data = archive.read_bytes().replace("caf\u00e9".encode(), b"caf\xff\xfe")
    archive.write_bytes(data)
    with pytest.raises(CorpusError, match="not a readable zip archive"):
        load_zip(archive)


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
    result = CliRunner().invoke(
        main, ["batch", str(source), "-o", str(tmp_path / "out"), "--max-bytes", str(MAX_BYTES)]
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


def test_unexpected_failure_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import simcheck.pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something nobody foresaw")

    monkeypatch.setattr(simcheck.pipeline, "check", broken)
    essay = tmp_path / "essay.txt"
    essay.write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(essay), "-c", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == (
        "Error: unexpected RuntimeError: something nobody foresaw; "
        "rerun with SIMCHECK_DEBUG=1 and report it\n"
    )


def test_reports_that_cannot_be_written_are_one_line(tmp_path: Path) -> None:
    cases = tmp_path / "class"
    cases.mkdir()
    for name in ("a.txt", "b.txt"):
        (cases / name).write_text(GOOD, encoding="utf-8")
    blocked = tmp_path / "taken"
    blocked.write_text("a file where the report folder should go", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(cases), "-o", str(blocked / "out")])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {blocked / 'out'}: cannot write the reports (")


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
