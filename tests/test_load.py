from __future__ import annotations

import codecs
import io
import os
import signal
import struct
import time
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.workloads.hostile import make_odt, make_pdf
from conftest import CORPUS
from simcheck.cli import main
from simcheck.errors import InputError
from simcheck.load import decode_bytes, load_bytes, load_document, load_folder

ESSAY = "The Thaw began in 1953.\r\nKhrushchev spoke “secretly” in 1956 — café Zürich."
MARSHALL = (
    "The Marshall Plan sent American money to rebuild western Europe after the war, and "
    "Stalin forbade the countries of eastern Europe to take any of it. "
)


@pytest.mark.parametrize(
    "encoded, encoding",
    [
        (ESSAY.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + ESSAY.encode("utf-8"), "utf-8-sig"),
        (ESSAY.encode("utf-16"), "utf-16"),
        (ESSAY.encode("utf-32"), "utf-32"),
        (ESSAY.replace("—", "-").encode("cp1252"), "cp1252"),
    ],
)
def test_decode_keeps_text_and_crlf(encoded: bytes, encoding: str) -> None:
    text, used = decode_bytes(encoded, "essay.txt")
    assert used == encoding
    assert "\r\n" in text
    assert text == (ESSAY.replace("—", "-") if encoding == "cp1252" else ESSAY)


def test_text_file_offsets_match_bytes_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "essay.txt"
    path.write_bytes(ESSAY.encode("utf-8"))
    document = load_document(path)
    assert document.text == ESSAY
    assert document.doc_id == str(path)
    assert document.meta == {"format": "txt", "encoding": "utf-8"}


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Containment shaped American policy.")
    document.add_paragraph("Kennan wrote the Long Telegram in 1946.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Truman"
    table.rows[0].cells[1].text = "1947"
    path = tmp_path / "essay.docx"
    document.save(str(path))
    loaded = load_document(path)
    assert (
        loaded.text
        == "Containment shaped American policy.\nKennan wrote the Long Telegram in 1946.\nTruman\t1947"
    )


def _photo(size: int) -> bytes:
    """A 1-by-1 PNG carrying ``size`` random bytes in a chunk of its own: a photo's worth
    of data that no packing shrinks."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"raWd", os.urandom(size))
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def _docx_with_photo(path: Path, paragraphs: list[str], photo_bytes: int) -> Path:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.add_picture(io.BytesIO(_photo(photo_bytes)))
    document.save(str(path))
    return path


def test_a_docx_that_is_mostly_one_photo_is_read_under_a_limit_on_its_text(tmp_path: Path) -> None:
    # The limit is on text: a 3 MB photo in a docx is no reason to refuse its essay.
    path = _docx_with_photo(tmp_path / "photo.docx", ["The Thaw began in 1953.", MARSHALL], 3_000_000)
    assert path.stat().st_size > 3_000_000
    loaded = load_document(path, max_bytes=2_000_000)
    assert loaded.text == "The Thaw began in 1953.\n" + MARSHALL + "\n"
    result = CliRunner().invoke(
        main, ["check", str(path), "-c", str(CORPUS), "-f", "json", "--max-bytes", "2000000"]
    )
    assert result.exit_code == 0, result.output


def test_a_docx_whose_text_is_over_the_limit_is_still_refused(tmp_path: Path) -> None:
    path = _docx_with_photo(tmp_path / "long.docx", [MARSHALL] * 12_000, 1_000)
    assert path.stat().st_size < 2_000_000
    with pytest.raises(InputError, match="over the --max-bytes limit of 2,000,000"):
        load_document(path, max_bytes=2_000_000)


def test_a_photo_packed_like_a_bomb_is_still_refused(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph(MARSHALL)
    out = io.BytesIO()
    document.save(out)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/image9.png", bytes(1_100_000))
    path = tmp_path / "bomb.docx"
    path.write_bytes(out.getvalue())
    with pytest.raises(InputError, match="zip bomb"):
        load_document(path, max_bytes=2_000_000)


def test_pdf_text_layer() -> None:
    loaded = load_bytes(make_pdf("The Marshall Plan rebuilt Europe"), "essay.pdf")
    assert "The Marshall Plan rebuilt Europe" in loaded.text


def test_odt_headings_and_paragraphs_in_order() -> None:
    loaded = load_bytes(make_odt(["Detente", "SALT I was signed in 1972.", "Helsinki followed."]), "e.odt")
    assert loaded.text == "Detente\nSALT I was signed in 1972.\nHelsinki followed."


def test_rtf() -> None:
    rtf = rb"{\rtf1\ansi{\fonttbl\f0\fswiss Helvetica;}\f0\pard The Berlin Wall fell in 1989.\par}"
    assert load_bytes(rtf, "essay.rtf").text.strip() == "The Berlin Wall fell in 1989."


def test_html_visible_text_only() -> None:
    html = (
        b"<html><head><title>t</title><style>p{}</style></head><body><h1>Cuba</h1>"
        b"<p>Thirteen days in <b>October</b> 1962.</p><script>alert(1)</script></body></html>"
    )
    assert load_bytes(html, "essay.html").text == "Cuba\nThirteen days in October 1962."


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b"  \r\n\t ", "has no text"),
        ("binary.txt", bytes(range(256)) * 8, "binary file"),
        ("corrupt.docx", b"PK\x03\x04 not really a zip", "not a readable .docx"),
        ("corrupt.pdf", b"%PDF-1.4 garbage", "not a readable PDF"),
        ("image.pdf", make_pdf(""), "no text layer"),
        ("corrupt.odt", b"nonsense", "not a readable .odt"),
        ("plain.rtf", b"just text", "not an RTF document"),
        ("sheet.xlsx", b"data", "unsupported file type"),
    ],
)
def test_bad_input_gets_one_line_error_naming_the_file(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        load_bytes(data, name)
    message = str(caught.value)
    assert message.startswith(f"{name}: ")
    assert reason in message
    assert "\n" not in message


def test_stray_control_byte_in_long_text_is_still_text() -> None:
    data = ("The Korean War began in June 1950. " * 20).encode() + b"\x00" + b" The end."
    assert load_bytes(data, "essay.txt").text.endswith("\x00 The end.")


def test_missing_file() -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_document("no/such/essay.txt")


def test_folder_is_recursive_sorted_and_survives_bad_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Second essay text here.", encoding="utf-8")
    (tmp_path / "one.md").write_text("# First\n\nEssay.", encoding="utf-8")
    (tmp_path / "bad.docx").write_bytes(b"broken")
    (tmp_path / ".hidden.txt").write_text("secret", encoding="utf-8")
    (tmp_path / "notes.xlsx").write_bytes(b"ignored")
    with zipfile.ZipFile(tmp_path / "three.docx", "w") as archive:
        archive.writestr("hello.txt", "not a docx inside")
    documents, errors = load_folder(tmp_path)
    assert [d.doc_id for d in documents] == ["b/two.txt", "one.md"]
    assert sorted(Path(e.path).name for e in errors) == ["bad.docx", "three.docx"]


def test_a_reader_that_never_returns_is_given_up_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import simcheck.load.files as files  # the module whose load_bytes reads both

    def endless(data: bytes, name: str, max_bytes: int) -> tuple[str, str]:
        while True:  # a parser caught in a cycle of a hostile file
            pass

    monkeypatch.setitem(files.READERS, ".pdf", endless)
    monkeypatch.setattr(files, "MAX_READ_SECONDS", 0.2)
    with pytest.raises(InputError, match=r"hang\.pdf: took over 0\.2 s to read"):
        load_bytes(b"%PDF-1.7 looping", "hang.pdf")
    # The timer is gone afterwards: nothing interrupts the next file.
    assert load_bytes(b"An essay about the Thaw.", "next.txt").text == "An essay about the Thaw."


def test_rtf_emoji_and_lone_surrogates_load_as_whole_characters(tmp_path: Path) -> None:
    # striprtf turns each \uN escape into one UTF-16 unit: an emoji arrives as a pair.
    rtf = rb"{\rtf1 " + MARSHALL.encode() + rb"Smile \u-10179?\u-8704? and lone \u-10240? end.}"
    document = load_bytes(rtf, "smile.rtf")
    assert "Smile \U0001f600 and lone \ufffd end." in document.text
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "smile.rtf").write_bytes(rtf)
    (folder / "other.txt").write_text(MARSHALL * 2, encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "\U0001f600" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_a_timeout_is_not_taken_for_damage_inside_a_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    import simcheck.load.files as files  # the module whose load_bytes reads both

    def careful_but_endless(data: bytes, name: str, max_bytes: int) -> tuple[str, str]:
        give_up = time.monotonic() + 5  # so that a regression fails instead of hanging
        while time.monotonic() < give_up:
            try:
                time.sleep(0.01)
            except Exception:  # a parser's own catch-all must not swallow the timeout
                pass
        return "read after all", "utf-8"

    monkeypatch.setitem(files.READERS, ".pdf", careful_but_endless)
    monkeypatch.setattr(files, "MAX_READ_SECONDS", 0.2)
    with pytest.raises(InputError, match="took over 0.2 s to read"):
        load_bytes(b"%PDF-1.7", "hang.pdf")


def test_a_callers_own_timer_is_left_alone() -> None:
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        load_bytes(MARSHALL.encode(), "a.txt")
        time.sleep(0.6)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert fired == [signal.SIGALRM]


@pytest.mark.skipif(os.name != "posix", reason="file names as bytes")
def test_two_names_never_show_as_one(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "w", encoding="utf-8") as handle:
        handle.write(MARSHALL)
    (folder / "caf\\xe9.txt").write_text("Detente eased tension in the 1970s. " * 5, encoding="utf-8")
    documents, errors = load_folder(folder)
    assert not errors
    assert sorted(d.doc_id for d in documents) == ["caf\\x5cxe9.txt", "caf\\xe9.txt"]


@given(st.binary(max_size=300))
def test_any_bytes_decode_or_fail_with_one_line(data: bytes) -> None:
    from simcheck.errors import InputError

    try:
        text, _ = decode_bytes(data, "x.txt")
    except InputError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("x.txt: ")
        return
    text.encode("utf-8")  # no lone surrogates come out of decoding
