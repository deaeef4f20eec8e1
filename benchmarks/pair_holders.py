"""How many windows hold each pair of window signature words in a large same-topic
class, what that costs the candidate search under each limit, and which planted
classmate copies the pairs alone would still find.

    python -m benchmarks.spark_allpairs --essays 100000 --stop-after 4-signatures
    python -m benchmarks.pair_holders --essays 100000

The first command makes the class (if needed) and the Spark job's window signatures;
this script reads them (the class's own rows), makes each document's pairs of
signature words with ``windows.word_pairs`` as ``batch`` does, and prints, for each
limit on the windows a pair may be held by, the postings a search walks and the pairs
of windows those postings meet (a key held by n windows meets n (n - 1) / 2 of them:
the rows the Spark job's candidate stage counts, the lookups ``batch`` makes).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq

from simcheck.windows import (
    MIN_RARE_PAIRS,
    MIN_SHARED_PAIRS,
    PAIR_LIMIT,
    Postings,
    Signatures,
    passage_windows,
    rare_pair_limit,
    shared_windows,
    window_limit,
    word_pairs,
)

from .spark_allpairs import WORKDIR

LIMITS = (10, 25, 50, 100, 200)
#: Essays whose window evidence is looked up to count the documents it proposes.
SAMPLE = 2_000
#: Other rules for the pairs, weighed against batch's: (pairs needed, most holders of each).
RULES = ((4, 50), (3, 20), (3, 35), (3, 50))


def class_signatures(essays: int) -> tuple[list[str], list[Signatures]]:
    """The class's documents (names sorted) and their window signatures, from the
    Spark job's ``4-signatures`` stage."""
    stage = WORKDIR / f"spark-{essays}" / "stages" / "4-signatures"
    table = pq.read_table(stage, columns=["doc_id", "win", "term", "store", "role"])
    table = table.filter(pc.and_(pc.equal(table["store"], "class"), pc.equal(table["role"], "source")))
    table = table.sort_by([("doc_id", "ascending"), ("win", "ascending")])
    names = table["doc_id"].to_numpy(zero_copy_only=False)
    window = table["win"].to_numpy().astype(np.int64)
    terms = table["term"].to_numpy().view(np.uint64)
    starts = np.flatnonzero(np.r_[True, names[1:] != names[:-1]])
    ends = np.r_[starts[1:], names.shape[0]]
    signatures = [
        Signatures(window[a:b], terms[a:b], np.ones(b - a), np.zeros((0, 2), dtype=np.int64))
        for a, b in zip(starts, ends)
    ]
    return [str(names[a]) for a in starts], signatures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--essays", type=int, default=100_000)
    args = parser.parse_args()
    started = time.perf_counter()
    names, signatures = class_signatures(args.essays)
    pairs = [word_pairs(s) for s in signatures]
    postings = Postings.of(pairs)
    holders = np.diff(postings.runs.starts).astype(np.int64)
    print(
        f"{len(names):,} essays: {holders.sum():,} pair postings, {holders.shape[0]:,} distinct pairs "
        f"({time.perf_counter() - started:.0f} s)"
    )
    print("| limit | postings in pairs held by 2..limit windows | pairs of windows met |")
    print("|---|---|---|")
    for limit in LIMITS:
        held = holders[(holders >= 2) & (holders <= limit)]
        print(f"| {limit} | {held.sum():,} | {np.sum(held * (held - 1) // 2):,} |")

    planted = json.loads((WORKDIR / f"topic-{args.essays}-planted.json").read_text(encoding="utf-8"))
    number = {name.split("/")[0]: at for at, name in enumerate(names)}
    classmates = [p for p in planted if str(p["source"]) in number]
    reached: Counter[tuple[int, str]] = Counter()
    for plant in classmates:
        query, source = pairs[number[str(plant["copier"])]], number[str(plant["source"])]
        for limit in LIMITS:
            if source in shared_windows(query, postings, limit, MIN_SHARED_PAIRS):
                reached[limit, str(plant["how"])] += 1
    kinds = sorted({str(p["how"]) for p in classmates})
    every = Counter(str(p["how"]) for p in classmates)
    print(f"\nplanted copies of a classmate found by the pairs alone ({len(classmates):,} plants):")
    print("| limit | " + " | ".join(f"{kind} (of {every[kind]:,})" for kind in kinds) + " |")
    print("|---|" + "---|" * len(kinds))
    for limit in LIMITS:
        print(f"| {limit} | " + " | ".join(f"{reached[limit, kind]:,}" for kind in kinds) + " |")
    rules(names, signatures, pairs, postings, classmates, number)
    print(f"\n{time.perf_counter() - started:.0f} s")


def rules(
    names: list[str],
    signatures: list[Signatures],
    pairs: list[Signatures],
    pair_postings: Postings,
    classmates: list[dict[str, object]],
    number: dict[str, int],
) -> None:
    """What ``batch``'s window evidence among classmates (``passage_windows``: words,
    pairs of words, and three pairs that very few windows hold) reaches, and what it
    would under other rules for the pairs: planted copies, and the documents proposed
    per essay."""
    words = Postings.of(signatures)
    limit = window_limit(len(words))
    rare_limit = rare_pair_limit(len(words))
    print(
        f"\nwindow evidence as batch takes it (word limit {limit}; "
        f"{MIN_RARE_PAIRS} pairs held by at most {rare_limit} windows count too), and other rules:"
    )
    sample = np.random.default_rng(0).choice(len(names), min(SAMPLE, len(names)), replace=False)
    print(
        "| rule | classmate copies reached (reworded) "
        f"| documents proposed per essay ({sample.shape[0]:,} sampled) |"
    )
    print("|---|---|---|")
    # Only the essays asked about: the copiers, and the sample.
    asked = sorted({number[str(plant["copier"])] for plant in classmates} | set(sample.tolist()))

    def evidence(rare: int | None) -> dict[int, set[int]]:
        return {
            i: set(passage_windows(signatures[i], words, pair_postings, limit, rare_pairs=rare))
            for i in asked
        }

    before = evidence(None)
    weighed = [
        (f"words and {MIN_SHARED_PAIRS} pairs held by at most {PAIR_LIMIT} windows", before),
        (f"and {MIN_RARE_PAIRS} pairs held by at most {rare_limit} (batch)", evidence(MIN_RARE_PAIRS)),
    ]
    for least, most in RULES:
        other = {i: before[i] | set(shared_windows(pairs[i], pair_postings, most, least)) for i in asked}
        weighed.append((f"and {least} pairs held by at most {most}", other))
    for label, found in weighed:
        reached: Counter[str] = Counter()
        for plant in classmates:
            if number[str(plant["source"])] in found[number[str(plant["copier"])]]:
                reached["all"] += 1
                reached[str(plant["how"])] += 1
        per_essay = sum(len(found[i] - {i}) for i in sample.tolist()) / sample.shape[0]
        print(f"| {label} | {reached['all']:,} ({reached['reworded']:,}) | {per_essay:.2f} |")


if __name__ == "__main__":
    main()
