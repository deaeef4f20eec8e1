"""One submission checked against a corpus: load, tokens, retrieve, align, score.

:func:`check` is the one-call form; :func:`check_document` is the step a batch repeats
for every submission, against its classmates and against a corpus, and
:func:`~simcheck.score.settle` turns what they found into the submission's result.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import cache, partial
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .align import align_tokens, phrase_in_context
from .config import CheckConfig
from .corpus import CorpusLike, SourceStore, rarity_of, settings_for
from .errors import CorpusError
from .fingerprint import fingerprint_tokens, near_duplicate_threshold
from .fingerprint import jaccard as jaccard_similarity
from .frequencies import Rarity
from .load import is_supported, load_document, load_text
from .models import (
    Candidate,
    CheckResult,
    Document,
    Excluded,
    Kind,
    Match,
    Passage,
    ProgressCallback,
    SourceResult,
    match_order,
    source_order,
)
from .retrieve import Corpus
from .review import SetAside
from .score import Found, WordRuns, identical_runs, mark_set_aside, recounted, settle
from .tokens import Tokens
from .zones import TEMPLATE, Zone, ZoneIndex, exclusion_zones

if TYPE_CHECKING:
    import numpy as np

SubmissionLike = Document | str | os.PathLike[str]
CorpusSource = CorpusLike | str | os.PathLike[str] | Sequence[Document]


def as_document(submission: SubmissionLike) -> Document:
    """A :class:`Document` from a document, a file path, or the text itself.

    A string is read as a path when it names an existing file or ends in a supported
    suffix (so a mistyped file name is an error, not a one-line essay).

    >>> as_document("The Thaw began in 1953. Stalin had died.").doc_id
    '<text>'
    """
    if isinstance(submission, Document):
        return submission
    if isinstance(submission, os.PathLike):
        return load_document(submission)
    looks_like_path = "\n" not in submission and len(submission) < 4096
    if looks_like_path and (os.path.isfile(submission) or is_supported(submission.strip())):
        return load_document(submission)
    return load_text(submission)


def open_corpus(
    corpus: CorpusSource, config: CheckConfig | None = None, *, progress: ProgressCallback | None = None
) -> CorpusLike:
    """A corpus to check against: a folder (indexed in memory), an index file or a
    PostgreSQL archive's URL (see :mod:`simcheck.index`), a list of documents, or a ready :class:`Corpus` or
    :class:`~simcheck.index.Index` (returned as it is)."""
    if isinstance(corpus, CorpusLike):
        return corpus
    if isinstance(corpus, (str, os.PathLike)):
        if os.path.isfile(corpus) or "://" in os.fspath(corpus):
            # SQLite, psycopg and the index's writer (with its process pool): only for an
            # index file or a URL
            from .index import Index, is_archive_url, is_index_file, masked_url

            if is_archive_url(corpus):
                return Index(corpus, config)
            if not os.path.isfile(corpus):
                raise CorpusError(f"{masked_url(str(corpus))}: only a postgresql:// URL names an archive")
            if not is_index_file(corpus):
                raise CorpusError(f"{corpus}: is a file but not a simcheck index; give a folder or an index")
            return Index(corpus, config)
        return Corpus.from_folder(corpus, config, progress=progress)
    documents = list(corpus)
    if not all(isinstance(d, Document) for d in documents):
        raise CorpusError("corpus must be a folder path, a Corpus or a list of Documents")
    return Corpus(documents, config, progress=progress)


def check(
    submission: SubmissionLike,
    corpus: CorpusSource,
    *,
    config: CheckConfig | None = None,
    templates: Sequence[SubmissionLike] = (),
    set_aside: SetAside | None = None,
    progress: ProgressCallback | None = None,
) -> CheckResult:
    """Check one essay against a corpus.

    Parameters
    ----------
    submission : Document, path or str
        The essay: a loaded document, a file path, or its text.
    corpus : Corpus, Index, path, URL or list of Document
        A corpus folder (indexed in memory), an index file, a PostgreSQL archive's
        ``postgresql://`` URL, or a ready corpus.
    config : CheckConfig, optional
        Settings; the defaults suit essays, or those a ready corpus or an index was
        prepared with. Given, they are used: settings that shaped a ready corpus must
        then agree with it.
    templates : sequence of Document, path or str, optional
        The assignment prompt or other given text: passages repeating it are listed
        with ``excluded="template"`` and not counted.
    set_aside : SetAside, optional
        Sources (and pairs of the essay and a source) the teacher has reviewed: their
        passages are listed with the reason and not counted.
    progress : callable, optional
        ``progress(done, total)`` while a corpus folder is indexed, then while the essay
        is aligned with its candidate sources (``done`` of ``total`` candidates, from 0).

    Returns
    -------
    CheckResult
        The similarity percentage, the sources ranked by how much of the essay they
        cover, and every flagged passage with offsets on both sides.

    Raises
    ------
    InputError
        The submission cannot be read.
    CorpusError
        The corpus is missing or empty.
    ConfigError
        ``config`` disagrees with a setting that shaped a ready corpus or an index.

    Examples
    --------
    >>> source = Document("berlin.txt", "In August 1961 East German soldiers began "
    ...     "building the wall that would divide Berlin for twenty-eight years.")
    >>> result = check("Everyone knows that in August 1961 East German soldiers began "
    ...     "building the wall that would divide Berlin for decades.", [source])
    >>> round(result.similarity), str(result.matches[0].kind)
    (84, 'edited')
    """
    document = as_document(submission)
    store = open_corpus(corpus, config, progress=progress)
    config = settings_for(config, store)
    tokens = Tokens(document.text, config.language)
    own = store.own_copy(document)
    template_documents = [as_document(t) for t in templates]
    zones = SubmissionZones(
        document, tokens, [Tokens(t.text, config.language) for t in template_documents], config
    )
    found, candidates = check_document(
        document,
        tokens,
        store,
        config,
        exclude=[own] if own is not None else [],
        zones=zones,
        rarity=rarity_of([store]),
        progress=progress,
    )
    aside = set_aside or SetAside()
    mark = partial(mark_set_aside, set_aside=aside, students={}) if aside else None
    summary, matches, sources = settle(document, tokens, [found], mark, config=config)
    matches.sort(key=match_order)
    sources.sort(key=source_order)
    return CheckResult(
        documents=(summary,),
        matches=tuple(matches),
        sources=tuple(sources),
        settings=config.to_dict(),
        version=__version__,
        skipped=store.skipped,
        stats={
            "corpus_documents": len(store),
            "candidates": candidates,
            "sources": len(sources),
            "passages": len(matches),
        },
        texts={document.doc_id: document.text, **source_texts(store, (m.source for m in matches))},
        inputs=describe_inputs(store.describe(), template_documents),
        set_aside=aside.to_dict(),
    )


def template_zones(tokens: Tokens, templates: Sequence[Tokens], config: CheckConfig) -> list[Zone]:
    """Where the text repeats a template (an assignment prompt), found by the same
    alignment as copying, so a lightly edited prompt is found too."""
    return [
        Zone(p.a_start, p.a_end, TEMPLATE)
        for template in templates
        for p in align_tokens(tokens, template, config)
    ]


class SubmissionZones:
    """The parts of one submission that shared text in does not count against (see
    :mod:`simcheck.zones`, and the templates' text), found when a first passage needs
    them: most essays of a class have none, and a batch checks each essay twice."""

    def __init__(
        self, document: Document, tokens: Tokens, templates: Sequence[Tokens], config: CheckConfig
    ) -> None:
        self._text = document.text
        self._tokens = tokens
        self._templates = templates
        self._config = config
        self._zones: ZoneIndex | None = None

    def reason(self, start: int, end: int) -> Excluded | Kind | None:
        """Why the text ``[start, end)`` does not count, or that it is quoted (see
        :func:`~simcheck.zones.classify`)."""
        if self._zones is None:
            self._zones = ZoneIndex(
                exclusion_zones(self._text) + template_zones(self._tokens, self._templates, self._config)
            )
        return self._zones.reason(start, end)


def check_document(
    document: Document,
    tokens: Tokens,
    store: CorpusLike,
    config: CheckConfig,
    *,
    exclude: Sequence[int] = (),
    zones: SubmissionZones,
    rarity: Rarity | None = None,
    progress: ProgressCallback | None = None,
    mirrored: Sequence[int] = (),
) -> tuple[Found, int]:
    """Passages and sources of one tokenised submission against a store, leaving out
    the store's documents in ``exclude`` (the submission itself, a student's other
    files), each passage marked by ``zones``; and how many candidates were aligned.
    ``rarity`` says how common each word is in everything the submission is checked
    against (the corpus, and in a batch the class): see :func:`~simcheck.align.align_tokens`.
    ``progress(done, total)`` is told of each candidate aligned, from none. The store's
    documents ``mirrored`` are aligned whatever retrieval says (see
    :func:`with_mirrored`)."""
    proposed = store.candidates(tokens, config, exclude=exclude)
    candidates = with_mirrored(proposed, mirrored, lambda key: store.document(key).doc_id)
    found = align_candidates(
        document, tokens, store, candidates, config, zones=zones, rarity=rarity, progress=progress
    )
    return found, len(candidates)


def with_mirrored(
    candidates: Sequence[Candidate], mirrored: Iterable[int], doc_id_of: Callable[[int], str]
) -> list[Candidate]:
    """``candidates`` with the documents of keys ``mirrored`` marked so (aligned whatever
    the evidence), and those retrieval did not propose after them, in key order.

    A batch checks each pair of classmates both ways round. Retrieval is not symmetric:
    a query looks its every phrase up among the other's winnowed fingerprints, and a
    reworded copy may share a fingerprint of one text only. When one side's check finds
    passages, the other side is checked against it too, so that both essays of the pair
    show them.
    """
    marked = set(mirrored)
    out = [replace(c, mirrored=True) if c.key in marked else c for c in candidates]
    proposed = {c.key for c in candidates}
    out += [Candidate(key, doc_id_of(key), 0, 0, mirrored=True) for key in sorted(marked - proposed)]
    return out


def mirrored_pairs(found: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Of the pairs (submission, classmate) whose checks found passages, the other way
    round where that was not found: classmate -> the submissions to align it with
    (:func:`with_mirrored`), both in name order.

    >>> mirrored_pairs([("a", "b"), ("b", "a"), ("a", "c"), ("d", "c")])
    {'c': ['a', 'd']}
    """
    pairs = set(found)
    again: dict[str, list[str]] = {}
    for submission, classmate in sorted(pairs):
        if (classmate, submission) not in pairs:
            again.setdefault(classmate, []).append(submission)
    return dict(sorted(again.items()))


def align_candidates(
    document: Document,
    tokens: Tokens,
    store: SourceStore,
    candidates: Sequence[Candidate],
    config: CheckConfig,
    *,
    zones: SubmissionZones,
    rarity: Rarity | None = None,
    progress: ProgressCallback | None = None,
) -> Found:
    """Passages and sources of one tokenised submission aligned with the store's
    ``candidates`` (in order): the step :func:`check_document` takes after retrieval,
    and the one a bulk job (:mod:`simcheck.spark`) takes for candidates it found by
    joins. A candidate that one shared phrase alone proposed is aligned only when the
    text around the phrase is shared too (:func:`~simcheck.align.phrase_in_context`):
    in a class on one topic most such phrases are chance, and aligning them was most of
    a batch's work."""
    matches: list[Match] = []
    sources: list[SourceResult] = []
    # The query's fingerprints, for the Jaccard column: only once a source aligns.
    query_fingerprints = cache(lambda: fingerprint_tokens(tokens, config).prints)
    if progress is not None:
        progress(0, len(candidates))
    for done, candidate in enumerate(candidates, 1):
        key = candidate.key
        if not candidate.one_phrase or phrase_in_context(tokens, store.tokens(key), config):
            found = _aligned(document, tokens, store, key, config, zones, rarity, query_fingerprints)
            if found is not None:
                matches.extend(found[0])
                sources.extend(found[1])
        if progress is not None:
            progress(done, len(candidates))
    return matches, sources


def _aligned(
    document: Document,
    tokens: Tokens,
    store: SourceStore,
    key: int,
    config: CheckConfig,
    zones: SubmissionZones,
    rarity: Rarity | None,
    query_fingerprints: Callable[[], np.ndarray],
) -> tuple[list[Match], list[SourceResult]] | None:
    """The passages of the submission aligned with the store's document ``key`` and
    that source's result, or None when they share none."""
    source = store.document(key)
    source_tokens = store.tokens(key)
    passages = align_tokens(tokens, source_tokens, config, rarity)
    if not passages:
        return None
    found = _matches(document, tokens, source, source_tokens, passages, zones, config)
    jaccard = jaccard_similarity(query_fingerprints(), fingerprint_tokens(source_tokens, config).prints)
    unscored = SourceResult(
        submission=document.doc_id,
        source=source.doc_id,
        similarity=0.0,
        words=0,
        passages=0,
        tfidf_cosine=store.tfidf_cosine(tokens, key),
        jaccard_estimate=jaccard,
        near_duplicate=jaccard >= near_duplicate_threshold(config),
    )
    return found, recounted([unscored], tokens, found)


def _matches(
    document: Document,
    tokens: Tokens,
    source: Document,
    source_tokens: Tokens,
    passages: Sequence[Passage],
    zones: SubmissionZones,
    config: CheckConfig,
) -> list[Match]:
    """The passages aligned with one source as matches: each with its zone and the
    words it leaves word for word."""
    covered = (min(p.b_start for p in passages), max(p.b_end for p in passages))
    source_runs = WordRuns(source_tokens, config.shingle_size, within=covered)
    found = []
    for passage in passages:
        reason = zones.reason(passage.a_start, passage.a_end)
        found.append(
            Match.from_passage(
                passage,
                document,
                source,
                kind=Kind.QUOTED if reason == Kind.QUOTED else None,
                excluded=reason if isinstance(reason, Excluded) else Excluded.COUNTED,
                identical=identical_runs(
                    tokens, (passage.a_start, passage.a_end), source_runs, (passage.b_start, passage.b_end)
                ),
            )
        )
    return found


def source_texts(store: CorpusLike, doc_ids: Iterable[str]) -> dict[str, str]:
    """The text of each named document of a store (for reports in context)."""
    texts = {}
    for doc_id in sorted(set(doc_ids)):
        text = store.text_of(doc_id)
        if text is not None:
            texts[doc_id] = text
    return texts


def describe_inputs(corpus: str | None, templates: Sequence[Document]) -> dict[str, Any]:
    """Provenance of a check: what the corpus was (its ``describe()``, None for none),
    and each template with its sha256 (of the file's bytes when it came from a file, so
    ``sha256sum`` can confirm it)."""
    listed = []
    for template in templates:
        data = template.text.encode("utf-8")
        if template.path and os.path.isfile(template.path):
            with open(template.path, "rb") as handle:
                data = handle.read()
        listed.append([template.doc_id, hashlib.sha256(data).hexdigest()])
    return {"corpus": "none (classmates only)" if corpus is None else corpus, "templates": listed}
