"""Parts of an essay that shared text in them does not count against: reference lists
and quotations with an attribution.

A quotation with its source given (a parenthetical author and year, a page, a footnote
marker, "as Kennedy said") is honest borrowing; the same words unattributed still count
and are marked as quoted. Zones are character spans of the text, which is never changed.

The modules, each importing only those listed above it:

- ``zone``: what a zone is (:class:`Zone`), the reasons, and how a year is written;
- ``references``: reference lists, entry by entry;
- ``quotations``: quotations and their attributions;
- this package: :func:`exclusion_zones`, both together, and :class:`ZoneIndex` with
  :func:`classify`, the zone a passage lies in.
"""

from __future__ import annotations

from ..models import Excluded, Kind
from .quotations import quotations
from .references import reference_lists
from .zone import CITED_QUOTATION, QUOTATION, REFERENCE_LIST, TEMPLATE, Zone

__all__ = [
    "CITED_QUOTATION",
    "QUOTATION",
    "REFERENCE_LIST",
    "TEMPLATE",
    "Zone",
    "ZoneIndex",
    "classify",
    "exclusion_zones",
    "quotations",
    "reference_lists",
]


def exclusion_zones(text: str) -> list[Zone]:
    """Reference lists and quotations of ``text``, in order; a quotation inside a reference
    entry (an article's title) is part of the entry."""
    references = reference_lists(text)
    lists = ZoneIndex(references)
    zones = [q for q in quotations(text) if not lists.overlapping(q.start, q.end)]
    return sorted(zones + references, key=lambda z: (z.start, z.end))


class ZoneIndex:
    """Zones found by the characters they overlap, so that a long text with a quotation
    in every paragraph is not searched whole for each passage: each zone is filed under
    every stretch of ``_STRETCH`` characters it touches, and a span looks only in its own.

    >>> index = ZoneIndex([Zone(0, 16, QUOTATION), Zone(5000, 5010, CITED_QUOTATION)])
    >>> index.reason(10, 20), index.overlapping(4000, 4500)
    (<Kind.QUOTED: 'quoted'>, [])
    """

    _STRETCH = 512

    def __init__(self, zones: list[Zone]) -> None:
        self._zones = zones
        self._filed: dict[int, list[int]] = {}
        for number, zone in enumerate(zones):
            for stretch in self._stretches(zone.start, zone.end):
                self._filed.setdefault(stretch, []).append(number)

    def _stretches(self, start: int, end: int) -> range:
        return range(start // self._STRETCH, max(start, end - 1) // self._STRETCH + 1)

    def overlapping(self, start: int, end: int) -> list[Zone]:
        """The zones that overlap ``[start, end)``, in the order they were given."""
        near: set[int] = set()
        for stretch in self._stretches(start, end):
            near.update(self._filed.get(stretch, ()))
        zones = self._zones
        return [zones[n] for n in sorted(near) if zones[n].start < end and start < zones[n].end]

    def reason(self, start: int, end: int) -> Excluded | Kind | None:
        """:func:`classify` of ``[start, end)`` among the zones: only those overlapping
        it can cover any of it, and they are asked in the order given, as classify asks."""
        return classify(start, end, self.overlapping(start, end))


def classify(start: int, end: int, zones: list[Zone]) -> Excluded | Kind | None:
    """The zone reason covering most of ``[start, end)`` when it covers at least half,
    else None.

    >>> classify(10, 20, [Zone(0, 16, QUOTATION)]), classify(10, 20, [Zone(12, 14, QUOTATION)])
    (<Kind.QUOTED: 'quoted'>, None)
    """
    best, reason = 0, None
    for zone in zones:
        inside = min(end, zone.end) - max(start, zone.start)
        if inside > best:
            best, reason = inside, zone.reason
    return reason if best * 2 >= end - start else None
