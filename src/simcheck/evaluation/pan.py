"""PAN text alignment (PAN at CLEF 2013): the corpus layout, detection XML, and a run
over every pair.

Each pair is aligned with :func:`~simcheck.align.align_tokens`, the code ``simcheck
check`` uses, and scored with plagdet (:mod:`simcheck.evaluation.plagdet`).
"""

from __future__ import annotations

import os
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pandas as pd

from ..align import align_tokens
from ..config import CheckConfig
from ..errors import CorpusError, InputError
from ..load import load_document
from ..parallel import workers
from ..tokens import Tokens
from .plagdet import Scores, Span, plagdet_scores


@dataclass(frozen=True)
class PanPair:
    """One suspicious/source document pair of a PAN corpus folder."""

    folder: str
    susp: str
    src: str

    @property
    def xml_name(self) -> str:
        return f"{Path(self.susp).stem}-{Path(self.src).stem}.xml"


def read_pairs(corpus: str | os.PathLike[str]) -> list[PanPair]:
    """Every pair of every case-type folder (those holding a ``pairs`` file), in order."""
    root = Path(corpus)
    if not (root / "susp").is_dir() or not (root / "src").is_dir():
        raise CorpusError(
            f"{corpus}: not a PAN corpus (needs susp/ and src/ folders and a pairs file per case type)"
        )
    pairs: list[PanPair] = []
    folders = sorted(p for p in root.iterdir() if p.is_dir() and (p / "pairs").is_file())
    if not folders and (root / "pairs").is_file():
        folders = [root]
    for folder in folders:
        for line in (folder / "pairs").read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 2:
                pairs.append(PanPair(folder.name if folder != root else "", parts[0], parts[1]))
    if not pairs:
        raise CorpusError(f"{corpus}: no pairs files found")
    return pairs


def read_spans(path: str | os.PathLike[str], feature: str = "plagiarism") -> list[Span]:
    """The ``feature`` spans of one PAN XML file (gold cases or detections)."""
    tree = ET.parse(path)
    susp = tree.getroot().get("reference", "")
    spans = []
    for element in tree.getroot().iter("feature"):
        if element.get("name") != feature:
            continue
        spans.append(
            Span(
                susp=susp,
                src=element.get("source_reference", ""),
                this_offset=int(element.get("this_offset", "0")),
                this_length=int(element.get("this_length", "0")),
                source_offset=int(element.get("source_offset", "0")),
                source_length=int(element.get("source_length", "0")),
            )
        )
    return spans


def detection_xml(susp: str, detections: Sequence[Span]) -> str:
    """A detection file in PAN's format.

    >>> xml = detection_xml("susp1.txt", [Span("susp1.txt", "src1.txt", 5, 10, 0, 12)])
    >>> print(xml.replace(" source_reference", "\\n  source_reference"))
    <document reference="susp1.txt">
    <feature name="detected-plagiarism" this_offset="5" this_length="10"
      source_reference="src1.txt" source_offset="0" source_length="12"/>
    </document>
    <BLANKLINE>
    """
    lines = [f"<document reference={quoteattr(susp)}>"]
    for d in detections:
        lines.append(
            f'<feature name="detected-plagiarism" this_offset="{d.this_offset}" '
            f'this_length="{d.this_length}" source_reference={quoteattr(d.src)} '
            f'source_offset="{d.source_offset}" source_length="{d.source_length}"/>'
        )
    lines.append("</document>")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class PanReport:
    """Scores per case-type folder and over the whole corpus."""

    folders: dict[str, Scores]
    overall: Scores
    pairs: dict[str, int]
    pairs_with_detections: dict[str, int]
    seconds: float

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for name, scores in [*self.folders.items(), ("entire corpus", self.overall)]:
            total = sum(self.pairs.values()) if name == "entire corpus" else self.pairs[name]
            flagged = (
                sum(self.pairs_with_detections.values())
                if name == "entire corpus"
                else self.pairs_with_detections[name]
            )
            rows.append(
                {
                    "folder": name,
                    "pairs": total,
                    "cases": scores.cases,
                    "detections": scores.detections,
                    "pairs_with_detections": flagged,
                    "precision": round(scores.precision, 4),
                    "recall": round(scores.recall, 4),
                    "granularity": round(scores.granularity, 4),
                    "plagdet": round(scores.plagdet, 4),
                }
            )
        return pd.DataFrame(rows)


def _align_pan_group(
    settings: tuple[Path, CheckConfig], task: tuple[str, list[str]]
) -> list[tuple[str, list[Span]]]:
    """Align one suspicious document with each of its sources (runs in a worker)."""
    root, config = settings
    susp, sources = task
    try:
        susp_tokens = Tokens(load_document(root / "susp" / susp).text, config.language)
    except InputError:  # PAN holds a few binary junk files; they get no detection
        return [(src, []) for src in sources]
    results: list[tuple[str, list[Span]]] = []
    for src in sources:
        try:
            src_tokens = Tokens(load_document(root / "src" / src).text, config.language)
        except InputError:
            results.append((src, []))
            continue
        passages = align_tokens(susp_tokens, src_tokens, config)
        spans = [
            Span(susp, src, p.a_start, p.a_end - p.a_start, p.b_start, p.b_end - p.b_start) for p in passages
        ]
        results.append((src, spans))
    return results


def _sample(pairs: list[PanPair], limit: int | None) -> list[PanPair]:
    """The first ``limit`` pairs of each folder (all with None)."""
    if limit is None:
        return pairs
    kept: dict[str, int] = defaultdict(int)
    sample = []
    for pair in pairs:
        if kept[pair.folder] < limit:
            kept[pair.folder] += 1
            sample.append(pair)
    return sample


def evaluate_pan(
    corpus: str | os.PathLike[str],
    config: CheckConfig | None = None,
    *,
    jobs: int = 1,
    output: str | os.PathLike[str] | None = None,
    limit_per_folder: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PanReport:
    """Align every pair of a PAN text-alignment corpus and score the detections.

    Parameters
    ----------
    corpus : path
        The corpus root: ``susp/``, ``src/`` and one folder per case type with a
        ``pairs`` file and one gold XML per pair.
    config : CheckConfig, optional
        The same settings ``simcheck check`` uses.
    jobs : int, default=1
        Worker processes.
    output : path, optional
        Folder for one detection XML per pair (one subfolder per case type).
    limit_per_folder : int, optional
        Only the first N pairs of each folder (a quick sample).
    progress : callable, optional
        ``progress(done, total)`` in pairs.
    """
    config = config or CheckConfig()
    root = Path(corpus)
    pairs = _sample(read_pairs(root), limit_per_folder)
    groups: dict[str, list[str]] = defaultdict(list)
    for pair in pairs:
        groups[pair.susp].append(pair.src)
    tasks = sorted(groups.items())
    started = time.perf_counter()
    detections: dict[tuple[str, str], list[Span]] = {}
    with workers((root, config), jobs=jobs, tasks=len(tasks)) as run:
        for (susp, _), results in zip(tasks, run.map(_align_pan_group, tasks, chunksize=4)):
            for src, spans in results:
                detections[(susp, src)] = spans
            if progress is not None:
                progress(len(detections), len(pairs))
    seconds = time.perf_counter() - started
    return _scored(root, pairs, detections, seconds, output)


def _scored(
    root: Path,
    pairs: list[PanPair],
    detections: dict[tuple[str, str], list[Span]],
    seconds: float,
    output: str | os.PathLike[str] | None,
) -> PanReport:
    """Every pair's detections against its gold cases, per folder and overall; with an
    ``output`` folder, each pair's detections written as PAN XML."""
    cases_by_folder: dict[str, list[Span]] = defaultdict(list)
    found_by_folder: dict[str, list[Span]] = defaultdict(list)
    pair_counts: dict[str, int] = defaultdict(int)
    flagged: dict[str, int] = defaultdict(int)
    for pair in pairs:
        gold = root / pair.folder / pair.xml_name
        cases = [c for c in read_spans(gold) if c.src == pair.src] if gold.is_file() else []
        spans = detections[(pair.susp, pair.src)]
        cases_by_folder[pair.folder].extend(cases)
        found_by_folder[pair.folder].extend(spans)
        pair_counts[pair.folder] += 1
        flagged[pair.folder] += bool(spans)
        if output is not None:
            target = Path(output) / pair.folder / pair.xml_name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(detection_xml(pair.susp, spans), encoding="utf-8")
    folders = {
        name: plagdet_scores(cases_by_folder[name], found_by_folder[name]) for name in sorted(pair_counts)
    }
    overall = plagdet_scores(
        [c for name in pair_counts for c in cases_by_folder[name]],
        [d for name in pair_counts for d in found_by_folder[name]],
    )
    return PanReport(folders, overall, dict(pair_counts), dict(flagged), seconds)
