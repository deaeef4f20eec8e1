"""One-call checks over the stages: load, tokens, retrieve, align, score."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from . import __version__
from .align import align_tokens
from .config import CheckConfig
from .fingerprint import jaccard_estimate, near_duplicate_threshold
from .load import is_supported, load_document, load_text
from .models import CheckResult, Document, DocumentSummary, Match, SourceResult
from .retrieve import Corpus, ProgressCallback, open_corpus, query_prints
from .score import WordRuns, identical_runs, similarity_percent
from .tokens import Tokens
from .zones import QUOTATION, Zone, classify, exclusion_zones, template_zones

SubmissionLike = Document | str | os.PathLike[str]


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


def check(
    submission: SubmissionLike,
    corpus: Corpus | str | os.PathLike[str] | Sequence[Document],
    *,
    config: CheckConfig | None = None,
    templates: Sequence[SubmissionLike] = (),
    progress: ProgressCallback | None = None,
) -> CheckResult:
    """Check one essay against a corpus.

    Parameters
    ----------
    submission : Document, path or str
        The essay: a loaded document, a file path, or its text.
    corpus : Corpus, path or list of Document
        A corpus folder (indexed in memory) or a ready :class:`Corpus`.
    config : CheckConfig, optional
        Settings; the defaults suit essays.
    templates : sequence of Document, path or str, optional
        The assignment prompt or other given text: passages repeating it are listed
        with ``excluded="template"`` and not counted.
    progress : callable, optional
        ``progress(done, total)`` while a corpus folder is indexed.

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

    Examples
    --------
    >>> source = Document("berlin.txt", "In August 1961 East German soldiers began "
    ...     "building the wall that would divide Berlin for twenty-eight years.")
    >>> result = check("Everyone knows that in August 1961 East German soldiers began "
    ...     "building the wall that would divide Berlin for decades.", [source])
    >>> round(result.similarity), result.matches[0].kind
    (84, 'edited')
    """
    document = as_document(submission)
    index = open_corpus(corpus, config, progress=progress)
    # A saved index brings the settings it was built with.
    config = index.config
    tokens = Tokens(document.text, config.language)
    own = index.own_copy(document)
    template_documents = [as_document(t) for t in templates]
    template_tokens = [Tokens(t.text, config.language) for t in template_documents]
    matches, sources, candidates = _check_against(
        document, tokens, index, config, exclude=[own] if own is not None else [], templates=template_tokens
    )
    matches = [m for m in matches if not explained(m, matches)]
    sources = recounted(sources, tokens, matches)
    matches.sort(key=lambda m: (m.submission_start, m.submission_end, m.source, m.source_start))
    sources.sort(key=lambda s: (-s.similarity, s.source))
    return CheckResult(
        documents=(summarise(document, tokens, matches),),
        matches=tuple(matches),
        sources=tuple(sources),
        settings=config.to_dict(),
        version=__version__,
        skipped=index.skipped,
        stats={
            "corpus_documents": len(index),
            "candidates": candidates,
            "sources": len(sources),
            "passages": len(matches),
        },
        texts={document.doc_id: document.text, **source_texts(index, (m.source for m in matches))},
        inputs=describe_inputs(corpus, index, template_documents),
    )


def summarise(document: Document, tokens: Tokens, matches: Iterable[Match]) -> DocumentSummary:
    """A submission's percentages from the passages that count (the union over sources:
    words matched in two sources count once)."""
    similarity, identical = _percentages(tokens, [m for m in matches if not m.excluded])
    return DocumentSummary(document.doc_id, len(tokens), similarity, identical)


def _percentages(tokens: Tokens, counted: Sequence[Match]) -> tuple[float, float]:
    """Similarity and identical share of ``tokens`` in the ``counted`` passages."""
    return (
        similarity_percent(tokens, [(m.submission_start, m.submission_end) for m in counted]),
        similarity_percent(tokens, [span for m in counted for span in m.identical_spans]),
    )


def explained(match: Match, matches: Sequence[Match]) -> bool:
    """Whether a loose match (a paraphrase or summary) lies wholly inside a copy of the
    same words from another source: the copy explains that text, and the loose match
    would only list a second, weaker source for it."""
    if match.kind not in ("paraphrase", "summary"):
        return False
    return any(
        other.source != match.source
        and other.submission == match.submission
        and other.kind in ("verbatim", "edited")
        and other.excluded == match.excluded
        and other.submission_start <= match.submission_start
        and match.submission_end <= other.submission_end
        for other in matches
    )


def recounted(
    sources: Iterable[SourceResult], tokens: Tokens, matches: Sequence[Match]
) -> list[SourceResult]:
    """The ``sources`` that still have one of ``matches``, each with its percentages,
    words and passages from its matches that count (recounted once explained matches
    are dropped and a batch has marked common text)."""
    found = []
    for source in sources:
        own = [m for m in matches if m.source == source.source]
        if not own:
            continue
        counted = [m for m in own if not m.excluded]
        similarity, identical = _percentages(tokens, counted)
        found.append(
            replace(
                source,
                similarity=similarity,
                identical=identical,
                words=round(similarity * len(tokens) / 100),
                passages=len(counted),
            )
        )
    return found


def source_texts(index: Any, doc_ids: Iterable[str]) -> dict[str, str]:
    """The text of each named document of a corpus or index (for reports in context)."""
    texts = {}
    for doc_id in sorted(set(doc_ids)):
        text = index.text_of(doc_id)
        if text is not None:
            texts[doc_id] = text
    return texts


def describe_inputs(given: Any, opened: Any, templates: Sequence[Document]) -> dict[str, Any]:
    """Provenance of a check: what the corpus was, and each template with its sha256
    (of the file's bytes when it came from a file, so ``sha256sum`` can confirm it)."""
    from .index import Index

    count = 0 if opened is None else len(opened)
    documents = f"{count} document{'' if count == 1 else 's'}"
    if opened is None:
        corpus = "none (classmates only)"
    elif isinstance(opened, Index):
        corpus = f"index {opened.path} ({documents})"
    elif isinstance(given, (str, os.PathLike)):
        corpus = f"folder {os.fspath(given)} ({documents})"
    else:
        corpus = f"{documents} given directly"
    listed = []
    for template in templates:
        data = template.text.encode("utf-8")
        if template.path and os.path.isfile(template.path):
            with open(template.path, "rb") as handle:
                data = handle.read()
        listed.append([template.doc_id, hashlib.sha256(data).hexdigest()])
    return {"corpus": corpus, "templates": listed}


def check_document(
    document: Document,
    tokens: Tokens,
    index: Any,
    config: CheckConfig,
    *,
    exclude: Sequence[int] = (),
    templates: Sequence[Tokens] = (),
) -> tuple[list[Match], list[SourceResult]]:
    """Passages and sources of one tokenised document against a corpus or index,
    leaving out the corpus documents in ``exclude`` (the document itself, a student's
    other files) and not counting text of the ``templates``."""
    matches, sources, _ = _check_against(
        document, tokens, index, config, exclude=exclude, templates=templates
    )
    return matches, sources


def _check_against(
    document: Document,
    tokens: Tokens,
    index: Any,
    config: CheckConfig,
    *,
    exclude: Sequence[int],
    templates: Sequence[Tokens] = (),
) -> tuple[list[Match], list[SourceResult], int]:
    candidates = index.candidates(tokens, exclude=exclude)
    matches: list[Match] = []
    sources: list[SourceResult] = []
    zones: list[Zone] | None = None  # found when a first passage needs them: most essays have none
    query_fingerprints = query_prints(tokens, config).prints
    duplicate_at = near_duplicate_threshold(config)
    for candidate in candidates:
        source = index.document(candidate.index)
        source_tokens = index.tokens(candidate.index)
        passages = align_tokens(tokens, source_tokens, config)
        if not passages:
            continue
        if zones is None:
            zones = exclusion_zones(document.text) + template_zones(tokens, templates, config)
        reasons = [classify(p.a_start, p.a_end, zones) for p in passages]
        covered = (min(p.b_start for p in passages), max(p.b_end for p in passages))
        source_runs = WordRuns(source_tokens, config.shingle_size, within=covered)
        found = [
            Match.from_passage(
                p,
                document,
                source,
                kind="quoted" if reason == QUOTATION else "",
                excluded="" if reason in ("", QUOTATION) else reason,
                identical=identical_runs(tokens, (p.a_start, p.a_end), source_runs, (p.b_start, p.b_end)),
            )
            for p, reason in zip(passages, reasons)
        ]
        jaccard = jaccard_estimate(
            query_fingerprints,
            query_prints(source_tokens, config).prints,
            num_perm=config.num_perm,
            seed=config.seed,
        )
        unscored = SourceResult(
            submission=document.doc_id,
            source=source.doc_id,
            similarity=0.0,
            words=0,
            passages=0,
            tfidf_cosine=index.tfidf_cosine(tokens, candidate.index),
            jaccard_estimate=jaccard,
            near_duplicate=jaccard >= duplicate_at,
        )
        sources.extend(recounted([unscored], tokens, found))
        matches.extend(found)
    return matches, sources, len(candidates)
