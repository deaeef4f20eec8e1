"""Big and repetitive essays: the work of a check grows with the text, not with its square.

Each test counts the work of one step on a text that repeats itself: passages by the
thousand, a quotation in every copy, one phrase of a source sprinkled all over a long
text.
"""

from __future__ import annotations

from typing import Any

import pytest

import simcheck.align.choose
import simcheck.align.merge
import simcheck.pipeline
import simcheck.retrieve
import simcheck.tokens.text
import simcheck.zones
from conftest import CORPUS
from simcheck import CheckConfig, Document, align_passages, check
from simcheck.align.rects import Group
from simcheck.fingerprint import fingerprint_tokens
from simcheck.models import Excluded, Kind, Match
from simcheck.score import WordRuns, identical_runs, settle
from simcheck.tokens import SentenceVocabulary, Tokens

AIRLIFT = (CORPUS / "berlin-airlift.txt").read_text(encoding="utf-8")
# A sentence of the source, and words of the writer's own that share none of its words.
COPIED = AIRLIFT[AIRLIFT.index("Stalin hoped") :].split(". ")[0] + "."
OWN = " ".join(f"zq{i}x" for i in range(90)) + "."


class Counted(str):
    """A source name that counts how often it is compared with another."""

    compared = 0

    def __eq__(self, other: object) -> bool:
        Counted.compared += 1
        return str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        Counted.compared += 1
        return str.__ne__(self, other)

    __hash__ = str.__hash__


def test_each_passage_of_a_repeated_paragraph_looks_only_at_the_zones_near_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every copy of the paragraph quotes someone and repeats a sentence of the source:
    # a passage and a quotation per copy. Finding each passage's zone must not look
    # through the quotations of every other copy.
    paragraph = f'Truman called it "a test of our resolve," without saying more. {COPIED} {OWN}\n\n'
    copies = 150
    looked: list[int] = []
    original = simcheck.zones.classify

    def counting(start: int, end: int, zones: list[Any]) -> Any:
        looked.append(len(zones))
        return original(start, end, zones)

    monkeypatch.setattr(simcheck.zones, "classify", counting)
    monkeypatch.setattr(simcheck.pipeline, "classify", counting, raising=False)
    result = check(paragraph * copies, [Document("airlift.txt", AIRLIFT)])
    assert len(result.matches) == copies
    assert len(looked) == copies
    assert sum(looked) <= 3 * copies


def test_settling_thousands_of_loose_passages_compares_each_with_a_few_copies() -> None:
    # A paraphrased paragraph pasted again and again: a loose passage per copy, each
    # explained or not by a copy from another source, found among the copies near it
    # rather than by comparing it with every match.
    copies = 2_000
    text = "word " * (10 * copies)
    document, tokens = Document("essay", text), Tokens(text)
    a_txt, b_txt = Counted("a.txt"), Counted("b.txt")

    def match(source: str, start: int, end: int, kind: Kind) -> Match:
        return Match("essay", source, start, end, 0, end - start, "", "", 2, 0.5, kind, Excluded.COUNTED)

    copied = [match(a_txt, 50 * i, 50 * i + 25, Kind.EDITED) for i in range(copies)]
    inside = [match(b_txt, 50 * i + 5, 50 * i + 20, Kind.PARAPHRASE) for i in range(0, copies, 2)]
    beyond = [match(b_txt, 50 * i + 20, 50 * i + 40, Kind.PARAPHRASE) for i in range(1, copies, 2)]
    Counted.compared = 0
    _, matches, _ = settle(document, tokens, [(copied + inside + beyond, [])])
    assert matches == copied + beyond
    assert Counted.compared <= 10 * copies


def test_the_submission_is_fingerprinted_once_whatever_the_number_of_sources(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[Tokens] = []

    def counting(tokens: Tokens, config: CheckConfig) -> Any:
        seen.append(tokens)
        return fingerprint_tokens(tokens, config)

    for module in (simcheck.pipeline, simcheck.retrieve):
        monkeypatch.setattr(module, "fingerprint_tokens", counting)
    sources = [Document(path.name, path.read_text(encoding="utf-8")) for path in sorted(CORPUS.glob("*.txt"))]
    essay = "\n\n".join(source.text[:1500] for source in sources)
    result = check(essay, sources)
    assert len(result.sources) == 3
    # Once for the passage evidence and once for the TF-IDF vector, not once per source.
    assert sum(1 for tokens in seen if tokens.text == essay) <= 2


def test_phrases_of_a_source_scattered_over_a_long_text_are_not_merged_one_by_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A phrase of the source every hundred words is no passage, and a long text holds
    # many: only the evidence that can make a passage (here one copied sentence) is
    # merged, however long the text.
    merged: list[int] = []
    original = simcheck.align.choose.merge

    def counting(rects: list[Any], gap: int, evidence: Any) -> Any:
        merged.append(len(rects))
        return original(rects, gap, evidence)

    monkeypatch.setattr(simcheck.align.choose, "merge", counting)
    scattered = f"the Berlin airlift {OWN} " * 300
    passages = align_passages(scattered + COPIED + " " + OWN + " " + scattered, AIRLIFT)
    assert [p.kind for p in passages] == [Kind.VERBATIM]
    assert sum(merged) <= 2 * len(Tokens(COPIED))


def test_the_submission_s_sentence_vocabulary_is_sorted_once_whatever_the_number_of_sources(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Paraphrase seeds weigh words over both texts' sentences; the submission's side of
    # that (its sorted vocabulary) is the same for every source, so it is made once.
    made: list[int] = []
    original = SentenceVocabulary.of

    def counting(hashes: Any) -> SentenceVocabulary:
        made.append(len(hashes))
        return original(hashes)

    monkeypatch.setattr(SentenceVocabulary, "of", counting)
    sources = [Document(path.name, path.read_text(encoding="utf-8")) for path in sorted(CORPUS.glob("*.txt"))]
    essay = "\n\n".join(source.text[:1500] for source in sources)
    result = check(essay, sources)
    assert len(result.sources) == 3
    assert len(made) == len(sources) + 1


def test_a_repeated_paragraph_s_seeds_are_not_all_groups_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each word of a pasted paragraph is a seed; merging makes each a group only as its
    # turn comes, so a long repeated text does not hold a group per word at once.
    live = [0, 0]  # now, most

    class Counted(Group):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            live[0] += 1
            live[1] = max(live)

        def __del__(self) -> None:
            live[0] -= 1

    monkeypatch.setattr(simcheck.align.merge, "Group", Counted)
    paragraph = max(AIRLIFT.split("\n\n"), key=len).strip()
    copies = 40
    text = (paragraph + "\n\n") * copies
    passages = align_passages(text, AIRLIFT)
    assert sum(p.a_end - p.a_start for p in passages) >= 0.9 * len(text)
    assert live[1] <= 4 * copies < len(Tokens(paragraph)) * copies


def test_a_long_essay_is_checked_without_holding_each_of_its_words_as_a_string(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A 20 MB essay has 3.5 million words: as Python strings, several hundred megabytes
    # kept to the end of the check. Its passages need only their own words. (The limit
    # is lowered so that a short essay stands in for a long one.)
    monkeypatch.setattr(simcheck.tokens.text, "_NORMAL_LIST_WORDS", 100)
    essay = ("The \u201cairlift\u201d began. " + COPIED + " " + OWN + "\n\n") * 20
    tokens, source = Tokens(essay), Tokens(AIRLIFT)
    tokens.term_ids, tokens.stems, tokens.sentence_terms  # noqa: B018  (what a check asks)
    spans, words = identical_runs(tokens, (0, len(essay)), WordRuns(source, 5), (0, len(AIRLIFT)))
    assert words == 20 * len(Tokens(COPIED))
    assert [essay[start:end] for start, end in spans[:1]] == [COPIED.rstrip(".")]
    assert tokens.normal_between(0, 3) == ["the", "airlift", "began"]
    assert "words" not in tokens.__dict__ and "normal" not in tokens.__dict__
