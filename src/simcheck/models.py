"""The data passed between stages and returned to callers.

Offsets are always character offsets into ``Document.text`` (end exclusive), so that
``document.text[start:end]`` is exactly what a report shows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .tables import Table

if TYPE_CHECKING:  # pandas takes a fifth of a second to import; only table output needs it
    import pandas as pd

#: Columns of a match row, in order: the public JSON/CSV contract.
MATCH_COLUMNS = (
    "submission",
    "source",
    "submission_start",
    "submission_end",
    "source_start",
    "source_end",
    "submission_text",
    "source_text",
    "words",
    "identical_words",
    "score",
    "kind",
    "excluded",
)

#: Columns of a source row (one per corpus document that shares a passage).
SOURCE_COLUMNS = (
    "submission",
    "source",
    "similarity",
    "identical",
    "words",
    "passages",
    "tfidf_cosine",
    "jaccard_estimate",
    "near_duplicate",
)

#: ``progress(done, total)``: how a long step reports how far it has got.
ProgressCallback = Callable[[int, int], None]


def reported(percent: float) -> float:
    """A percentage as the JSON and the CSV tables give it: to two decimals.

    >>> reported(23.549)
    23.55
    """
    return round(percent, 2)


def shown(percent: float) -> str:
    """A percentage as every view shows it (the HTML overview and pages, the terminal,
    messages): its reported value to one decimal, a final 5 rounded up. Each view shows
    the one value the CSV holds, so none disagrees with another or with the CSV.

    >>> shown(23.549), shown(23.45), shown(0.004), shown(100)
    ('23.6%', '23.5%', '0.0%', '100.0%')
    """
    value = Decimal(repr(reported(percent))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


class Kind(StrEnum):
    """How a passage was copied, from closest to loosest."""

    VERBATIM = "verbatim"
    EDITED = "edited"
    PARAPHRASE = "paraphrase"
    #: Rewritten sentences side by side condensing a stretch of the source several
    #: times longer.
    SUMMARY = "summary"
    #: Inside quotation marks with no attribution: it counts, and is shown as quoted.
    QUOTED = "quoted"


class Excluded(StrEnum):
    """Why a passage does not count towards any percentage (``COUNTED``: it does)."""

    COUNTED = ""
    CITED_QUOTATION = "cited quotation"
    REFERENCE_LIST = "reference list"
    #: Text of the assignment prompt or another template the user gave.
    TEMPLATE = "template"
    #: In a batch, a passage found in more submissions than ``common_threshold``.
    COMMON_TEXT = "common text"
    #: In a batch, text shared with a classmate that both have from a corpus source.
    IN_CORPUS = "also in a corpus source"
    #: From a source the teacher set aside for every submission (``--exclude-source``).
    EXCLUDED_SOURCE = "excluded source"
    #: From a source or between a pair the teacher reviewed (``--allow-list``).
    ALLOW_LISTED = "allow-listed"


@dataclass(frozen=True)
class Candidate:
    """A corpus document worth aligning with a query: approximate, until alignment
    makes a match.

    Attributes
    ----------
    key : int
        The store's own key for the document, to pass back to it (``document(key)``,
        ``tokens(key)``); meaningless elsewhere. Reports use ``doc_id``.
    doc_id : str
        The corpus document.
    shared_fingerprints : int
        Query fingerprints also found in this document.
    window_terms : int
        The most signature words (rare words) that a window of sentences of the query
        shares with one of the document's: the evidence for a reworded passage.
    mirrored : bool
        The document is a classmate's, and that classmate's own check found passages of
        the query in it: the pair is aligned this way round too, whatever the evidence.
    """

    key: int
    doc_id: str
    shared_fingerprints: int
    window_terms: int = 0
    mirrored: bool = False

    @property
    def one_phrase(self) -> bool:
        """Whether one shared fingerprint, and nothing else, proposed it."""
        return self.shared_fingerprints == 1 and self.window_terms == 0 and not self.mirrored


@dataclass(frozen=True)
class Document:
    """One loaded document.

    Attributes
    ----------
    doc_id : str
        Stable name: the path as given for a submission, the path relative to the
        corpus root for a corpus document.
    text : str
        The exact extracted text; every offset refers into it.
    path : str or None
        The file it came from (for a zip's member, the zip's path followed by the
        member's name), or None for text given directly.
    meta : Mapping
        Format and decoding details (``format``, ``encoding``).
    """

    doc_id: str
    text: str
    path: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Passage:
    """A passage aligned between two texts ``a`` (submission) and ``b`` (source).

    Attributes
    ----------
    a_start, a_end, b_start, b_end : int
        Character offsets, end exclusive.
    words : int
        Words of ``a`` inside the passage.
    score : float
        Dice coefficient of the two sides' word stems, in [0, 1]: 1 for a verbatim copy.
    kind : Kind
        ``verbatim``, ``edited``, ``paraphrase`` or ``summary``.
    """

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    words: int
    score: float
    kind: Kind


@dataclass(frozen=True)
class Match:
    """A reported passage: a :class:`Passage` with both documents named and quoted.

    ``kind`` is ``quoted`` for a passage inside a quotation with no attribution (it
    counts). ``excluded`` names why a passage does not count towards any percentage
    (``cited quotation``, ``reference list``, ...), or is empty. ``identical_words`` counts
    the submission words inside runs of at least ``shingle_size`` words that the source
    side has in the same order (``identical_spans``, not part of the JSON, says where).
    """

    submission: str
    source: str
    submission_start: int
    submission_end: int
    source_start: int
    source_end: int
    submission_text: str
    source_text: str
    words: int
    score: float
    kind: Kind
    excluded: Excluded = Excluded.COUNTED
    identical_words: int = 0
    identical_spans: tuple[tuple[int, int], ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def from_passage(
        cls,
        passage: Passage,
        submission: Document,
        source: Document,
        *,
        kind: Kind | None = None,
        excluded: Excluded = Excluded.COUNTED,
        identical: tuple[tuple[tuple[int, int], ...], int] = ((), 0),
    ) -> Match:
        return cls(
            submission=submission.doc_id,
            source=source.doc_id,
            submission_start=passage.a_start,
            submission_end=passage.a_end,
            source_start=passage.b_start,
            source_end=passage.b_end,
            submission_text=submission.text[passage.a_start : passage.a_end],
            source_text=source.text[passage.b_start : passage.b_end],
            words=passage.words,
            score=passage.score,
            kind=kind or passage.kind,
            excluded=excluded,
            identical_words=identical[1],
            identical_spans=identical[0],
        )

    def to_dict(self) -> dict[str, Any]:
        row = {name: getattr(self, name) for name in MATCH_COLUMNS}
        row["score"] = round(self.score, 4)
        return row


@dataclass(frozen=True)
class SourceResult:
    """How much of a submission one corpus document covers.

    Attributes
    ----------
    submission, source : str
        Document ids.
    similarity : float
        Percentage of the submission's words inside passages shared with this source.
    identical : float
        Percentage of the submission's words left word for word in those passages (see
        :func:`~simcheck.score.identical_runs`): near ``similarity`` for a pasted copy,
        far below it for a rewritten one.
    words : int
        Submission words inside those passages.
    passages : int
        Number of passages.
    tfidf_cosine : float
        Whole-document TF-IDF cosine (topic closeness, not evidence of copying).
    jaccard_estimate : float
        Jaccard similarity of the two documents' fingerprint sets (counted exactly; the
        name is the report's column); near 1 for near-duplicate documents.
    near_duplicate : bool
        Whether the whole documents are near-duplicates (``jaccard_estimate`` at or
        above the LSH threshold of the settings, about 0.7).
    """

    submission: str
    source: str
    similarity: float
    words: int
    passages: int
    tfidf_cosine: float
    jaccard_estimate: float
    near_duplicate: bool = False
    identical: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        row = {name: getattr(self, name) for name in SOURCE_COLUMNS}
        for name in ("similarity", "identical"):
            row[name] = reported(row[name])
        for name in ("tfidf_cosine", "jaccard_estimate"):
            row[name] = round(row[name], 4)
        return row


@dataclass(frozen=True)
class DocumentSummary:
    """One checked submission: its size, its headline similarity percentage, the
    percentage of its words left word for word (``identical``), and whether it is
    ``flagged`` by the settings ``flag_above`` and ``flag_passage_words`` (see
    :func:`~simcheck.score.is_flagged`)."""

    path: str
    words: int
    similarity: float
    identical: float = 0.0
    flagged: bool = False

    @property
    def status(self) -> str:
        """``flagged`` or ``clean``, as every report gives it."""
        return "flagged" if self.flagged else "clean"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "words": self.words,
            "similarity": reported(self.similarity),
            "identical": reported(self.identical),
            "status": self.status,
        }


@dataclass(frozen=True)
class CheckResult:
    """The result of checking submissions against a corpus.

    Attributes
    ----------
    documents : tuple of DocumentSummary
        Each submission with its similarity percentage.
    matches : tuple of Match
        Every reported passage, ordered by submission, then position.
    sources : tuple of SourceResult
        Per submission, the corpus documents it overlaps, most covering first.
    settings : dict
        The :class:`~simcheck.config.CheckConfig` used.
    version : str
        simcheck version.
    skipped : tuple of InputError
        The files that could not be read: the corpus's, then (in a batch) the class's.
    stats : dict
        Counts per stage (corpus documents, fingerprints, candidates, passages).
    texts : Mapping
        The text of each submission and of each source it shares a passage with, by
        ``doc_id``: the context an HTML report shows. Not part of the JSON.
    inputs : Mapping
        Provenance for reports: ``corpus`` (what was checked against) and ``templates``
        (``[name, sha256]`` pairs). Not part of the JSON.
    set_aside : Mapping
        What the teacher set aside (``exclude_source``: names; ``allow_list``: entries of
        one or two names), whose passages are listed as not counted.
    """

    documents: tuple[DocumentSummary, ...]
    matches: tuple[Match, ...]
    sources: tuple[SourceResult, ...]
    settings: dict[str, Any]
    version: str
    skipped: tuple[InputError, ...] = ()
    stats: dict[str, int] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    inputs: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
    set_aside: Mapping[str, Any] = field(default_factory=dict)

    @property
    def similarity(self) -> float:
        """Headline percentage of the first (usually only) submission."""
        return self.documents[0].similarity if self.documents else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "settings": dict(self.settings),
            "documents": [d.to_dict() for d in self.documents],
            "sources": [s.to_dict() for s in self.sources],
            "matches": [m.to_dict() for m in self.matches],
            "skipped": [str(error) for error in self.skipped],
            "stats": dict(self.stats),
            "set_aside": {
                "exclude_source": list(self.set_aside.get("exclude_source", [])),
                "allow_list": [list(entry) for entry in self.set_aside.get("allow_list", [])],
            },
        }

    def to_json(self) -> str:
        """The JSON report: byte-identical for the same inputs and settings."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def matches_table(self) -> Table:
        """One row per match, columns as in the JSON contract (the CSV report)."""
        return Table(MATCH_COLUMNS, [m.to_dict() for m in self.matches])

    def to_frame(self) -> pd.DataFrame:
        """The matches as a DataFrame (see :meth:`matches_table`)."""
        return self.matches_table().to_frame()

    def sources_frame(self) -> pd.DataFrame:
        """One row per (submission, source) pair with its scores."""
        return Table(SOURCE_COLUMNS, [s.to_dict() for s in self.sources]).to_frame()


def match_order(match: Match) -> tuple[str, int, int, str, int]:
    """The order of passages in every report: by submission, then place in it, then source."""
    return (match.submission, match.submission_start, match.submission_end, match.source, match.source_start)


def source_order(source: SourceResult) -> tuple[str, float, str]:
    """The order of sources in every report: by submission, most covering first."""
    return (source.submission, -source.similarity, source.source)
