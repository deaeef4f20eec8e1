"""A reader for each supported file suffix, and the limits rich formats are read under.

Each reader takes a file's bytes, its name (for messages) and the ``--max-bytes`` limit,
and returns the text and the encoding or format it was read as. docx and odt are zips:
their parts are unpacked under size and ratio limits (:func:`bomb_ratio`,
:func:`read_member`) before their parser sees them; only the parts that hold text
(:func:`holds_text`) count against the size limit, and pictures are never unpacked.

Each parser (python-docx, pypdf, odfpy, striprtf) is imported inside its reader, not at
the top: together they take about half a second to import, which a run that reads no
file of their kind never pays.
"""

from __future__ import annotations

import io
import logging
import os
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from ..errors import InputError
from .decode import decode_bytes
from .names import file_suffix

#: A member of a docx or odt (a zip) unpacking to more than this many times its packed
#: size, when over :data:`RATIO_FLOOR` bytes, is treated as a zip bomb. Word's XML packs
#: about 5-15 times; a bomb packs thousands of times.
MAX_RATIO = 100
#: Members this small are never refused for their ratio (a page of spaces packs well).
RATIO_FLOOR = 1_000_000

_TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


class _HTMLText(HTMLParser):
    """Collects the visible text of an HTML page, one line break per block element."""

    _BLOCKS = frozenset(
        "address article aside blockquote br dd div dl dt figcaption footer form h1 h2 h3 "
        "h4 h5 h6 header hr li main nav ol p pre section table td th tr ul".split()
    )
    _HIDDEN = frozenset({"script", "style", "head", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden_depth += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).split("\n"))
        return "\n".join(line for line in lines if line)


def _read_text(data: bytes, name: str, max_bytes: int) -> tuple[str, str]:
    return decode_bytes(data, name)


def _read_html(data: bytes, name: str, max_bytes: int) -> tuple[str, str]:
    markup, encoding = decode_bytes(data, name)
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    return parser.text(), encoding


#: First bytes of an OLE compound file: what Word writes for a password-protected .docx
#: (and for the old .doc format).
_CFB_MAGIC = b"\xd0\xcf\x11\xe0"


def holds_text(part: str) -> bool:
    """Whether a part of a docx or odt (a zip) may hold its text: its XML parts, their
    relationships, and odt's ``mimetype``. Pictures, fonts and embedded files do not,
    and no parser reads them for the text.

    >>> holds_text("word/document.xml"), holds_text("word/media/image1.png"), holds_text("mimetype")
    (True, False, True)
    """
    return part.lower().endswith((".xml", ".rels")) or part == "mimetype"


def _repacked(data: bytes, name: str, kind: str, max_bytes: int, damaged: str) -> bytes:
    """A zip-based document (docx, odt) unpacked under limits and packed again, so the
    parser only ever sees parts of their stated size: a damaged zip, one whose text
    parts (:func:`holds_text`) unpack to more than ``max_bytes``, or a part packed at a
    zip-bomb ratio is refused first. Pictures and other media are not unpacked at all:
    the copy holds each of them empty, so a photo costs neither the limit nor memory."""
    if data.startswith(_CFB_MAGIC):
        raise InputError(name, f"is password-protected or a legacy .doc; save it as an unencrypted .{kind}")
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, zipfile.ZipFile(out, "w") as copy:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members if holds_text(member.filename))
            if unpacked > max_bytes:
                raise InputError(
                    name,
                    f"its text unpacks to {unpacked:,} bytes, over the --max-bytes limit of {max_bytes:,}; "
                    "split it or raise the limit",
                )
            written = set()
            for member in members:
                ratio = bomb_ratio(member)
                if ratio:
                    raise InputError(name, f"has a part packed {ratio:,} to 1 (a zip bomb?); not unpacked")
                if member.filename in written:
                    continue  # a second part of one name: the parser reads the first
                written.add(member.filename)
                text = holds_text(member.filename)
                copy.writestr(member.filename, read_member(archive, member, max_bytes) if text else b"")
    except InputError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
    ):
        raise InputError(name, damaged) from None
    except RuntimeError:  # zipfile's word for a member encrypted with a password
        raise InputError(name, f"is password-protected; save it as an unencrypted .{kind}") from None
    return out.getvalue()


def bomb_ratio(member: zipfile.ZipInfo) -> int:
    """How many times a zip member unpacks its packed size, when that marks a zip bomb
    (over :data:`MAX_RATIO`, for members over :data:`RATIO_FLOOR` bytes); else 0."""
    ratio = member.file_size // max(1, member.compress_size)
    return ratio if member.file_size > RATIO_FLOOR and ratio > MAX_RATIO else 0


def read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int) -> bytes:
    """A zip member's bytes, inflated a block at a time.

    ``ZipFile.read`` may inflate a whole member in one call whatever size its header
    states, so a bomb with a false header costs gigabytes before any check; here
    memory never exceeds ``limit`` plus a block.

    Raises
    ------
    ValueError
        The member unpacks to more than ``limit`` bytes.
    """
    out = bytearray()
    with archive.open(member) as handle:
        while block := handle.read(1 << 16):
            out += block
            if len(out) > limit:
                raise ValueError(f"{member.filename} unpacks to more than {limit} bytes")
    return bytes(out)


_DAMAGED_DOCX = (
    "is not a readable .docx file (damaged, or not a Word document); "
    "re-save it from the word processor as .docx"
)
_DAMAGED_ODT = "is not a readable .odt file (damaged or not OpenDocument); re-save it as .odt or .docx"


def _read_docx(data: bytes, name: str, max_bytes: int) -> tuple[str, str]:
    import docx  # python-docx

    repacked = _repacked(data, name, "docx", max_bytes, _DAMAGED_DOCX)
    try:
        document = docx.Document(io.BytesIO(repacked))
        paragraphs = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                paragraphs.append("\t".join(cell.text for cell in row.cells))
    except Exception:  # a damaged part raises zip, XML, key or value errors of many kinds
        raise InputError(name, _DAMAGED_DOCX) from None
    return "\n".join(paragraphs), "docx"


def _read_pdf(data: bytes, name: str, max_bytes: int) -> tuple[str, str]:
    from pypdf import PdfReader  # each format's parser is imported when a file of it is read

    # pypdf logs the defects it repairs ("EOF marker not found"); with no handler set up,
    # Python would print them to stderr, and a library never prints. A caller's own
    # logging configuration still receives them.
    logging.getLogger("pypdf").addHandler(_QUIET)

    try:
        # pypdf warns about the small defects it repairs; a report has no use for them.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not _opens_without_password(reader):
                raise InputError(
                    name, "is a password-protected PDF; save a copy without a password and retry"
                )
            pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except Exception:  # a damaged PDF raises read, stream, key, type or index errors
        raise InputError(
            name,
            "is not a readable PDF (damaged, truncated or not a PDF); export it again or save it as .docx",
        ) from None
    text = "\n\n".join(page.strip("\n") for page in pages)
    if not text.strip():
        raise InputError(
            name,
            "has no text layer; OCR is not supported: submit the original document or a PDF made from it",
        )
    return text, "pdf"


_QUIET = logging.NullHandler()


def _opens_without_password(reader: object) -> bool:
    """Whether a PDF locked only against editing (an empty user password) opens."""
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:  # pypdf raises when the cipher needs a package that is absent
        return False


def _read_odt(data: bytes, name: str, max_bytes: int) -> tuple[str, str]:
    # each format's parser is imported when a file of it is read
    from odf import teletype
    from odf import text as odf_text
    from odf.opendocument import load as load_odf

    repacked = _repacked(data, name, "odt", max_bytes, _DAMAGED_ODT)
    try:
        document = load_odf(io.BytesIO(repacked))
        blocks = document.text.getElementsByType(odf_text.P) + document.text.getElementsByType(odf_text.H)
        # getElementsByType groups by type; restore document order for a faithful text.
        order = {id(node): i for i, node in enumerate(_walk_odf(document.text))}
        blocks.sort(key=lambda node: order.get(id(node), 0))
        text = "\n".join(teletype.extractText(block) for block in blocks)
    except Exception:  # odfpy raises bare zip/xml errors of many kinds
        raise InputError(name, _DAMAGED_ODT) from None
    return text, "odt"


def _walk_odf(node: object) -> Iterator[object]:
    for child in getattr(node, "childNodes", []):
        yield child
        yield from _walk_odf(child)


def _read_rtf(data: bytes, name: str, max_bytes: int) -> tuple[str, str]:
    from striprtf.striprtf import rtf_to_text  # each format's parser: when a file of it is read

    raw, _ = decode_bytes(data, name)
    if not raw.lstrip().startswith("{\\rtf"):
        raise InputError(name, "is not an RTF document (no {\\rtf header); save it as .rtf, .docx or .txt")
    return str(rtf_to_text(raw, errors="ignore")), "rtf"  # type: ignore[no-untyped-call]


#: The reader of each supported suffix: (bytes, name, max_bytes) to (text, encoding).
READERS: dict[str, Callable[[bytes, str, int], tuple[str, str]]] = {
    **{suffix: _read_text for suffix in _TEXT_SUFFIXES},
    **{suffix: _read_html for suffix in _HTML_SUFFIXES},
    ".docx": _read_docx,
    ".pdf": _read_pdf,
    ".odt": _read_odt,
    ".rtf": _read_rtf,
}

#: File suffixes simcheck reads.
SUPPORTED_SUFFIXES = tuple(sorted(READERS))


def is_supported(path: str | os.PathLike[str]) -> bool:
    """True when the file's suffix is one simcheck reads.

    >>> is_supported("essay.DOCX"), is_supported("notes.xlsx")
    (True, False)
    """
    return file_suffix(path) in READERS


def unsupported_reason(name: str) -> str:
    """The reason a file of an unsupported type is not read, with what to do.

    >>> unsupported_reason("essay.doc")
    'is a legacy Word .doc file, which simcheck does not read; save it as .docx'
    """
    suffix = Path(name).suffix.lower()
    if suffix == ".doc":
        return "is a legacy Word .doc file, which simcheck does not read; save it as .docx"
    return f"unsupported file type {suffix or '(none)'!r}; use one of {', '.join(SUPPORTED_SUFFIXES)}"
