"""Broken and hostile input, made in code: every kind of bad file a class upload holds.

Used by ``tests/test_load_hostile.py`` and by ``benchmarks/reliability.py`` (which writes
RELIABILITY.md from the same cases). Each case names the kind of input it stands for,
and what must happen: the reason an error gives (``expect``), or, when ``expect`` is
empty, that the file is read.
"""

from __future__ import annotations

import io
import os
import random
import stat
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
from odf import text as odf_text
from odf.opendocument import OpenDocumentText

#: The --max-bytes the cases are run with: small, so "too large" costs little to make.
MAX_BYTES = 3_000_000
GOOD = (
    "The Berlin airlift supplied the western sectors of the city for almost a year. "
    "Pilots flew coal, flour and milk into Tempelhof around the clock, and the blockade "
    "ended in May 1949 when the Soviet Union reopened the roads. "
)


def make_pdf(text: str, *, pages: bytes = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>") -> bytes:
    """A one-page PDF with a real text layer, written by hand (``pages``: its page tree)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        pages,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def make_docx(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_odt(paragraphs: list[str]) -> bytes:
    document = OpenDocumentText()
    document.text.addElement(odf_text.H(outlinelevel=1, text=paragraphs[0]))
    for paragraph in paragraphs[1:]:
        document.text.addElement(odf_text.P(text=paragraph))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def encrypted_pdf(user_password: str, owner_password: str, algorithm: str = "RC4-128") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf("The Marshall Plan rebuilt Europe"))))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_with_part(name: str, data: bytes) -> bytes:
    """A real docx with one more part added (a zip bomb when ``data`` packs well)."""
    out = io.BytesIO(make_docx([GOOD]))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return out.getvalue()


@dataclass(frozen=True)
class Case:
    """One bad (or awkward but readable) file.

    Attributes
    ----------
    kind : str
        The class of input it stands for, as RELIABILITY.md lists it.
    name : str
        The name it is reported under (file names that are not UTF-8 are shown escaped).
    expect : str
        Words of the one-line reason; empty when the file must be read.
    """

    kind: str
    name: str
    expect: str


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def folder_cases() -> list[tuple[Case, str | bytes, Callable[[Path], None]]]:
    """(case, file name on disk, writer) for every folder case."""
    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(20_000))
    long_line = ("word " * 400_000).encode()
    docx_bytes = make_docx([GOOD, GOOD])
    pdf_bytes = make_pdf("The Marshall Plan rebuilt Europe after the war")
    cases: list[tuple[Case, str | bytes, Callable[[Path], None]]] = [
        (Case("empty file", "empty.txt", "is empty (0 bytes)"), "empty.txt", _bytes(b"")),
        (Case("whitespace only", "blank.txt", "has no text"), "blank.txt", _bytes(b" \r\n\t \n  ")),
        (Case("binary with a text extension", "noise.txt", "binary file"), "noise.txt", _bytes(noise)),
        (
            Case("image with a text extension", "photo.txt", "is a PNG image"),
            "photo.txt",
            _bytes(b"\x89PNG\r\n\x1a\n" + noise),
        ),
        (Case("PDF with a text extension", "paper.md", "is a PDF file"), "paper.md", _bytes(pdf_bytes)),
        (
            Case("NUL bytes throughout", "nuls.txt", "binary file"),
            "nuls.txt",
            _bytes(GOOD.encode().replace(b" ", b"\x00")),
        ),
        (Case("a stray NUL byte", "one-nul.txt", ""), "one-nul.txt", _bytes((GOOD * 5).encode() + b"\x00")),
        (
            Case("UTF-16 without a BOM (little-endian)", "utf16le.txt", ""),
            "utf16le.txt",
            _bytes(GOOD.encode("utf-16-le")),
        ),
        (
            Case("UTF-16 without a BOM (big-endian)", "utf16be.txt", ""),
            "utf16be.txt",
            _bytes(GOOD.encode("utf-16-be")),
        ),
        (
            Case("mixed UTF-8 and Windows-1252", "mixed.txt", ""),
            "mixed.txt",
            _bytes("Café Zürich — ".encode() + b"\x93quoted\x94 " + GOOD.encode()),
        ),
        (
            Case("very long line (2 MB, no line break)", "long-line.txt", ""),
            "long-line.txt",
            _bytes(long_line),
        ),
        (
            Case("over the size limit", "huge.txt", "over the --max-bytes limit of 3,000,000"),
            "huge.txt",
            _bytes(b"essay " * (MAX_BYTES // 6 + 100)),
        ),
        (
            Case("corrupt docx", "corrupt.docx", "not a readable .docx"),
            "corrupt.docx",
            _bytes(b"PK\x03\x04 not really a zip"),
        ),
        (
            Case("truncated docx", "truncated.docx", "not a readable .docx"),
            "truncated.docx",
            _bytes(docx_bytes[: len(docx_bytes) // 2]),
        ),
        (
            Case(
                "password-protected docx (OLE container)",
                "locked.docx",
                "password-protected or a legacy .doc",
            ),
            "locked.docx",
            _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)),
        ),
        (
            Case("docx zip bomb (a part packed 1000:1)", "bomb.docx", "zip bomb"),
            "bomb.docx",
            _bytes(docx_with_part("word/media/zeros.bin", bytes(1_500_000))),
        ),
        (
            Case("corrupt pdf", "corrupt.pdf", "not a readable PDF"),
            "corrupt.pdf",
            _bytes(b"%PDF-1.4 garbage"),
        ),
        (
            Case("truncated pdf", "truncated.pdf", "not a readable PDF"),
            "truncated.pdf",
            _bytes(pdf_bytes[: len(pdf_bytes) // 2]),
        ),
        (
            Case("password-protected pdf", "locked.pdf", "password-protected PDF"),
            "locked.pdf",
            _bytes(encrypted_pdf("secret", "owner")),
        ),
        (
            Case("pdf locked only against editing", "owner-only.pdf", ""),
            "owner-only.pdf",
            _bytes(encrypted_pdf("", "owner")),
        ),
        (
            Case("pdf locked against editing, AES-256", "owner-only-aes.pdf", ""),
            "owner-only-aes.pdf",
            _bytes(encrypted_pdf("", "owner", "AES-256")),
        ),
        (
            Case("password-protected pdf, AES-256", "locked-aes.pdf", "password-protected PDF"),
            "locked-aes.pdf",
            _bytes(encrypted_pdf("secret", "owner", "AES-256")),
        ),
        (
            Case("pdf whose page tree contains itself", "cyclic.pdf", "not a readable PDF"),
            "cyclic.pdf",
            _bytes(make_pdf("Loop", pages=b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>")),
        ),
        (
            Case("pdf with objects nested 100,000 deep", "nested.pdf", "not a readable PDF"),
            "nested.pdf",
            _bytes(
                make_pdf(
                    "Deep", pages=b"<< /Type /Pages /Kids [3 0 R] /Count 1 /X " + b"[" * 100_000 + b"] >>"
                )
            ),
        ),
        (
            Case("image-only pdf", "scan.pdf", "no text layer; OCR is not supported"),
            "scan.pdf",
            _bytes(make_pdf("")),
        ),
        (
            Case("file name not valid UTF-8", "caf\\xe9.txt", ""),
            b"caf\xe9.txt",
            _bytes(GOOD.encode() + b"Named in Latin-1."),
        ),
        (
            Case("file name with a line break and a bidi override", "a\\x0ab\\u202etxt.md", ""),
            "a\nb\u202etxt.md",
            _bytes(GOOD.encode() + b"Named with a line break."),
        ),
        (
            Case("legacy Word .doc (a type simcheck does not read)", "old.doc", "legacy Word .doc"),
            "old.doc",
            _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)),
        ),
        (
            Case("spreadsheet in the class folder", "marks.xlsx", "unsupported file type '.xlsx'"),
            "marks.xlsx",
            _bytes(b"PK\x03\x04 a spreadsheet"),
        ),
        (
            Case("symbolic link out of the folder", "link-out.txt", "symbolic link to a file outside"),
            "link-out.txt",
            lambda path: path.symlink_to(path.parent.parent / "outside.txt"),
        ),
        (
            Case("symbolic link inside the folder", "link-in.txt", ""),
            "link-in.txt",
            lambda path: path.symlink_to(path.parent / "mixed.txt"),
        ),
        (
            Case("symbolic link to a folder outside", "linked-dir", "symbolic link to a folder"),
            "linked-dir",
            lambda path: path.symlink_to(path.parent.parent, target_is_directory=True),
        ),
        (
            Case("broken symbolic link", "dangling.txt", "broken symbolic link"),
            "dangling.txt",
            lambda path: path.symlink_to(path.parent / "no-such-file.txt"),
        ),
        (
            Case("named pipe with a text extension", "pipe.txt", "pipe, socket or device"),
            "pipe.txt",
            lambda path: os.mkfifo(path),
        ),
    ]
    return cases


def write_folder(folder: Path) -> list[Case]:
    """A class folder holding every folder case and two good essays; a secret file beside
    it is what the outward link points at."""
    folder.mkdir(parents=True)
    (folder.parent / "outside.txt").write_text("SECRET outside the class folder. " * 10, encoding="utf-8")
    for good in ("good-1.txt", "good-2.txt"):
        (folder / good).write_text(GOOD * 3, encoding="utf-8")
    cases = []
    for case, on_disk, write in folder_cases():
        name = on_disk if isinstance(on_disk, str) else os.fsdecode(on_disk)
        write(folder / name)
        cases.append(case)
    return cases


def _member(name: str, *, link: bool = False, encrypted: bool = False) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    mode = (stat.S_IFLNK | 0o777) if link else (stat.S_IFREG | 0o644)
    info.external_attr = mode << 16
    if encrypted:
        info.flag_bits |= 0x1
    return info


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(_member(name), data)
    return out.getvalue()


def write_zip(path: Path) -> list[Case]:
    """A class export zip with every hostile kind of member, and two good essays."""
    cases = [
        Case("zip member named ../../", "escape.txt", ""),
        Case("zip member with an absolute path", "abs/rooted.txt", ""),
        Case("symbolic link inside the zip", "link.txt", "symbolic link inside the zip"),
        Case("encrypted zip member", "secret.txt", "encrypted in the zip"),
        Case("zip bomb member (packed 1000:1)", "bomb.txt", "zip bomb"),
        Case("zip member over the size limit", "huge.txt", "over the --max-bytes limit"),
        Case("duplicate name in the zip", "twice.txt", "appears twice"),
        Case("damaged zip member (bad checksum)", "damaged.txt", "cannot be unpacked"),
        Case(
            "nested zip (a student's own zip)",
            "Ada Lovelace_111_assignsubmission_file_work.zip/essay.txt",
            "",
        ),
        Case("zip nested three deep", "deep.zip/middle.zip", "levels deep"),
        Case("damaged nested zip", "broken.zip", "not a readable zip"),
        Case("legacy Word .doc in the zip", "old.doc", "legacy Word .doc"),
        Case(
            "zip bomb whose header understates its size (50 MB as 1,000 bytes)",
            "liar.txt",
            "cannot be unpacked",
        ),
    ]
    damaged = GOOD.encode() * 2
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(_member("good-1.txt"), GOOD * 3)
        archive.writestr(_member("good-2.txt"), GOOD * 3)
        archive.writestr(_member("../../escape.txt"), GOOD)
        archive.writestr(_member("/abs/rooted.txt"), GOOD)
        archive.writestr(_member("link.txt", link=True), "../../../../etc/passwd")
        archive.writestr(_member("secret.txt", encrypted=True), GOOD)
        archive.writestr(_member("bomb.txt"), bytes(2_500_000))
        archive.writestr(_member("huge.txt"), os.urandom(16).hex().encode() * (MAX_BYTES // 32 + 10))
        archive.writestr(_member("twice.txt"), GOOD)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns of a name written twice: the point here
            archive.writestr(_member("twice.txt"), "the second copy")
        stored = zipfile.ZipInfo("damaged.txt", date_time=(2026, 1, 1, 0, 0, 0))
        archive.writestr(stored, damaged)
        archive.writestr(
            _member("Ada Lovelace_111_assignsubmission_file_work.zip"), _zip([("essay.txt", GOOD.encode())])
        )
        inner = _zip([("inner.zip", _zip([("essay.txt", GOOD.encode())]))])
        archive.writestr(_member("deep.zip"), _zip([("middle.zip", inner)]))
        archive.writestr(_member("broken.zip"), b"PK\x03\x04 not a zip at all")
        archive.writestr(_member("old.doc"), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
        archive.writestr(_member("liar.txt"), bytes(50_000_000))
        archive.writestr(_member("__MACOSX/._good-1.txt"), b"resource fork")  # skipped, not an error
    # Flip the stored bytes of damaged.txt in place: its checksum no longer matches.
    data = bytearray(path.read_bytes())
    at = data.index(damaged)
    data[at : at + 8] = b"XXXXXXXX"
    _mark_encrypted(data, b"secret.txt")
    _understate_size(data, b"liar.txt", 1000)
    path.write_bytes(bytes(data))
    return cases


def _mark_encrypted(data: bytearray, name: bytes) -> None:
    """Set the "encrypted" flag of a member in its local and central headers (zipfile
    cannot write encrypted members; the flag is what a reader goes by)."""
    local = data.index(b"PK\x03\x04")
    while data[local + 30 : local + 30 + len(name)] != name:
        local = data.index(b"PK\x03\x04", local + 4)
    data[local + 6] |= 0x1
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.index(b"PK\x01\x02", central + 4)
    data[central + 8] |= 0x1


def _understate_size(data: bytearray, name: bytes, size: int) -> None:
    """Write a false unpacked size into a member's local and central headers."""
    local = data.index(b"PK\x03\x04")
    while data[local + 30 : local + 30 + len(name)] != name:
        local = data.index(b"PK\x03\x04", local + 4)
    data[local + 22 : local + 26] = size.to_bytes(4, "little")
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.index(b"PK\x01\x02", central + 4)
    data[central + 24 : central + 28] = size.to_bytes(4, "little")
