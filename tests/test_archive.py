"""Zip exports read without trusting them (simcheck.archive.load_zip): zip-slip names,
nested zips, duplicates, encrypted members, links, bombs and limits on the whole archive.
The same zips through the commands are in test_load_hostile.py."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from benchmarks.workloads.hostile import GOOD, MAX_BYTES, write_zip
from conftest import check_outcomes
from simcheck.archive import load_zip
from simcheck.batch import load_submissions
from simcheck.errors import CorpusError

SHARED = (
    "The arms race consumed enormous resources on both sides. Each new weapon prompted a counter-weapon, "
    "and diplomats struggled to keep up with engineers who designed ever more destructive missiles. "
)
OWN = (
    "My essay looks at how the superpowers competed for influence in Asia and Africa during the "
    "nineteen fifties and sixties, and at how that contest shaped the world we live in now. "
)


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
    check_outcomes(cases, documents, errors)
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


def test_zip_export_with_hostile_names_and_bad_files(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("../../escape_111_assignsubmission_file_a.txt", OWN + SHARED)
        out.writestr("/abs/Bob Smith_222_assignsubmission_file_b.txt", SHARED + OWN)
        out.writestr("__MACOSX/._junk.txt", "mac metadata")
        out.writestr("broken.docx", b"not a docx")
    documents, errors = load_submissions(archive)
    assert [d.doc_id for d in documents] == [
        "abs/Bob Smith_222_assignsubmission_file_b.txt",
        "escape_111_assignsubmission_file_a.txt",
    ]
    assert [e.path for e in errors] == ["broken.docx"]
    assert not (tmp_path.parent / "escape_111_assignsubmission_file_a.txt").exists()
