"""What a bulk job's executors run, one pandas batch of rows at a time: simcheck's own
loading, tokens, fingerprints, window signatures, alignment and settling, called on the
rows Spark hands them. Nothing here imports pyspark: these are plain functions of
frames, so they run the same in any Python worker.

Hashes are unsigned 64-bit in simcheck and signed in Spark (it has no unsigned
integer): they cross as the same bits (``view``), which keeps equality, the only thing a
join asks of them.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ..batch import settle_submission
from ..config import CheckConfig
from ..errors import InputError
from ..fingerprint import fingerprint_tokens, tfidf_weights
from ..frequencies import Rarity, frequencies_in, known_idf, smooth_idf
from ..load import load_bytes, load_listed
from ..models import Candidate, Document, Excluded, Kind, Match, SourceResult
from ..pipeline import SubmissionZones, align_candidates
from ..review import SetAside
from ..tokens import Tokens
from ..windows import WindowTerms, heaviest_terms, window_terms

if TYPE_CHECKING:
    import pandas as pd

#: Rows of the load stage: a document's text, or why it could not be read.
LOADED = "doc_id string, path string, text string, error string"
#: Rows of the prepare stage (besides the loaded columns): what retrieval keeps of a text.
PREPARED = (
    "doc_id string, words int, shingles array<bigint>, prints array<bigint>, "
    "terms array<bigint>, counts array<int>, wwin array<int>, wterm array<bigint>, wcount array<int>"
)
#: Rows of window signatures, one per (document, window, signature word).
SIGNED = "doc_id string, win int, term bigint"
#: Rows of the align stage: one JSON record of a submission's summary, matches, sources.
ALIGNED = "submission string, record string, payload string"


def signed(hashes: np.ndarray) -> np.ndarray:
    """uint64 hashes as Spark's signed longs (the same bits)."""
    out: np.ndarray = np.ascontiguousarray(hashes, dtype=np.uint64).view(np.int64)
    return out


def unsigned(values: Any) -> np.ndarray:
    """Spark's longs back to simcheck's uint64 hashes."""
    out: np.ndarray = np.asarray(values, dtype=np.int64).view(np.uint64)
    return out


def load_files(frames: Iterator[pd.DataFrame], max_bytes: int) -> Iterator[pd.DataFrame]:
    """Files a folder listing found (``path``, ``doc_id``, ``root``), read as ``batch``
    reads them (:func:`~simcheck.load.load_listed`)."""
    import pandas as pd  # in the executor: pandas comes with pyspark's Arrow batches

    for frame in frames:
        rows = []
        for path, doc_id, root in zip(frame["path"], frame["doc_id"], frame["root"]):
            loaded = load_listed(path, doc_id, root, max_bytes=max_bytes)
            rows.append(_loaded_row(loaded, doc_id, path))
        yield pd.DataFrame(rows, columns=["doc_id", "path", "text", "error"])


def load_blobs(frames: Iterator[pd.DataFrame], max_bytes: int) -> Iterator[pd.DataFrame]:
    """Files Spark read as bytes (``doc_id``, ``content``): decoded and reduced
    to text as ``batch`` does (:func:`~simcheck.load.load_bytes`)."""
    import pandas as pd  # in the executor: pandas comes with pyspark's Arrow batches

    for frame in frames:
        rows = []
        for doc_id, content in zip(frame["doc_id"], frame["content"]):
            try:
                loaded: Document | InputError = load_bytes(bytes(content), doc_id, max_bytes=max_bytes)
            except InputError as exc:
                loaded = InputError(doc_id, exc.reason)
            # No path: a remote file has none that a local copy could be compared with.
            rows.append(_loaded_row(loaded, doc_id, ""))
        yield pd.DataFrame(rows, columns=["doc_id", "path", "text", "error"])


def _loaded_row(loaded: Document | InputError, doc_id: str, path: str) -> tuple[str, str, Any, Any]:
    if isinstance(loaded, InputError):
        return (doc_id, path, None, loaded.reason)
    return (loaded.doc_id, loaded.path or "", loaded.text, None)


def prepare(
    frames: Iterator[pd.DataFrame], config: CheckConfig, carried: list[str]
) -> Iterator[pd.DataFrame]:
    """Each text's tokens, once: its distinct shingle hashes (what a query looks up), its
    winnowed fingerprints (what a source is found by), its content words with counts,
    and its windows' content words (weighted later, by the job's word frequencies).
    The ``carried`` columns pass through, with the real path of a local file (a file
    is never compared with its own copy)."""
    import pandas as pd  # in the executor: pandas comes with pyspark's Arrow batches

    for frame in frames:
        rows = []
        for doc_id, text in zip(frame["doc_id"], frame["text"]):
            tokens = Tokens(text, config.language)
            kept = fingerprint_tokens(tokens, config)
            found = window_terms(tokens)
            rows.append(
                (
                    doc_id,
                    len(tokens),
                    signed(tokens.shingles(config.shingle_size).unique),
                    signed(kept.prints),
                    signed(kept.terms),
                    kept.counts.astype(np.int32),
                    found.window.astype(np.int32),
                    signed(found.terms),
                    found.counts.astype(np.int32),
                )
            )
        columns = ["doc_id", "words", "shingles", "prints", "terms", "counts", "wwin", "wterm", "wcount"]
        made = pd.DataFrame(rows, columns=columns)
        passed = frame.reset_index(drop=True).assign(
            realpath=[os.path.realpath(p) if p else "" for p in frame["path"]]
        )
        yield pd.concat([passed[carried], made], axis=1)


@dataclass(frozen=True)
class Frequencies:
    """How many documents of one store hold each content word: ``vocabulary`` sorted
    (uint64 stem hashes), ``df`` beside it, ``documents`` in all. Aggregated by Spark,
    sent to every executor once."""

    vocabulary: np.ndarray
    df: np.ndarray
    documents: int

    @classmethod
    def empty(cls) -> Frequencies:
        """No words, no documents."""
        return cls(np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64), 0)

    def lookup(self, terms: np.ndarray) -> np.ndarray:
        """The document frequency of each of ``terms`` (0 for an unknown word)."""
        return frequencies_in(self.vocabulary, self.df, terms)

    def idf(self, terms: np.ndarray) -> np.ndarray:
        """Smooth idf, as the store's own documents' window signatures weigh words."""
        return smooth_idf(self.lookup(terms), self.documents)

    def known_idf(self, terms: np.ndarray) -> np.ndarray:
        """Smooth idf, 0 for a word the store lacks: as a query's windows are weighed
        against a corpus it is not part of."""
        return known_idf(self.lookup(terms), self.documents)


def sign_windows(frames: Iterator[pd.DataFrame], weigh: Any) -> Iterator[pd.DataFrame]:
    """Each window's signature words (:func:`~simcheck.windows.heaviest_terms`),
    weighed by ``weigh`` (a :class:`Frequencies` method, or a broadcast's), one row each."""
    import pandas as pd  # in the executor: pandas comes with pyspark's Arrow batches

    for frame in frames:
        docs, wins, terms = [], [], []
        for doc_id, wwin, wterm, wcount in zip(
            frame["doc_id"], frame["wwin"], frame["wterm"], frame["wcount"]
        ):
            found = WindowTerms(
                np.asarray(wwin, dtype=np.int64),
                unsigned(wterm),
                np.asarray(wcount, dtype=np.int64),
                np.zeros((0, 2), dtype=np.int64),
            )
            signature = heaviest_terms(found, weigh())
            docs.extend([doc_id] * signature.terms.shape[0])
            wins.append(signature.window.astype(np.int32))
            terms.append(signed(signature.terms))
        yield pd.DataFrame(
            {
                "doc_id": docs,
                "win": np.concatenate(wins) if wins else np.zeros(0, dtype=np.int32),
                "term": np.concatenate(terms) if terms else np.zeros(0, dtype=np.int64),
            }
        )


class Candidates:
    """The candidates of one submission in one store, as the aligner asks for them
    (a :class:`~simcheck.corpus.SourceStore`): documents by position, their tokens, and
    their TF-IDF cosine with the submission by the store's word frequencies."""

    def __init__(
        self, documents: list[Document], frequencies: Frequencies, language: str, *, member: bool
    ) -> None:
        self.documents = documents
        self._frequencies = frequencies
        self._language = language
        # A classmate's row is its own, over the class's words; a query against a corpus
        # it is not part of keeps only the words the corpus has.
        self._member = member
        self._tokens: dict[int, Tokens] = {}
        self._query: tuple[Tokens, np.ndarray, np.ndarray] | None = None

    def document(self, key: int) -> Document:
        return self.documents[key]

    def tokens(self, key: int) -> Tokens:
        if key not in self._tokens:
            self._tokens[key] = Tokens(self.documents[key].text, self._language)
        return self._tokens[key]

    def _row(self, tokens: Tokens, *, known_only: bool) -> tuple[np.ndarray, np.ndarray]:
        kept = fingerprint_tokens(tokens, _TERMS_ONLY)
        df = self._frequencies.lookup(kept.terms)
        terms, counts = kept.terms, kept.counts
        if known_only:
            terms, counts, df = terms[df > 0], counts[df > 0], df[df > 0]
        return terms, tfidf_weights(counts, df, self._frequencies.documents)

    def tfidf_cosine(self, query: Tokens, key: int) -> float:
        if self._query is None or self._query[0] is not query:
            self._query = (query, *self._row(query, known_only=not self._member))
        _, query_terms, query_weights = self._query
        terms, weights = self._row(self.tokens(key), known_only=False)
        _, mine, theirs = np.intersect1d(query_terms, terms, assume_unique=True, return_indices=True)
        return float(np.dot(query_weights[mine], weights[theirs]))


#: Content words and their counts do not depend on these settings: any values serve.
_TERMS_ONLY = CheckConfig()


@dataclass(frozen=True)
class ClassStats:
    """What settling any submission needs to know of the whole job, sent once to each
    executor: the settings, the word frequencies of the class and of the corpus (None
    without one), how many students share a passage before it is common text, and the
    texts of the assignment prompt and other given text (``--template``), what the
    teacher set aside (``--exclude-source``, ``--allow-list``), and the fingerprints
    too many of the class's documents hold to be looked up and more students than the
    common threshold."""

    config: CheckConfig
    classmates: Frequencies
    corpus: Frequencies | None
    common_threshold: int
    templates: tuple[str, ...] = ()
    set_aside: SetAside = SetAside()
    widely_held: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))


class _GroupRow(NamedTuple):
    """A row of a submission's group in the align stage (see :func:`align_group`)."""

    role: str
    doc_id: str
    text: str
    path: str | None
    student: str | None
    shared: int
    windows: int
    mirrored: bool


def align_group(frame: pd.DataFrame, stats: ClassStats) -> pd.DataFrame:
    """One submission (the row of role ``self``) aligned with its candidates (roles
    ``class`` and ``corpus``, best evidence first) and settled as ``batch`` settles it:
    its summary, matches and sources as JSON records."""
    import pandas as pd  # in the executor: pandas comes with pyspark's Arrow batches

    config = stats.config
    # Plain rows: pandas' filters and sorts cost more than the alignments of a small group.
    rows = [_GroupRow(*values) for values in zip(*(frame[name].tolist() for name in _GroupRow._fields))]
    own = next(row for row in rows if row.role == "self")
    document = Document(own.doc_id, own.text, own.path or "")
    tokens = Tokens(document.text, config.language)
    zones = SubmissionZones(document, tokens, _template_tokens(stats.templates, config.language), config)
    stores = [stats.classmates] + ([stats.corpus] if stats.corpus is not None else [])
    rarity = Rarity(
        [partial(frequencies_in, s.vocabulary, s.df) for s in stores], sum(s.documents for s in stores)
    )
    # Every file of the class is named by its student (a corpus file by no one).
    students = {row.doc_id: row.student for row in rows if row.role != "corpus" and row.student is not None}
    lengths = {row.doc_id: len(row.text) for row in rows if row.doc_id in students}
    found = []
    for role, frequencies in zip(("class", "corpus"), stores):
        # Best evidence first, as batch ranks candidates: most fingerprints, then windows.
        ranked = sorted(
            (row for row in rows if row.role == role), key=lambda row: (-row.shared, -row.windows, row.doc_id)
        )
        documents = [Document(row.doc_id, row.text, row.path or "") for row in ranked]
        store = Candidates(documents, frequencies, config.language, member=role == "class")
        candidates = [
            Candidate(key, row.doc_id, int(row.shared), int(row.windows), bool(row.mirrored))
            for key, row in enumerate(ranked)
        ]
        found.append(
            align_candidates(document, tokens, store, candidates, config, zones=zones, rarity=rarity)
        )
    summary, matches, sources = settle_submission(
        document,
        tokens,
        found,
        students=students,
        lengths=lengths,
        widely_held=stats.widely_held,
        common_threshold=stats.common_threshold,
        set_aside=stats.set_aside,
        config=config,
    )
    records = [("summary", asdict(summary))]
    records += [("match", _match_record(m)) for m in matches]
    records += [("source", asdict(s)) for s in sources]
    return pd.DataFrame(
        [(document.doc_id, kind, json.dumps(payload)) for kind, payload in records],
        columns=["submission", "record", "payload"],
    )


@functools.lru_cache(maxsize=4)
def _template_tokens(templates: tuple[str, ...], language: str) -> list[Tokens]:
    """The prompts' tokens, made once per executor process rather than per submission."""
    return [Tokens(text, language) for text in templates]


def _match_record(match: Match) -> dict[str, Any]:
    """A match as JSON: every field but where its words are identical, which only the
    marking of common text (done) needed."""
    record = asdict(match)
    del record["identical_spans"]
    record["kind"], record["excluded"] = str(match.kind), str(match.excluded)
    return record


def match_of(payload: str) -> Match:
    """A match back from its JSON record."""
    record = json.loads(payload)
    record["kind"], record["excluded"] = Kind(record["kind"]), Excluded(record["excluded"])
    return Match(**record)


def source_of(payload: str) -> SourceResult:
    """A source's result back from its JSON record."""
    return SourceResult(**json.loads(payload))
