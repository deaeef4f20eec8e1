"""All counting (simcheck.score): percentages, identical runs, explained and recounted
matches, settling a result; a class's pairs, groups and common passages."""

from __future__ import annotations

from simcheck.models import Match


def test_a_loose_match_inside_a_copy_from_another_source_is_not_listed() -> None:
    from simcheck.score import explained

    def match(source: str, start: int, end: int, kind: str) -> Match:
        return Match("essay", source, start, end, 0, end - start, "", "", 10, 0.5, kind)

    copy = match("a.txt", 0, 500, "verbatim")
    inside = match("b.txt", 100, 200, "paraphrase")
    beyond = match("b.txt", 400, 600, "paraphrase")
    same_source = match("a.txt", 100, 200, "paraphrase")
    matches = [copy, inside, beyond, same_source]
    assert [explained(m, matches) for m in matches] == [False, True, False, False]
