"""Text files' bytes to ``str``: byte-order mark, then UTF-16 without one, then UTF-8, then
cp1252, and files of other kinds (PDF, zip, images, programs) refused by their first bytes.
Newlines are never translated.
"""

from __future__ import annotations

import codecs
import re

from ..errors import InputError

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
