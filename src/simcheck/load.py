"""Files and folders to :class:`~simcheck.models.Document`.

Plain-text formats are read as bytes and decoded here (BOM, then UTF-8, then cp1252) so
that newlines are never translated: ``\\r\\n`` stays two characters and offsets into the
loaded text match the file. Rich formats (docx, pdf, odt, rtf, html) are reduced to
their text with a well-kept parser each.
"""

from __future__ import annotations

import codecs
import io
import logging
import os
import re
import signal
import stat
import threading
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

from .errors import InputError
from .models import Document

#: Default largest file read, in bytes (``--max-bytes``): an essay is a few KB, a long
#: PDF with pictures a few MB. The text extracted from a file is held to the same number
#: of characters, so a small file that unpacks to a huge text is refused as well.
MAX_FILE_BYTES = 20_000_000
#: A member of a docx or odt (a zip) unpacking to more than this many times its packed
#: size, when over :data:`RATIO_FLOOR` bytes, is treated as a zip bomb. Word's XML packs
#: about 5-15 times; a bomb packs thousands of times.
MAX_RATIO = 100
#: Members this small are never refused for their ratio (a page of spaces packs well).
RATIO_FLOOR = 1_000_000
#: Seconds one file may take to read before it is given up: a long PDF reads in a few
#: seconds, a damaged or hostile one can send a parser into a loop that never ends.
MAX_READ_SECONDS = 60.0

_TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    r"""Decode a text file's bytes: BOM, then UTF-16 without a BOM, then UTF-8, then cp1252.

    Returns the text and the encoding used. Newlines are left exactly as they are. A
    UTF-8 file with a few Windows-1252 bytes pasted in (``mixed``) keeps its UTF-8 text
    and reads the stray bytes as Windows-1252.

    >>> decode_bytes(b"caf\xc3\xa9\r\n")
    ('café\r\n', 'utf-8')
    >>> decode_bytes(b"\x93quoted\x94")
    ('“quoted”', 'cp1252')
    >>> decode_bytes("\ufeffhi".encode("utf-16-le"))
    ('hi', 'utf-16')
    >>> decode_bytes("Détente in 1972".encode("utf-16-le"))
    ('Détente in 1972', 'utf-16-le')
    >>> decode_bytes("café ".encode() + b"\x93quoted\x94")
    ('café “quoted”', 'utf-8+cp1252')
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise InputError(
                    name,
                    f"starts with a {encoding} byte-order mark but is not valid "
                    f"{encoding} ({exc.reason}); re-save it as UTF-8",
                ) from None
    kind = _binary_kind(data)
    if kind is not None:
        raise InputError(name, f"is {kind}, not text; give it the right extension or save it as .txt")
    wide = _utf16_without_bom(data)
    if wide is not None:
        return wide
    if _control_share(data) > _MAX_CONTROL_SHARE:
        raise InputError(
            name,
            "looks like a binary file, not text (it is full of control bytes); "
            "convert it to .txt, .docx or .pdf",
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    single = data.decode("latin-1").translate(_CP1252_TABLE)
    if not _UTF8_PAIR.search(data):
        return single, "cp1252"  # no UTF-8 anywhere: skip the byte-by-byte decoding below
    mixed = data.decode("utf-8", errors=_CP1252_FALLBACK)
    # The two differ only where valid multi-byte UTF-8 was read as such: then the file
    # is UTF-8 with pasted Windows-1252 bytes, else plain Windows-1252.
    return (mixed, "utf-8+cp1252") if mixed != single else (single, "cp1252")


# The start of a multi-byte UTF-8 character: a lead byte and a continuation byte.
_UTF8_PAIR = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")


# Windows-1252 leaves five bytes undefined; like web browsers (WHATWG), they are read as
# the Latin-1 control characters of the same number rather than refused.
_CP1252_TABLE = {
    byte: bytes([byte]).decode("cp1252", errors="ignore") or chr(byte) for byte in range(0x80, 0x100)
}
_CP1252_FALLBACK = "simcheck.cp1252"


def _read_as_cp1252(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return "".join(_CP1252_TABLE.get(byte, chr(byte)) for byte in bad), error.end


codecs.register_error(_CP1252_FALLBACK, _read_as_cp1252)

# Formats that are often renamed to .txt (or saved with the wrong extension), by their
# first bytes.
_SIGNATURES = (
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a zip archive (or a .docx/.odt document)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word (.doc) or other Office file"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x7fELF", "a program"),
)


def _binary_kind(data: bytes) -> str | None:
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    return None


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text saved without a byte-order mark (Notepad's "Unicode" on some
    systems): mostly Latin text, so every other byte is zero."""
    sample = data[:65536]
    if len(sample) < 4 or len(sample) % 2:
        return None
    low, high = sample[1::2].count(0), sample[0::2].count(0)
    pairs = len(sample) // 2
    for zeros, others, encoding in ((low, high, "utf-16-le"), (high, low, "utf-16-be")):
        if zeros > 0.3 * pairs and others < 0.01 * pairs:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            controls = sum(1 for c in text if c < " " and c not in "\t\n\r\f\v")
            if controls <= _MAX_CONTROL_SHARE * len(text):
                return text, encoding
    return None


# Text has almost no control characters besides tab and line ends; a stray NUL in a
# long essay is still text, a fifth of them is not.
_MAX_CONTROL_SHARE = 0.05
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\v")


def _control_share(data: bytes) -> float:
    # UTF-8 and cp1252 never use bytes below 0x20 inside other characters, so raw
    # bytes can be counted before decoding.
    return (len(data) - len(data.translate(None, _CONTROL_BYTES))) / max(1, len(data))


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


def _repacked(data: bytes, name: str, kind: str, max_bytes: int, damaged: str) -> bytes:
    """A zip-based document (docx, odt) unpacked under limits and packed again, so the
    parser only ever sees parts of their stated size: a damaged zip, one that unpacks
    to more than ``max_bytes``, or a part packed at a zip-bomb ratio is refused first."""
    if data.startswith(_CFB_MAGIC):
        raise InputError(name, f"is password-protected or a legacy .doc; save it as an unencrypted .{kind}")
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, zipfile.ZipFile(out, "w") as copy:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            if unpacked > max_bytes:
                raise InputError(
                    name,
                    f"unpacks to {unpacked:,} bytes, over the --max-bytes limit of {max_bytes:,}; "
                    "remove pictures or split it",
                )
            written = set()
            for member in members:
                ratio = bomb_ratio(member)
                if ratio:
                    raise InputError(name, f"has a part packed {ratio:,} to 1 (a zip bomb?); not unpacked")
                if member.filename in written:
                    continue  # a second part of one name: the parser reads the first
                written.add(member.filename)
                copy.writestr(member.filename, read_member(archive, member, max_bytes))
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
    from pypdf import PdfReader

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
    from striprtf.striprtf import rtf_to_text

    raw, _ = decode_bytes(data, name)
    if not raw.lstrip().startswith("{\\rtf"):
        raise InputError(name, "is not an RTF document (no {\\rtf header); save it as .rtf, .docx or .txt")
    return str(rtf_to_text(raw, errors="ignore")), "rtf"  # type: ignore[no-untyped-call]


_READERS: dict[str, Callable[[bytes, str, int], tuple[str, str]]] = {
    **{suffix: _read_text for suffix in _TEXT_SUFFIXES},
    **{suffix: _read_html for suffix in _HTML_SUFFIXES},
    ".docx": _read_docx,
    ".pdf": _read_pdf,
    ".odt": _read_odt,
    ".rtf": _read_rtf,
}

#: File suffixes simcheck reads.
SUPPORTED_SUFFIXES = tuple(sorted(_READERS))


def is_supported(path: str | os.PathLike[str]) -> bool:
    """True when the file's suffix is one simcheck reads.

    >>> is_supported("essay.DOCX"), is_supported("notes.xlsx")
    (True, False)
    """
    return Path(path).suffix.lower() in _READERS


def load_bytes(
    data: bytes, name: str, *, doc_id: str | None = None, max_bytes: int = MAX_FILE_BYTES
) -> Document:
    """Make a :class:`Document` from a file's bytes; ``name`` gives its format.

    Parameters
    ----------
    max_bytes : int, default=MAX_FILE_BYTES
        Largest file accepted, and the most characters of text taken from it.

    Raises
    ------
    InputError
        Unsupported type, empty, binary, too large, corrupt or undecodable content.
    """
    suffix = Path(name).suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        raise InputError(name, unsupported_reason(name))
    if not data:
        raise InputError(name, "is empty (0 bytes); submit the file with its text")
    if len(data) > max_bytes:
        # A caller reads at most max_bytes + 1 bytes: that length says "larger", not the size.
        size = f"more than {max_bytes:,} bytes" if len(data) == max_bytes + 1 else f"{len(data):,} bytes"
        raise InputError(name, _too_large(size, max_bytes))
    try:
        with _time_limit(MAX_READ_SECONDS):
            text, encoding = reader(data, name, max_bytes)
    except _ReadTimeout:
        raise InputError(
            name,
            f"took over {MAX_READ_SECONDS:g} s to read (damaged, or made to hang a reader); "
            "re-save it from the program that made it",
        ) from None
    text = _whole_characters(text)
    if len(text) > max_bytes:
        raise InputError(name, _too_large(f"{len(text):,} characters of text", max_bytes))
    if not text.strip():
        raise InputError(name, "has no text (only spaces and line breaks); check that it is the right file")
    return Document(
        doc_id=doc_id if doc_id is not None else name,
        text=text,
        path=name,
        meta={"format": suffix.lstrip("."), "encoding": encoding},
    )


class _ReadTimeout(BaseException):
    """A reader ran out of time (raised by the alarm signal inside it). Not an
    Exception, so the ``except Exception`` inside parsers cannot swallow it."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` with :class:`_ReadTimeout`.

    A timer signal reaches pure-Python parsers (pypdf, python-docx's XML walk) wherever
    they loop. Only a POSIX process's main thread receives signals: elsewhere (a thread
    of a host application) the block runs without a limit rather than failing, and so it
    does when the host application has a timer or an alarm handler of its own, which is
    left alone.
    """
    if (
        seconds <= 0
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, signal.SIG_IGN, None)
        or signal.getitimer(signal.ITIMER_REAL) != (0.0, 0.0)
    ):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise _ReadTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _too_large(size: str, max_bytes: int) -> str:
    return f"is too large ({size}, over the --max-bytes limit of {max_bytes:,}); split it or raise the limit"


def load_document(
    path: str | os.PathLike[str],
    *,
    doc_id: str | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    root: str | os.PathLike[str] | None = None,
) -> Document:
    """Load one file.

    Parameters
    ----------
    path : str or path-like
        A ``.txt .md .html .docx .pdf .odt .rtf`` file.
    doc_id : str, optional
        Name to use in reports; defaults to ``path`` as given (see :func:`display_name`).
    max_bytes : int, default=MAX_FILE_BYTES
        Largest file read; a larger one is an error that names the limit.
    root : str or path-like, optional
        The folder the file was found in: a symbolic link leading out of it is refused.

    Raises
    ------
    InputError
        The file is missing, unreadable, not a regular file, too large or not usable text.
    """
    name = os.fspath(path)
    shown = display_name(name)
    if root is not None and os.path.islink(name):
        inside = os.path.realpath(root)
        if os.path.commonpath([inside, os.path.realpath(name)]) != inside:
            raise InputError(shown, "is a symbolic link to a file outside the folder; not followed")
    data = _read_file(name, shown, max_bytes)
    if len(data) > max_bytes and Path(name).suffix.lower() in _READERS:
        # Only max_bytes + 1 bytes were read: the file's own size is the one to report.
        try:
            size = f"{os.stat(name).st_size:,} bytes"
        except OSError:
            size = f"more than {max_bytes:,} bytes"
        raise InputError(shown, _too_large(size, max_bytes))
    document = load_bytes(data, shown, doc_id=doc_id if doc_id is not None else shown, max_bytes=max_bytes)
    return Document(document.doc_id, document.text, name, document.meta)


def _read_file(name: str, shown: str, max_bytes: int) -> bytes:
    """At most ``max_bytes + 1`` bytes of a regular file; a pipe or device never blocks
    the read, because it is opened without waiting and then refused."""
    try:
        descriptor = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        reason = "is a broken symbolic link" if os.path.islink(name) else "does not exist; check the path"
        raise InputError(shown, reason) from None
    except IsADirectoryError:
        raise InputError(shown, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(shown, f"cannot be read ({exc.strerror}); check its permissions") from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        kind = "a folder" if stat.S_ISDIR(mode) else "a pipe, socket or device"
        raise InputError(shown, f"is {kind}, not a regular file; not read")
    with os.fdopen(descriptor, "rb") as handle:
        try:
            return handle.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(shown, f"cannot be read ({exc.strerror}); copy it again") from None


def load_text(text: str, doc_id: str = "<text>") -> Document:
    r"""Wrap a string as a :class:`Document`.

    Lone surrogates (left by decoding bytes with ``surrogateescape``) become U+FFFD, one
    character for one, so offsets are unchanged and reports can be written as UTF-8.

    >>> load_text("Some words.", "note").doc_id
    'note'
    >>> load_text("bad \udcff byte").text
    'bad � byte'
    """
    return Document(doc_id=doc_id, text=_without_surrogates(text), path=None, meta={"format": "text"})


def _whole_characters(text: str) -> str:
    r"""Text a parser returned, with UTF-16 surrogate pairs joined into the characters they
    stand for (RTF writes an emoji as two Unicode escapes) and lone surrogates replaced:
    a document's text must be writable as UTF-8.

    >>> _whole_characters("Smile \ud83d\ude00, lone \ud800.")
    'Smile 😀, lone �.'
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _without_surrogates(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    return text


# Characters that would break a one-line message or reorder what is shown around them
# (the "Trojan source" bidirectional overrides).
_UNSAFE_IN_NAMES = frozenset(
    [chr(c) for c in range(32)]
    + [chr(127)]
    + [chr(c) for c in range(0x80, 0xA0)]
    + list("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    + list("\u2028\u2029\\")
)


def display_name(name: str) -> str:
    r"""A file name fit for one line of a message or a report cell.

    Bytes that are not UTF-8 (which Python keeps as lone surrogates) become ``\xNN``;
    control, line-separator and bidirectional-override characters become escapes too,
    and so does a backslash, so two different names never look the same.

    >>> print(display_name("essay\udcff.txt"))
    essay\xff.txt
    >>> print(display_name("a\nb\u202etxt.exe"))
    a\x0ab\u202etxt.exe
    >>> print(display_name("caf\\xe9.txt"))
    caf\x5cxe9.txt
    >>> display_name("Zoë/essay.docx")
    'Zoë/essay.docx'
    """
    if not _UNSAFE_IN_NAMES.intersection(name) and not any("\ud800" <= c <= "\udfff" for c in name):
        return name
    return "".join(_shown_character(c) for c in name)


def _shown_character(c: str) -> str:
    if "\udc80" <= c <= "\udcff":  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{ord(c) - 0xDC00:02x}"
    if "\ud800" <= c <= "\udfff" or (c in _UNSAFE_IN_NAMES and ord(c) >= 256):
        return f"\\u{ord(c):04x}"
    if c in _UNSAFE_IN_NAMES:
        return f"\\x{ord(c):02x}"
    return c


def unsupported_reason(name: str) -> str:
    """The reason a file of an unsupported type is not read, with what to do.

    >>> unsupported_reason("essay.doc")
    'is a legacy Word .doc file, which simcheck does not read; save it as .docx'
    """
    suffix = Path(name).suffix.lower()
    if suffix == ".doc":
        return "is a legacy Word .doc file, which simcheck does not read; save it as .docx"
    return f"unsupported file type {suffix or '(none)'!r}; use one of {', '.join(SUPPORTED_SUFFIXES)}"


def iter_files(folder: str | os.PathLike[str], *, supported: bool = True) -> Iterator[Path]:
    """Supported files under ``folder`` (or, with ``supported=False``, the others),
    recursively, sorted by relative path; hidden files and folders skipped, links to
    folders not followed (see :func:`folder_problems`)."""
    root = Path(folder)
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for filename in filenames:
            if not filename.startswith(".") and is_supported(filename) == supported:
                found.append(Path(dirpath) / filename)
    yield from sorted(found, key=lambda path: path.relative_to(root).as_posix())


def _relative_to(root: Path) -> Callable[[Path], str]:
    """Names paths under ``root`` by their relative path, ready to display."""

    def name_of(path: Path) -> str:
        where = path.relative_to(root).as_posix()
        return display_name(str(root) if where == "." else where)

    return name_of


def unsupported_files(
    folder: str | os.PathLike[str], name_of: Callable[[Path], str] | None = None
) -> list[InputError]:
    """An error for each file under ``folder`` of a type simcheck does not read, so that
    a student's .doc is listed, not passed over; named as :func:`folder_problems` names."""
    name_of = name_of or _relative_to(Path(folder))
    return [
        InputError(name_of(path), unsupported_reason(path.name))
        for path in iter_files(folder, supported=False)
    ]


def folder_problems(
    folder: str | os.PathLike[str], name_of: Callable[[Path], str] | None = None
) -> list[InputError]:
    """Folders under ``folder`` whose files are not read: links to folders (never
    followed, so a link cannot lead out of the input) and folders that cannot be listed.

    Each is named by ``name_of(path)``, a name ready to display (see
    :func:`display_name`), by default its path relative to ``folder``.
    """
    root = Path(folder)
    problems = []
    name_of = name_of or _relative_to(root)

    def unlistable(error: OSError) -> None:
        name = name_of(Path(error.filename or root))
        problems.append(
            InputError(name, f"is a folder that cannot be read ({error.strerror}); its files are not checked")
        )

    for dirpath, dirnames, _ in os.walk(root, onerror=unlistable):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for dirname in dirnames:
            if os.path.islink(os.path.join(dirpath, dirname)):
                name = name_of(Path(dirpath) / dirname)
                problems.append(InputError(name, "is a symbolic link to a folder; not followed"))
    return sorted(problems, key=lambda e: e.path)


def load_folder(
    folder: str | os.PathLike[str], *, max_bytes: int = MAX_FILE_BYTES
) -> tuple[list[Document], list[InputError]]:
    """Load every supported file under ``folder``.

    Returns the documents (``doc_id`` is the path relative to ``folder``, with ``/``)
    and an error for each file that could not be read; one bad file never stops the rest.
    A symbolic link is read only when it leads to a file inside ``folder``.
    """
    root = Path(folder)
    documents: list[Document] = []
    errors: list[InputError] = folder_problems(root)
    for path in iter_files(root):
        doc_id = display_name(path.relative_to(root).as_posix())
        try:
            document = load_document(path, doc_id=doc_id, max_bytes=max_bytes, root=root)
        except InputError as exc:
            errors.append(InputError(doc_id, exc.reason))
            continue
        documents.append(document)
    return documents, sorted(errors, key=lambda e: e.path)
