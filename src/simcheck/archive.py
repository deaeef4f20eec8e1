"""Zip archives as learning platforms export them, read without trusting them.

Nothing is ever written to disk: a member's name is only a label, with roots and
``..`` dropped (see :func:`safe_member`), and its bytes go straight to the loader. What
a hostile archive could do instead is refused, one error per member, while the other
members are still read:

- a member that is a symbolic link (its "text" is a path to somewhere else);
- a member encrypted with a password;
- a second member of the same name;
- a member over ``max_bytes``, or one packed at a zip-bomb ratio (see
  :func:`~simcheck.load.bomb_ratio`), or more than ``max_unpacked`` bytes in all;
- a zip inside a zip deeper than ``max_depth`` (one inside the export is read, its
  members named ``outer.zip/inner.txt``).

Members of a type simcheck does not read are listed as errors too, so that no
submitted file goes unmentioned. Reports simcheck wrote (a report page, a JSON report, a
class's report folder; see :mod:`simcheck.load.own`) are passed over, each with a note,
an :class:`~simcheck.errors.OwnReport`, among the errors.
"""

from __future__ import annotations

import io
import os
import stat
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .errors import CorpusError, InputError, OwnReport
from .load import (
    FILE_REASON,
    FOLDER_REASON,
    HEAD_BYTES,
    MAX_FILE_BYTES,
    bomb_ratio,
    display_name,
    is_own_report,
    is_report_folder,
    is_supported,
    load_bytes,
    read_member,
    unsupported_reason,
)
from .models import Document

#: Most bytes unpacked from one archive, the zips inside it included.
MAX_UNPACKED = 4_000_000_000
#: Most files read from one archive.
MAX_MEMBERS = 100_000
#: Zips read inside one another: the export, and a zip a student handed in.
MAX_DEPTH = 2
#: A zip inside the archive is unpacked into memory, so it is held to this many times
#: ``max_bytes``.
NESTED_FACTOR = 10

# Errors zipfile and zlib raise for damaged, truncated or unsupported members.
_UNPACK_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError)


#: The zip flag saying a member's name is UTF-8 (general purpose bit 11).
_UTF8_FLAG = 0x800
#: The Info-ZIP Unicode Path extra field: a UTF-8 name beside a legacy one.
_UNICODE_PATH = 0x7075


def member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as the tool that wrote the zip meant it, in NFC.

    With the UTF-8 flag set the name is UTF-8 (``zipfile`` read it so). Without it,
    ``zipfile`` read the bytes as cp437, the format's old default; but Info-ZIP's
    ``zip`` and macOS write UTF-8 bytes without the flag. So: the Info-ZIP Unicode Path
    field when it is there and its checksum matches the stored name; else the bytes as
    UTF-8 when they are valid UTF-8; else cp437 (old Windows zips). macOS writes names
    decomposed (NFD): they are composed, so one student's name is one name.

    >>> info = zipfile.ZipInfo("martínez.txt".encode().decode("cp437"))
    >>> member_name(info)
    'martínez.txt'
    >>> member_name(zipfile.ZipInfo(b"r\\x82sum\\x82.txt".decode("cp437")))  # old Windows: cp437
    'résumé.txt'
    """
    name = info.filename
    if not info.flag_bits & _UTF8_FLAG:
        try:
            raw = name.encode("cp437")  # the bytes zipfile read as cp437
        except UnicodeEncodeError:  # a name made in memory, not read from bytes
            raw = b""
        name = (raw and (_unicode_path(info.extra, raw) or _utf8_or_none(raw))) or name
    return unicodedata.normalize("NFC", name)


def _utf8_or_none(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _unicode_path(extra: bytes, raw: bytes) -> str | None:
    """The UTF-8 name of an Info-ZIP Unicode Path field (0x7075) in ``extra``, if one is
    there and was written for the name ``raw`` (its CRC-32 matches)."""
    at = 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, at)
        body = extra[at + 4 : at + 4 + size]
        at += 4 + size
        if kind == _UNICODE_PATH and len(body) >= 5 and body[0] == 1:
            if struct.unpack_from("<I", body, 1)[0] == zlib.crc32(raw):
                return _utf8_or_none(body[5:])
    return None


def safe_member(name: str) -> str:
    """A zip member's name as a plain relative path (no root, no ``..``, ``/`` only).

    >>> safe_member("../../etc/passwd"), safe_member("/abs/a.txt"), safe_member("a\\\\b.txt")
    ('etc/passwd', 'abs/a.txt', 'a/b.txt')
    """
    parts = [p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in ("/", "..", ".")]
    return "/".join(parts)


@dataclass
class _Walk:
    """What reading one archive has used so far, and what it found."""

    max_bytes: int
    max_unpacked: int
    max_members: int
    max_depth: int
    unpacked: int = 0
    members: int = 0
    seen: set[str] = field(default_factory=set)
    documents: list[Document] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    #: The archive's file name, for a note on the whole of it.
    source: str = ""


def load_zip(
    source: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_FILE_BYTES,
    max_unpacked: int = MAX_UNPACKED,
    max_members: int = MAX_MEMBERS,
    max_depth: int = MAX_DEPTH,
) -> tuple[list[Document], list[InputError]]:
    """Every readable document in a zip, and an error for each member that is not.

    Documents are named by their cleaned member name and come in name order; the
    path of each is the archive's followed by that name (``class.zip/Ada/essay.txt``),
    so that a copy of it saved in an index from this zip is known as its own.

    Raises
    ------
    CorpusError
        The archive itself cannot be opened (damaged, truncated, not a zip).
    """
    try:
        archive = zipfile.ZipFile(source)
    except (*_UNPACK_ERRORS, UnicodeDecodeError):
        raise CorpusError(
            f"{display_name(os.fspath(source))}: not a readable zip archive (damaged or truncated); "
            "download the export again"
        ) from None
    walk = _Walk(max_bytes, max_unpacked, max_members, max_depth, source=display_name(Path(source).name))
    with archive:
        _read_archive(archive, "", 1, walk)
    where = os.fspath(source)
    return [Document(d.doc_id, d.text, f"{where}/{d.doc_id}", d.meta) for d in walk.documents], walk.errors


def _read_archive(archive: zipfile.ZipFile, prefix: str, depth: int, walk: _Walk) -> None:
    members = sorted(archive.infolist(), key=lambda i: (safe_member(member_name(i)), i.filename))
    reports = _report_folders(archive, members)
    noted: set[str] = set()  # a report folder's note is given once, not per file
    for info in members:
        name = safe_member(member_name(info))
        hidden = any(part.startswith((".", "__MACOSX")) for part in name.split("/"))
        nested = name.lower().endswith(".zip")
        if info.is_dir() or not name or hidden:
            continue
        shown = display_name(prefix + name)
        own = _own_report(archive, info, name, reports)
        if own is not None:
            label = display_name(prefix + own[0]) if own[0] else prefix.rstrip("/") or walk.source
            if label not in noted:
                noted.add(label)
                walk.errors.append(OwnReport(label, own[1]))
            continue
        if not (nested or is_supported(name)):
            # Listed, not skipped: a student's .doc must not vanish from the report.
            walk.errors.append(InputError(shown, unsupported_reason(name)))
            continue
        problem = _refusal(info, shown, nested, depth, walk)
        if problem:
            walk.errors.append(InputError(shown, problem))
            continue
        walk.seen.add(shown)
        limit = (NESTED_FACTOR if nested else 1) * walk.max_bytes
        try:
            data = read_member(archive, info, limit)
        except RuntimeError:  # zipfile's word for a member it cannot decrypt
            walk.errors.append(InputError(shown, "is encrypted in the zip; export it without a password"))
            continue
        except _UNPACK_ERRORS:
            walk.errors.append(
                InputError(shown, "cannot be unpacked from the zip (damaged, truncated or packed oddly)")
            )
            continue
        walk.unpacked += len(data)
        if nested:
            _read_nested(data, shown, depth, walk)
            continue
        try:
            walk.documents.append(load_bytes(data, shown, doc_id=shown, max_bytes=walk.max_bytes))
        except InputError as exc:
            walk.errors.append(exc)


def _report_folders(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> set[str]:
    """The folders of ``archive`` (cleaned names; ``""`` for its top) that are a class's
    report folders simcheck wrote."""
    folders: dict[str, dict[str, zipfile.ZipInfo]] = {}
    for info in members:
        folder, _, base = safe_member(member_name(info)).rpartition("/")
        folders.setdefault(folder, {})[base] = info
    return {
        folder
        for folder, files in folders.items()
        if "documents.csv" in files
        and "report.json" in files
        and is_report_folder(set(files), _head(archive, files["report.json"]))
    }


def _own_report(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, reports: set[str]
) -> tuple[str, str] | None:
    """(what is passed over, why) when a member is one of simcheck's reports or lies in
    a report folder of ``reports``, else None."""
    for folder in reports:
        if not folder or name.startswith(folder + "/"):
            return folder, FOLDER_REASON
    if name.lower().endswith((".html", ".htm", ".json")) and is_own_report(name, _head(archive, info)):
        return name, FILE_REASON
    return None


def _head(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The first bytes of a member (nothing when it cannot be unpacked): a few
    kilobytes, whatever the member claims to hold."""
    if info.flag_bits & 0x1 or stat.S_ISLNK(info.external_attr >> 16):
        return b""
    try:
        with archive.open(info) as member:
            return member.read(HEAD_BYTES)
    except (*_UNPACK_ERRORS, RuntimeError):
        return b""


def _refusal(info: zipfile.ZipInfo, shown: str, nested: bool, depth: int, walk: _Walk) -> str:
    """Why a member is not read, or an empty string."""
    walk.members += 1
    if walk.members > walk.max_members:
        return f"not read: the zip holds more than {walk.max_members:,} files"
    if shown in walk.seen:
        return "appears twice in the zip; only the first copy is checked"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "is a symbolic link inside the zip; not followed"
    if info.flag_bits & 0x1:
        return "is encrypted in the zip; export it without a password"
    if nested and depth >= walk.max_depth:
        return f"is a zip more than {walk.max_depth} levels deep; unpack it and submit its files"
    if nested and info.file_size > NESTED_FACTOR * walk.max_bytes:
        return (
            f"is a zip of {info.file_size:,} bytes inside the zip (limit {NESTED_FACTOR} times "
            f"--max-bytes, {NESTED_FACTOR * walk.max_bytes:,}); unpack it and submit its files"
        )
    if not nested and info.file_size > walk.max_bytes:
        return (
            f"is too large ({info.file_size:,} bytes unpacked, over the --max-bytes limit of "
            f"{walk.max_bytes:,}); split it or raise the limit"
        )
    ratio = bomb_ratio(info)
    if ratio:
        return f"is packed {ratio:,} to 1 (a zip bomb?); not unpacked"
    if walk.unpacked + info.file_size > walk.max_unpacked:
        return f"not unpacked: the zip would unpack to more than {walk.max_unpacked:,} bytes in all"
    return ""


def _read_nested(data: bytes, shown: str, depth: int, walk: _Walk) -> None:
    try:
        inner = zipfile.ZipFile(io.BytesIO(data))
    except (*_UNPACK_ERRORS, UnicodeDecodeError):
        walk.errors.append(InputError(shown, "is not a readable zip archive (damaged or truncated)"))
        return
    with inner:
        _read_archive(inner, shown + "/", depth + 1, walk)
