"""Zip exports read without trusting them (simcheck.archive.load_zip): zip-slip names,
nested zips, duplicates, encrypted members, links, bombs and limits on the whole archive.
The same zips through the commands are in test_load_hostile.py."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from benchmarks.workloads.hostile import GOOD, MAX_BYTES, write_zip
from conftest import OWN, SHARED, check_outcomes
from simcheck.archive import load_zip
from simcheck.batch import load_submissions
from simcheck.errors import CorpusError


def _zip(entries: list[tuple[str | zipfile.ZipInfo, str | bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return out.getvalue()


def _export(tmp_path: Path, entries: list[tuple[str | zipfile.ZipInfo, str | bytes]]) -> Path:
    path = tmp_path / "export.zip"
    path.write_bytes(_zip(entries))
    return path


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


def test_members_in_name_order_hidden_files_and_folders_skipped(tmp_path: Path) -> None:
    archive = _export(
        tmp_path,
        [
            ("b.txt", GOOD),
            ("a/c.md", GOOD),
            ("a/", ""),
            (".hidden.txt", GOOD),
            ("__MACOSX/._b.txt", "resource fork"),
            ("essays/.git/config.txt", GOOD),
            ("marks.xlsx", "a spreadsheet"),
            ("old.doc", b"\xd0\xcf\x11\xe0 legacy word"),
        ],
    )
    documents, errors = load_zip(archive)
    assert [d.doc_id for d in documents] == ["a/c.md", "b.txt"]
    assert [d.text for d in documents] == [GOOD, GOOD]
    # A file of a type simcheck does not read is listed, not skipped.
    assert [str(e) for e in errors] == [
        "marks.xlsx: unsupported file type '.xlsx'; use one of .docx, .htm, .html, .markdown, .md, "
        ".odt, .pdf, .rtf, .text, .txt, .xhtml",
        "old.doc: is a legacy Word .doc file, which simcheck does not read; save it as .docx",
    ]


def test_a_zip_handed_in_is_read_inside_the_export(tmp_path: Path) -> None:
    handed_in = _zip([("essay.txt", GOOD), ("drafts/one.txt", GOOD + " A first draft.")])
    archive = _export(
        tmp_path,
        [
            ("Ada Lovelace_111_assignsubmission_file_work.zip", handed_in),
            ("deep.zip", _zip([("middle.zip", handed_in)])),
            ("broken.zip", b"PK\x03\x04 not a zip at all"),
        ],
    )
    documents, errors = load_zip(archive)
    assert [d.doc_id for d in documents] == [
        "Ada Lovelace_111_assignsubmission_file_work.zip/drafts/one.txt",
        "Ada Lovelace_111_assignsubmission_file_work.zip/essay.txt",
    ]
    assert [(e.path, e.reason) for e in errors] == [
        ("broken.zip", "is not a readable zip archive (damaged or truncated)"),
        ("deep.zip/middle.zip", "is a zip more than 2 levels deep; unpack it and submit its files"),
    ]
    documents, errors = load_zip(archive, max_depth=1)
    assert documents == []
    assert [e.path for e in errors] == [
        "Ada Lovelace_111_assignsubmission_file_work.zip",
        "broken.zip",
        "deep.zip",
    ]
    assert all("more than 1 levels deep" in e.reason for e in errors)


def test_zip_slip_names_are_labels_and_clash_with_the_plain_name(tmp_path: Path) -> None:
    # ../a.txt and /a.txt are named a.txt: nothing is written outside, and two members of
    # one name are one file read and the rest refused.
    archive = _export(tmp_path, [("../../a.txt", GOOD), ("a.txt", GOOD + " Plain."), ("/a.txt", GOOD)])
    documents, errors = load_zip(archive)
    assert [d.doc_id for d in documents] == ["a.txt"]
    assert [str(e) for e in errors] == ["a.txt: appears twice in the zip; only the first copy is checked"] * 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.zip"]


def test_a_symbolic_link_member_is_not_followed(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("essay.txt")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    documents, errors = load_zip(_export(tmp_path, [(link, "../../../../etc/passwd"), ("b.txt", GOOD)]))
    assert [d.doc_id for d in documents] == ["b.txt"]
    assert [str(e) for e in errors] == ["essay.txt: is a symbolic link inside the zip; not followed"]


def test_a_member_packed_like_a_bomb_is_not_unpacked(tmp_path: Path) -> None:
    # Over a megabyte packed more than 100 to 1 is a bomb; a small page of spaces is not.
    archive = _export(tmp_path, [("bomb.txt", bytes(2_500_000)), ("spaces.txt", GOOD + " " * 500_000)])
    documents, errors = load_zip(archive)
    assert [d.doc_id for d in documents] == ["spaces.txt"]
    assert [e.path for e in errors] == ["bomb.txt"]
    assert errors[0].reason.startswith("is packed ") and errors[0].reason.endswith(
        " to 1 (a zip bomb?); not unpacked"
    )


def test_size_limits_are_judged_before_unpacking(tmp_path: Path) -> None:
    inner = _zip([("essay.txt", GOOD * 30)])
    archive = _export(tmp_path, [("long.txt", GOOD * 30), ("short.txt", GOOD), ("work.zip", inner)])
    documents, errors = load_zip(archive, max_bytes=len(GOOD) * 10)
    assert [d.doc_id for d in documents] == ["short.txt"]
    assert [e.path for e in errors] == ["long.txt", "work.zip/essay.txt"]
    assert errors[0].reason == (
        f"is too large ({len(GOOD) * 30:,} bytes unpacked, over the --max-bytes limit of "
        f"{len(GOOD) * 10:,}); split it or raise the limit"
    )
    # A zip handed in may be ten times max_bytes, as it holds several files: no more.
    limit = len(inner) // 10 - 1
    refused = {e.path: e.reason for e in load_zip(archive, max_bytes=limit)[1]}
    assert refused["work.zip"] == (
        f"is a zip of {len(inner):,} bytes inside the zip (limit 10 times --max-bytes, "
        f"{10 * limit:,}); unpack it and submit its files"
    )
    assert "work.zip" not in {e.path for e in load_zip(archive, max_bytes=-(-len(inner) // 10))[1]}


# --- names as the tools that wrote the zip meant them (issue 18) -------------------------
ACCENTED = [
    "martínezjosé_12503_88891_Mi ensayo final.txt",  # Canvas, login-style name
    "Lucía Fernández_418312_assignsubmission_file_essay3.txt",  # Moodle
]


def _without_flag(names: list[str], encode: str) -> bytes:
    """A zip whose member names are ``names`` encoded in ``encode`` with the UTF-8 flag
    clear, as Info-ZIP's zip and macOS write them (and old Windows, in cp437)."""
    placeholders = [f"{n:03d}".ljust(len(name.encode(encode)), "x") for n, name in enumerate(names)]
    data = _zip([(placeholder, GOOD) for placeholder in placeholders])
    for placeholder, name in zip(placeholders, names):
        data = data.replace(placeholder.encode("ascii"), name.encode(encode))
    return data


def _names(tmp_path: Path, data: bytes) -> list[str]:
    path = tmp_path / "names.zip"
    path.write_bytes(data)
    documents, errors = load_zip(path)
    assert errors == []
    return [d.doc_id for d in documents]


def test_utf8_names_without_the_flag_are_read_as_utf8(tmp_path: Path) -> None:
    # Before: mart├¡nezjos├⌐ (UTF-8 bytes read as cp437).
    assert _names(tmp_path, _without_flag(ACCENTED, "utf-8")) == sorted(ACCENTED)


def test_cp437_names_without_the_flag_stay_cp437(tmp_path: Path) -> None:
    names = ["Résumé of Zoë.txt", "Müller_essay.txt"]  # both encodable in cp437
    assert _names(tmp_path, _without_flag(names, "cp437")) == sorted(names)


def test_names_with_the_utf8_flag(tmp_path: Path) -> None:
    data = _zip([(name, GOOD) for name in ACCENTED])  # zipfile sets the flag for non-ASCII names
    assert all(info.flag_bits & 0x800 for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert _names(tmp_path, data) == sorted(ACCENTED)


def test_the_unicode_path_field_names_a_member_when_its_checksum_matches(tmp_path: Path) -> None:
    import struct
    import zlib

    def member(legacy: str, unicode_name: str, crc_of: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(legacy)
        body = b"\x01" + struct.pack("<I", zlib.crc32(crc_of.encode("ascii"))) + unicode_name.encode("utf-8")
        info.extra = struct.pack("<HH", 0x7075, len(body)) + body
        return info

    good = member(
        "Lucia_1_assignsubmission_file_a.txt",
        "Lucía_1_assignsubmission_file_a.txt",
        "Lucia_1_assignsubmission_file_a.txt",
    )
    stale = member("Jose_2_assignsubmission_file_b.txt", "José_2_assignsubmission_file_b.txt", "someone else")
    names = _names(tmp_path, _zip([(good, GOOD), (stale, GOOD)]))
    assert names == ["Jose_2_assignsubmission_file_b.txt", "Lucía_1_assignsubmission_file_a.txt"]


def test_a_name_written_decomposed_is_one_student_with_the_composed_one(tmp_path: Path) -> None:
    from simcheck.students import student_of

    nfd, nfc = "Zoe\u0308 Ba\u0301n", "Zoë Bán"
    names = _names(tmp_path, _zip([(f"{nfd}/essay.txt", GOOD), (f"{nfc}/notes.txt", GOOD)]))
    assert names == [f"{nfc}/essay.txt", f"{nfc}/notes.txt"]
    assert {student_of(name) for name in names} == {nfc}


def test_a_class_zipped_with_zip_1_keeps_its_students_names(tmp_path: Path) -> None:
    import shutil
    import subprocess

    from simcheck.students import student_of

    if shutil.which("zip") is None:
        pytest.skip("Info-ZIP's zip is not installed")
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ACCENTED:
        (folder / name).write_text(GOOD, encoding="utf-8")
    subprocess.run(["zip", "-qr", str(tmp_path / "class.zip"), "class"], cwd=tmp_path, check=True)
    documents, errors = load_submissions(tmp_path / "class.zip")
    assert errors == []
    assert sorted(d.doc_id for d in documents) == sorted(f"class/{name}" for name in ACCENTED)
    assert {student_of(name) for name in ACCENTED} == {"martínezjosé", "Lucía Fernández"}
