"""What a zone is: a span of an essay's text and why shared text in it does not count."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Excluded, Kind

#: Why a zone's text does not count.
REFERENCE_LIST = Excluded.REFERENCE_LIST
CITED_QUOTATION = Excluded.CITED_QUOTATION
#: A quotation with no attribution: counted, but shown as quoted.
QUOTATION = Kind.QUOTED
#: Text of the assignment prompt or another template the user gave.
TEMPLATE = Excluded.TEMPLATE


@dataclass(frozen=True)
class Zone:
    """``text[start:end]`` is a reference list, a quotation or a template's text;
    ``reason`` says which: why it does not count, or, for a quotation with no
    attribution, that it counts as quoted."""

    start: int
    end: int
    reason: Excluded | Kind


#: A year as essays and references write them, 1500-2099.
YEAR = r"(?:1[5-9]|20)\d\d"
