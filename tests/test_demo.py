"""The bundled demo: every planted passage in corpora/demo is found, and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

from simcheck import check

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "corpora" / "demo"


def test_demo_essay_matches_its_ground_truth() -> None:
    truth = json.loads((DEMO / "ground-truth.json").read_text(encoding="utf-8"))
    essay = (DEMO / "sample-essay.txt").read_text(encoding="utf-8")
    result = check(DEMO / "sample-essay.txt", ROOT / "corpora" / "coldwar")
    assert {s.source for s in result.sources} == {case["source"] for case in truth}
    for case in truth:
        start = essay.index(case["submission_excerpt"])
        found = [m for m in result.matches if m.source == case["source"]]
        assert len(found) == 1, case
        match = found[0]
        assert match.kind == case["kind"]
        assert match.submission_start == start
        source_text = (ROOT / "corpora" / "coldwar" / case["source"]).read_text(encoding="utf-8")
        assert match.source_start == source_text.index(case["source_excerpt"])


def test_demo_corpus_size() -> None:
    essays = sorted((ROOT / "corpora" / "coldwar").glob("*.txt"))
    assert len(essays) >= 12
    for path in essays:
        words = len(path.read_text(encoding="utf-8").split())
        assert 400 <= words <= 1200, path.name
