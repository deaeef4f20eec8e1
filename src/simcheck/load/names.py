"""File names made safe to show on one line of a message or a report cell."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

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

    Names are composed (NFC): macOS writes ``e`` and a combining accent where others
    write ``é``, and one student's name must read, sort and group as one name.

    >>> display_name("Zoe\u0308.txt") == "Zo\u00eb.txt"
    True
    """
    name = unicodedata.normalize("NFC", name)
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


def relative_posix(path: Path, root: Path) -> str:
    """``path.relative_to(root).as_posix()``, by slicing the strings when ``path`` was
    made by joining onto ``root`` (each file a walk finds): a class of 100,000 files is
    named in a tenth of the time.

    >>> relative_posix(Path("essays/2024/a.txt"), Path("essays")), relative_posix(Path("a"), Path("."))
    ('2024/a.txt', 'a')
    """
    whole, top = str(path), str(root)
    if whole.startswith(top) and whole[len(top) : len(top) + 1] == os.sep and not top.endswith(os.sep):
        return whole[len(top) + 1 :].replace(os.sep, "/")
    return path.relative_to(root).as_posix()


def file_suffix(name: str | os.PathLike[str]) -> str:
    """The suffix of a file name as ``Path(name).suffix.lower()`` gives it, without
    making a Path (every file of a folder is asked three times).

    >>> file_suffix("essays/Essay.DOCX"), file_suffix("..txt"), file_suffix(".txt"), file_suffix("a.")
    ('.docx', '.txt', '', '')
    """
    base = os.fspath(name).rsplit(os.sep, 1)[-1]
    at = base.rfind(".")
    return base[at:].lower() if 0 < at < len(base) - 1 else ""
