"""Files and folders to :class:`~simcheck.models.Document`.

Plain-text formats are read as bytes and decoded here (BOM, then UTF-8, then cp1252) so
that newlines are never translated: ``\\r\\n`` stays two characters and offsets into the
loaded text match the file. Rich formats (docx, pdf, odt, rtf, html) are reduced to
their text with a well-kept parser each.
"""

from __future__ import annotations

import codecs
import io
import os
import zipfile
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from .errors import InputError
from .models import Document

#: Largest file read, in bytes: an essay is a few KB, a long PDF a few MB.
MAX_FILE_BYTES = 50_000_000

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
    """Decode a text file's bytes: BOM, then UTF-8, then cp1252.

    Returns the text and the encoding used. Newlines are left exactly as they are.

    >>> decode_bytes(b"caf\\xc3\\xa9\\r\\n")
    ('café\\r\\n', 'utf-8')
    >>> decode_bytes(b"\\x93quoted\\x94")
    ('“quoted”', 'cp1252')
    >>> decode_bytes("\\ufeffhi".encode("utf-16-le"))
    ('hi', 'utf-16')
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
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise InputError(name, "is neither UTF-8 nor Windows-1252 text; re-save it as UTF-8") from None


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


def _read_text(data: bytes, name: str) -> tuple[str, str]:
    return decode_bytes(data, name)


def _read_html(data: bytes, name: str) -> tuple[str, str]:
    markup, encoding = decode_bytes(data, name)
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    return parser.text(), encoding


def _read_docx(data: bytes, name: str) -> tuple[str, str]:
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
        raise InputError(
            name,
            "is not a readable .docx file (damaged, or not a Word "
            "document); re-save it from the word processor as .docx",
        ) from None
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            paragraphs.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(paragraphs), "docx"


def _read_pdf(data: bytes, name: str) -> tuple[str, str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise InputError(name, "is an encrypted PDF; save an unprotected copy and retry")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise InputError(
            name, "is not a readable PDF (damaged or not a PDF); re-export it as PDF or save it as .docx"
        ) from None
    text = "\n\n".join(page.strip("\n") for page in pages)
    if not text.strip():
        raise InputError(
            name, "has no text layer (a scanned PDF?); run OCR on it or submit the original document"
        )
    return text, "pdf"


def _read_odt(data: bytes, name: str) -> tuple[str, str]:
    from odf import teletype
    from odf import text as odf_text
    from odf.opendocument import load as load_odf

    try:
        document = load_odf(io.BytesIO(data))
    except Exception:  # odfpy raises bare zip/xml errors of many kinds
        raise InputError(
            name, "is not a readable .odt file (damaged or not OpenDocument); re-save it as .odt or .docx"
        ) from None
    blocks = document.text.getElementsByType(odf_text.P) + document.text.getElementsByType(odf_text.H)
    # getElementsByType groups by type; restore document order for a faithful text.
    order = {id(node): i for i, node in enumerate(_walk_odf(document.text))}
    blocks.sort(key=lambda node: order.get(id(node), 0))
    return "\n".join(teletype.extractText(block) for block in blocks), "odt"


def _walk_odf(node: object) -> Iterator[object]:
    for child in getattr(node, "childNodes", []):
        yield child
        yield from _walk_odf(child)


def _read_rtf(data: bytes, name: str) -> tuple[str, str]:
    from striprtf.striprtf import rtf_to_text

    raw, _ = decode_bytes(data, name)
    if not raw.lstrip().startswith("{\\rtf"):
        raise InputError(name, "is not an RTF document (no {\\rtf header); save it as .rtf, .docx or .txt")
    return str(rtf_to_text(raw, errors="ignore")), "rtf"  # type: ignore[no-untyped-call]


_READERS: dict[str, Callable[[bytes, str], tuple[str, str]]] = {
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


def load_bytes(data: bytes, name: str, *, doc_id: str | None = None) -> Document:
    """Make a :class:`Document` from a file's bytes; ``name`` gives its format.

    Raises
    ------
    InputError
        Unsupported type, empty, binary, corrupt or undecodable content.
    """
    suffix = Path(name).suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        raise InputError(
            name, f"unsupported file type {suffix or '(none)'!r}; use one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    if not data:
        raise InputError(name, "is empty (0 bytes); submit the file with its text")
    if len(data) > MAX_FILE_BYTES:
        raise InputError(
            name, f"is too large ({len(data):,} bytes, limit {MAX_FILE_BYTES:,}); split it or remove images"
        )
    text, encoding = reader(data, name)
    if not text.strip():
        raise InputError(name, "has no text; check that it is the right file")
    return Document(
        doc_id=doc_id if doc_id is not None else name,
        text=text,
        path=name,
        meta={"format": suffix.lstrip("."), "encoding": encoding},
    )


def load_document(path: str | os.PathLike[str], *, doc_id: str | None = None) -> Document:
    """Load one file.

    Parameters
    ----------
    path : str or path-like
        A ``.txt .md .html .docx .pdf .odt .rtf`` file.
    doc_id : str, optional
        Name to use in reports; defaults to ``path`` as given.

    Raises
    ------
    InputError
        The file is missing, unreadable or not usable text.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InputError(name, "does not exist; check the path") from None
    except IsADirectoryError:
        raise InputError(name, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror}); check its permissions") from None
    return load_bytes(data, name, doc_id=doc_id)


def load_text(text: str, doc_id: str = "<text>") -> Document:
    """Wrap a string as a :class:`Document`.

    >>> load_text("Some words.", "note").doc_id
    'note'
    """
    return Document(doc_id=doc_id, text=text, path=None, meta={"format": "text"})


def iter_files(folder: str | os.PathLike[str]) -> Iterator[Path]:
    """Supported files under ``folder``, recursively, sorted by relative path; hidden
    files and folders skipped."""
    root = Path(folder)
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for filename in filenames:
            if not filename.startswith(".") and is_supported(filename):
                found.append(Path(dirpath) / filename)
    yield from sorted(found, key=lambda path: path.relative_to(root).as_posix())


def load_folder(
    folder: str | os.PathLike[str],
) -> tuple[list[Document], list[InputError]]:
    """Load every supported file under ``folder``.

    Returns the documents (``doc_id`` is the path relative to ``folder``, with ``/``)
    and an error for each file that could not be read; one bad file never stops the rest.
    """
    root = Path(folder)
    documents: list[Document] = []
    errors: list[InputError] = []
    for path in iter_files(root):
        try:
            documents.append(load_document(path, doc_id=path.relative_to(root).as_posix()))
        except InputError as exc:
            errors.append(exc)
    return documents, errors
