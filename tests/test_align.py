from __future__ import annotations

import json
import random
import re
from bisect import bisect_left
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simcheck import CheckConfig, Document, align_passages, check
from simcheck.align import align_tokens
from simcheck.align.choose import Evidence
from simcheck.align.clusters import worth_merging
from simcheck.align.merge import core, corroborated
from simcheck.align.passages import join_neighbours
from simcheck.align.rects import Group, Rect, bounding, covered, covered_from
from simcheck.align.seeds import sentence_seeds, shared_ngrams, unexplained
from simcheck.frequencies import MIN_COMMON_DOCUMENTS, Rarity
from simcheck.tokens import Tokens

SOURCE = (
    "When Joseph Stalin died in March 1953, Cold War tensions were at their worst. Meaningful "
    "negotiations between the communist and capitalist adversaries had long since ended, and the "
    "nuclear arms race was entering a new and more dangerous phase. Nikita Khrushchev, a member of "
    "Stalin's inner circle, eventually emerged as the new leader of the Soviet Union. In February "
    "1956 he denounced Stalin in a secret speech to the Twentieth Party Congress, listing the "
    "crimes of the purges and the cult of personality that had surrounded the dead dictator."
)
UNRELATED = (
    "Photosynthesis converts light energy into chemical energy stored in glucose. Chlorophyll in "
    "the leaves absorbs mostly red and blue light, which is why plants look green to us. The "
    "oxygen we breathe is released as a by-product of splitting water molecules."
)


def sides(submission: str, source: str, **settings: object) -> list[tuple[str, str, str]]:
    config = CheckConfig(**settings) if settings else None  # type: ignore[arg-type]
    return [
        (submission[p.a_start : p.a_end], source[p.b_start : p.b_end], p.kind)
        for p in align_passages(submission, source, config=config)
    ]


def test_verbatim_copy_found_with_exact_boundaries() -> None:
    copied = SOURCE[SOURCE.index("Nikita") : SOURCE.index(" In February")]
    submission = f"My essay starts with my own words about Berlin. {copied} Then I go on about Cuba."
    assert sides(submission, SOURCE) == [(copied, copied, "verbatim")]


def test_edited_copy_found() -> None:
    submission = (
        "Nikita Khrushchev, one member of Stalin's close circle, finally emerged as the new "
        "ruler of the Soviet Union. In February 1956 he condemned Stalin in a secret address to "
        "the Twentieth Party Congress, listing the crimes of the purges."
    )
    found = sides(submission, SOURCE)
    assert len(found) == 1
    sub_text, src_text, kind = found[0]
    assert kind == "edited"
    assert sub_text == submission
    assert src_text.startswith("Nikita Khrushchev") and src_text.endswith("purges")


def test_sentence_paraphrase_found() -> None:
    submission = (
        "By the time Stalin died in March 1953, tensions in the Cold War were at their very worst. "
        "Talks between the capitalist and communist adversaries had ended long before."
    )
    found = sides(submission, SOURCE)
    assert found, "paraphrased sentences should be aligned"
    assert all(kind in ("paraphrase", "edited") for _, _, kind in found)
    assert found[0][1].startswith("When Joseph Stalin died")


def test_unrelated_texts_share_nothing() -> None:
    assert sides(UNRELATED, SOURCE) == []


def test_short_shared_phrase_is_not_a_passage() -> None:
    submission = "Historians agree that the nuclear arms race was costly for both economies."
    assert sides(submission, SOURCE) == []


def test_min_words_filters_passages() -> None:
    copied = "the nuclear arms race was entering a new and more dangerous phase"
    submission = f"In 1953 {copied}, or so we are told by writers of textbooks."
    assert sides(submission, SOURCE, min_words=10)
    assert sides(submission, SOURCE, min_words=20) == []


def test_raising_min_words_only_drops_shorter_passages() -> None:
    # A 57-word reworded passage that seeds alone make only 30-odd words long: growth
    # and weak seeds, judged by a threshold that rose with min_words, used to drop it.
    submissions = Path(__file__).resolve().parents[1] / "corpora" / "demo-class" / "submissions"
    submission = (submissions / "Quentin Dubois_418366_assignsubmission_file_essay3.txt").read_text()
    source = (submissions.parents[1] / "coldwar" / "khrushchev-and-the-thaw.txt").read_text()
    at_default = align_passages(submission, source)
    assert max(p.words for p in at_default) >= 40
    for min_words in (15, 25, 40):
        raised = align_passages(submission, source, config=CheckConfig(min_words=min_words))
        long_enough = [
            p
            for p in at_default
            if min(len(Tokens(submission[p.a_start : p.a_end])), len(Tokens(source[p.b_start : p.b_end])))
            >= min_words
        ]
        assert raised == long_enough


def test_a_phrase_repeated_just_after_the_copy_stays_out_of_its_source_side() -> None:
    # "what came next" ends the copied paragraph and opens the next one: the copy's
    # phrase pairs with both places, and only the nearer one is where it was copied from.
    copied = (
        "Stalin's death in March 1953 left a committee in charge of the Soviet Union. Malenkov, "
        "Beria and Khrushchev distrusted one another, and the purges of the last years were "
        "still fresh. Reform and fear were tangled together, and nobody quite knew what came next."
    )
    source = f"Moscow, 1953\n\n{copied}\n\nWhat came next was a struggle for power that lasted two years."
    submission = f"My essay begins with a few words of my own. {copied}\n\nThat is my view of it all."
    assert sides(submission, source) == [(copied, copied, "verbatim")]


def test_a_source_holding_the_text_twice_gives_one_copy_as_the_source_side() -> None:
    # Every phrase then pairs with two places of the source; the copy came from one.
    twice = f"{SOURCE}\n\n{SOURCE}"
    assert sides(SOURCE, twice) == [(SOURCE, SOURCE, "verbatim")]
    opening = SOURCE[: SOURCE.index(" Nikita")]
    assert sides(f"My own first words. {opening}", twice) == [(opening, opening, "verbatim")]


def test_pasted_paragraphs_that_the_source_has_apart_are_two_verbatim_passages() -> None:
    # Side by side in the essay, apart in the source (in either order, one paragraph or
    # five between them): two copies, not one "edited" passage or "summary" whose
    # source side takes in the paragraphs between them.
    corpus = Path(__file__).resolve().parents[1] / "corpora" / "coldwar"
    source = (corpus / "the-korean-war.txt").read_text()
    paragraphs = [p for p in source.split("\n\n") if len(p.split()) >= 40]
    for first, second in ((1, 3), (3, 1), (0, 6)):
        one, two = paragraphs[first], paragraphs[second]
        submission = f"My essay opens with a few words of my own.\n\n{one}\n\n{two}\n\nThat is my view of it."
        assert sides(submission, source) == [(one, one, "verbatim"), (two, two, "verbatim")]


def test_an_essay_of_shuffled_source_sentences_is_no_summary() -> None:
    # Pasted blocks between the sentences must not leave the sentences in short runs
    # whose scattered source places look like a summary.
    corpus = Path(__file__).resolve().parents[1] / "corpora" / "coldwar"
    source = (corpus / "cold-war-propaganda-and-culture.txt").read_text()
    sentences = re.split(r"(?<=[.!?])\s+", source.replace("\n", " ").strip())
    random.Random(2).shuffle(sentences)
    passages = align_passages(" ".join(sentences), source)
    assert passages and all(p.kind != "summary" for p in passages)


def test_a_source_sentence_pairs_with_one_sentence_of_a_repetitive_text() -> None:
    # 400 equal sentences on each side tie 160,000 ways; each source sentence keeps the
    # one at its own place, so a table of repeated lines stays cheap to align.
    text = "The quick brown fox jumps over the lazy dog near the river bank. " * 400
    seeds = sentence_seeds(Tokens(text), Tokens(text), CheckConfig())
    assert sorted((s.a_first, s.b_first) for s in seeds) == [(13 * k, 13 * k) for k in range(400)]


def test_neighbours_join_when_their_source_sides_overlap_or_swap() -> None:
    # Shuffled copying leaves two pieces side by side in the submission whose source
    # sides overlap or come in the other order; they are one copied passage.
    overlapping = [Rect(0, 70, 100, 210), Rect(72, 140, 130, 230)]
    swapped = [Rect(0, 40, 150, 190), Rect(45, 90, 100, 146)]
    apart_in_source = [Rect(0, 40, 150, 190), Rect(45, 90, 10, 55)]
    one_sentence = Tokens(" ".join(["word"] * 150))
    assert join_neighbours(overlapping, one_sentence, gap=16) == [Rect(0, 140, 100, 230)]
    assert join_neighbours(swapped, one_sentence, gap=16) == [Rect(0, 90, 100, 190)]
    assert join_neighbours(apart_in_source, one_sentence, gap=16) == apart_in_source


def test_symmetric_enough_and_scores_in_range() -> None:
    copied = SOURCE[SOURCE.index("Nikita") :]
    forward = align_passages(f"Introduction here. {copied}", SOURCE)
    backward = align_passages(SOURCE, f"Introduction here. {copied}")
    assert len(forward) == len(backward) == 1
    assert forward[0].words == backward[0].words
    for passage in forward + backward:
        assert 0.0 <= passage.score <= 1.0


# Words built from letters, combining marks and emoji, separated by spaces, CRLF and
# punctuation: offsets must survive all of them.
WORD = st.lists(
    st.sampled_from(list("abcdefghijklmnopqrstuvwxyzÉçß") + ["e\u0301", "🙂", "ı", "ǅ"]),
    min_size=2,
    max_size=8,
).map("".join)
SEPARATOR = st.sampled_from([" ", "\r\n", ", ", ". ", " — ", "\n\n", " 🙂 "])


def joined(words: list[str], seps: list[str]) -> str:
    return "".join(w + s for w, s in zip(words, seps))


@st.composite
def planted_pair(draw: st.DrawFn) -> tuple[str, str, str]:
    copied = draw(st.lists(WORD, min_size=15, max_size=30))
    seps = draw(st.lists(SEPARATOR, min_size=len(copied), max_size=len(copied)))
    passage = joined(copied, seps)
    before = draw(st.text(alphabet="xyz \r\n🙂", max_size=40))
    after = draw(st.text(alphabet="xyz \r\n.", max_size=40))
    return f"{before} {passage}{after}", f"{after} q {passage} {before}", passage


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(planted_pair())
def test_reported_passages_are_exact_slices_on_both_sides(pair: tuple[str, str, str]) -> None:
    submission, source, _ = pair
    result = check(
        Document("sub.txt", submission), [Document("src.txt", source)], config=CheckConfig(min_words=5)
    )
    report = json.loads(result.to_json())
    for match in report["matches"]:
        assert submission[match["submission_start"] : match["submission_end"]] == match["submission_text"]
        assert source[match["source_start"] : match["source_end"]] == match["source_text"]
        assert 0 <= match["submission_start"] < match["submission_end"] <= len(submission)
        assert 0 <= match["source_start"] < match["source_end"] <= len(source)
    planted = Tokens(pair[2])
    first, last = 0, len(planted)
    # Function words alone across a sentence break at either end are left out by design
    # ("... the end. The" is no copy of "The" opening the next sentence).
    starts, ends = planted.sentence_bounds
    if planted.stopword_mask[starts[last - 1] : last].all() and starts[last - 1] > 0:
        last = int(starts[last - 1])
    if planted.stopword_mask[: ends[0]].all() and ends[0] < last:
        first = int(ends[0])
    # Nor do a word or two across a paragraph break, too few to show they were copied.
    paragraph_of = planted.paragraph_of
    if (
        paragraph_of[last - 1] != paragraph_of[first]
        and (paragraph_of[first:last] == paragraph_of[last - 1]).sum() < 3
    ):
        last = first + int(np.flatnonzero(paragraph_of[first:last] == paragraph_of[last - 1])[0])
    if (
        paragraph_of[first] != paragraph_of[last - 1]
        and (paragraph_of[first:last] == paragraph_of[first]).sum() < 3
    ):
        first = first + int(np.flatnonzero(paragraph_of[first:last] != paragraph_of[first])[0])
    planted_words = planted.normal[first:last]
    if len(set(planted_words)) >= 8:  # repetitive text may be (rightly) ignored as stock phrases
        covered = [Tokens(m["submission_text"]).normal for m in report["matches"]]
        assert any(all(w in c for w in planted_words) for c in covered)


def test_shuffled_head_of_a_sentence_joins_the_passage() -> None:
    # "crimes" and "purges" moved to the front: no n-gram reaches them, but they are the
    # source sentence's words, so the whole sentence is the copy.
    submission = (
        "My essay is about Berlin. Crimes and purges of the dictator: in February 1956 he "
        "denounced Stalin in a secret speech to the Twentieth Party Congress, listing the cult of "
        "personality that had surrounded him. Then I go on about Cuba."
    )
    found = sides(submission, SOURCE)
    assert len(found) == 1
    assert found[0][0].startswith("Crimes and purges of the dictator: in February 1956")
    assert found[0][1].startswith("In February 1956")


def test_own_words_before_a_copied_sentence_stay_out() -> None:
    submission = (
        "My essay is about Berlin. In my own view, in February 1956 he denounced Stalin in a "
        "secret speech to the Twentieth Party Congress, listing the crimes of the purges and the "
        "cult of personality. Then I go on about Cuba."
    )
    found = sides(submission, SOURCE)
    assert len(found) == 1
    assert found[0][0].startswith("in February 1956")


BLOCKADE = (
    "The Soviet Union cut every road, rail and canal link to West Berlin in June 1948. The blockade "
    "ended in May 1949. Stalin lifted it after the airlift had carried more than two million tons of "
    "supplies into the western sectors of the city, and the Western powers had shown that they would "
    "not leave. Germany was divided into two states that same year."
)
LIFTED = (
    "Stalin lifted it after the airlift had carried more than two million tons of supplies into the "
    "western sectors of the city, and the Western powers had shown that they would not leave."
)


def test_neighbouring_sentences_made_of_each_others_words_join_the_passage() -> None:
    # Too short for a sentence seed (two shared words), and no shared n-gram.
    submission = f"My essay is about Cuba. Blockade ended. {LIFTED} Then I go on about Korea."
    assert sides(submission, BLOCKADE) == [
        (f"Blockade ended. {LIFTED}", f"The blockade ended in May 1949. {LIFTED}", "edited")
    ]


def test_a_neighbouring_sentence_of_other_words_stays_out() -> None:
    submission = f"My essay is about Cuba. Berlin was hard. {LIFTED} Then I go on about Korea."
    assert sides(submission, BLOCKADE) == [(LIFTED, LIFTED, "verbatim")]


def test_a_shared_name_and_one_word_are_not_a_paraphrase() -> None:
    # The sentences share "European Recovery Program" and "use": a topic, not a rewording.
    source = (
        "The Marshall Plan was an American initiative to aid Western Europe after the Second World "
        "War. Its first use was in the European Recovery Program of the year 1948. Congress approved "
        "more than twelve billion dollars in economic assistance."
    )
    submission = (
        "My essay is about the post-war years of France and Italy. Workers in the south were happy "
        "that the European Recovery Program was used to rebuild their towns. Then I go on about the "
        "coal strikes and the elections of that decade."
    )
    assert sides(submission, source) == []


def test_a_weak_sentence_seed_left_over_from_a_trim_makes_no_passage() -> None:
    # The copied paragraph P appears twice in the source; the better copy claims the
    # essay's P, and the other group keeps only a loosely similar sentence pair (a weak
    # seed), which once made a "summary" spanning the whole source.
    from simcheck import align_passages

    story = (
        "Quentin Tarantino directed several violent crime films during the nineties, including "
        "Pulp Fiction and Jackie Brown, which critics praised for their dialogue and nonlinear structure. "
    )
    copied = (
        "The Berlin airlift supplied the western sectors of the city by air for almost eleven months "
        "after the Soviet blockade closed every road and railway. "
    )
    filler = (
        "Glaciers carve deep valleys into mountain ranges over thousands of years, leaving "
        "moraines and lakes behind them when the climate warms again. "
    )
    essay = (
        story + copied + "Farmers across the valley planted barley, wheat and oats during a dry spring "
        "season. Nothing else here relates at all to anything in the other text whatsoever."
    )
    source = (
        story
        + copied
        + "Octopuses can change colour in milliseconds using specialised pigment cells in their skin. "
        + filler * 4
        + copied
        + "During that spring the farmers sowed oats and barley in fields near the river. "
        + "Completely unrelated closing words about chess openings."
    )
    passages = align_passages(essay, source)
    assert [(p.kind, p.a_start, p.b_start) for p in passages] == [("verbatim", 0, 0)]
    assert passages[0].b_end == len(story + copied) - 1


def test_a_pasted_paragraph_stops_at_its_end_when_both_next_ones_open_with_the() -> None:
    from simcheck import align_passages

    paragraph = (
        "Khrushchev decided to place medium-range missiles in Cuba in the spring of 1962. "
        "The weapons would protect the island and close the gap in long-range forces at the same "
        "time. The secret operation to ship them across the Atlantic was code-named Anadyr."
    )
    source = "Background first.\n\n" + paragraph + "\n\nThe secret did not last. Photographs showed it."
    essay = "My essay opens here.\n\n" + paragraph + "\n\nThe crisis lasted thirteen days in October."
    (passage,) = align_passages(essay, source)
    assert passage.kind == "verbatim"
    assert essay[passage.a_start : passage.a_end] == paragraph
    assert source[passage.b_start : passage.b_end] == paragraph


def test_a_paragraph_of_own_words_between_two_pasted_ones_is_in_no_passage() -> None:
    source = (
        Path(__file__).resolve().parents[1] / "corpora" / "coldwar" / "the-marshall-plan.txt"
    ).read_text()
    pasted = [p for p in source.split("\n\n") if len(p.split()) > 50]
    own = (
        "When I visited my grandmother last summer she showed me an old photograph of her "
        "brother standing at a checkpoint, and she told me how strange it felt to have family "
        "on the other side of a line drawn by politicians. I think her story shows that the "
        "division was personal for ordinary families, not only a matter of governments and "
        "armies, and that is the part of this history I find most moving today."
    )
    essay = "My introduction.\n\n" + pasted[0] + "\n\n" + own + "\n\n" + pasted[2] + "\n\nMy end."
    own_start = essay.index(own)
    passages = align_passages(essay, source)
    assert [essay[p.a_start : p.a_end] for p in passages] == [pasted[0], pasted[2]]
    assert all(p.a_end <= own_start or p.a_start >= own_start + len(own) for p in passages)


def test_own_sentences_just_before_a_pasted_paragraph_stay_out_of_its_passage() -> None:
    # The source ends a paragraph with "... combining the top party and government posts."
    # The writer's own summary before the pasted paragraph shares its topic words, and
    # the source's next paragraph is where the copying starts.
    source = (
        Path(__file__).resolve().parents[1] / "corpora" / "coldwar" / "stalins-death-and-the-succession.txt"
    ).read_text()
    pasted = next(
        p for p in source.split("\n\n") if p.startswith("The four years after Stalin's funeral")
    ).strip()
    own = (
        "Beria was arrested in the summer of 1953 and Khrushchev slowly pushed Malenkov aside. "
        "By 1958 Khrushchev was in charge of both the party and the government. "
        "What was new about this struggle is how it ended. "
    )
    essay = "The succession after Stalin.\n\n" + own + pasted
    (passage,) = align_passages(essay, source)
    assert essay[passage.a_start : passage.a_end] == pasted
    assert source[passage.b_start : passage.b_end] == pasted


def test_a_sentence_the_writer_added_inside_a_pasted_paragraph_is_in_no_passage() -> None:
    added = "I think this shows how much the country had changed since the war ended."
    sentences = SOURCE.split(". ")
    essay = ". ".join(sentences[:3]) + ". " + added + " " + ". ".join(sentences[3:])
    passages = align_passages(essay, SOURCE)
    added_start = essay.index(added)
    assert len(passages) == 2
    assert all(p.a_end <= added_start or p.a_start >= added_start + len(added) for p in passages)
    assert [SOURCE[p.b_start : p.b_end] for p in passages] == [
        ". ".join(sentences[:3]) + ".",
        ". ".join(sentences[3:]),
    ]


def test_a_sentence_of_own_words_that_echoes_the_pasted_text_is_in_no_passage() -> None:
    # Both paste the prompt. One then writes a sentence of their own that names
    # "Stalin's death" and "the Cold War" again, and both go on "In this essay I": the
    # echoed phrases pair with the prompt beside it, and bridged the sentence in.
    prompt = (
        "Essay 3: The Thaw and its limits. Between Stalin's death in March 1953 and the early 1960s, "
        "the Cold War changed in ways that were both hopeful and dangerous."
    )
    own = (
        "Looking back from today, the most surprising thing about the decade after Stalin's death is "
        "not that the Cold War became calmer, but that it became calmer only after it had come "
        "closest to catastrophe."
    )
    essay = f"{prompt}\n\n{own} In this essay I look at the crises of 1956 and 1962 in turn."
    source = (
        f"{prompt} In this essay I am going to explain how it changed and whether the thaw was as "
        "big as people say. Khrushchev denounced his predecessor in a secret speech."
    )
    passages = align_passages(essay, source)
    assert [essay[p.a_start : p.a_end] for p in passages] == [prompt]


def test_cover_of_equal_spans_is_the_cover_of_any_spans() -> None:
    rng = np.random.default_rng(7)
    for size in (1, 3, 5):
        firsts = rng.integers(0, 200 - size + 1, 60)
        assert np.array_equal(covered_from(200, firsts, size), covered(200, firsts, firsts + size))


def _core_by_seed(group: Group, gap: int) -> list[Rect]:
    """``core``'s members as the loop over each repeated seed found them."""
    repeated = [m for m in group.members if m.repeated]
    anchors = sorted((m for m in group.members if not m.repeated and not m.sentence), key=lambda m: m.a_first)
    kept = [m for m in group.members if not m.repeated]
    closest: dict[int, tuple[int, list[Rect]]] = {}
    for member in repeated:
        at = bisect_left([m.a_first for m in anchors], member.a_first)
        neighbours = [k for k in (at - 1, at) if 0 <= k < len(anchors)]
        nearest = min(neighbours, key=lambda k: abs(anchors[k].a_first - member.a_first))
        drift = abs(member.b_first - member.a_first - (anchors[nearest].b_first - anchors[nearest].a_first))
        if drift <= gap:
            best, members = closest.get(member.a_first, (drift, []))
            if drift < best:
                closest[member.a_first] = (drift, [member])
            elif drift == best:
                closest[member.a_first] = (drift, members + [member])
    return kept + [m for _, members in closest.values() for m in members]


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60), st.booleans()), min_size=1, max_size=40))
def test_core_keeps_the_repeated_seeds_nearest_the_anchors(seeds: list[tuple[int, int, bool]]) -> None:
    members = [Rect(a, a + 3, b, b + 3, repeated=again) for a, b, again in seeds]
    group = Group(bounding(members), members)
    if any(not m.repeated for m in members):
        assert core(group, 4).members == _core_by_seed(group, 4)


# Two students who describe the same speeches, each in their own words: the names and
# dates they share are the speeches', not a copied passage.
KENNEDY_AND_REAGAN = (
    "Talking to the Other Side\n\nMost Cold War speeches were aimed at Americans, but some of the "
    "most important ones were also aimed at the enemy. Here I set John F. Kennedy's commencement "
    "speech at American University in Washington on 10 June 1963 beside Ronald Reagan's appeal at "
    "the Brandenburg Gate on 12 June 1987. Both men chose their words for listeners on the far side "
    "of the Iron Curtain as much as for voters at home.\n"
)
THREE_BERLIN_SPEECHES = (
    "Three Berlin Speeches\n\nBerlin was where the Cold War could be seen from a window. In this "
    "essay I look at three Berlin speeches: John F. Kennedy's television report on the Berlin "
    "crisis in July 1961, his visit to West Berlin in June 1963, and Ronald Reagan's address at the "
    "Brandenburg Gate in June 1987. Each president used the divided city to say something about "
    "freedom.\n"
)


def test_names_and_dates_two_writers_share_make_no_paraphrase() -> None:
    from simcheck.retrieve import Corpus

    result = check(KENNEDY_AND_REAGAN, Corpus([Document("berlin.txt", THREE_BERLIN_SPEECHES)]))
    assert result.matches == ()


def test_a_lone_reworded_sentence_beside_a_telling_phrase_is_still_a_passage() -> None:
    from simcheck.retrieve import Corpus

    # A sentence of the source reworded, keeping a phrase of ordinary words ("voters at
    # home"): evidence, though it is one sentence.
    source = THREE_BERLIN_SPEECHES.replace(
        "Each president used the divided city to say something about freedom.",
        "Each president picked his words for the people beyond the Iron Curtain, "
        "not only for voters at home.",
    )
    result = check(KENNEDY_AND_REAGAN, Corpus([Document("berlin.txt", source)]))
    assert [m.kind.value for m in result.matches] == ["paraphrase"]
    assert "chose their words" in result.matches[0].submission_text


def _everything_common() -> Rarity:
    """A corpus on one topic in which every word of the texts is common (in a large
    same-topic class most are: 86% of the content words of 262 Cold War speeches)."""
    return Rarity([lambda terms: np.full(terms.shape[0], 1_000)], 1_000)


def _reworded(text: str) -> str:
    """The sentences in reverse order and every fifth word changed: a reworded copy."""
    sentences = re.split(r"(?<=[.!?])\s+", text)
    words = " ".join(reversed(sentences)).split()
    return " ".join("truly" if i % 5 == 4 else w for i, w in enumerate(words))


def test_a_reworded_copy_of_common_words_is_found_in_a_class_on_its_topic() -> None:
    # Each shared phrase is a stock phrase of the topic, and no run of them is long;
    # packed into one stretch, they are a copy all the same.
    config = CheckConfig()
    copied = _reworded(SOURCE)
    essay = f"{UNRELATED}\n\n{copied}\n\n{UNRELATED}"
    found = align_tokens(Tokens(essay, "english"), Tokens(SOURCE, "english"), config, _everything_common())
    start = essay.index(copied)
    assert found and found[0].a_start <= start + 20 and found[0].a_end >= start + len(copied) - 20


def test_stock_phrases_scattered_over_two_texts_on_one_topic_are_no_copy() -> None:
    source = "The Soviet Union and the United States raced to build nuclear weapons after the war."
    essay = (
        "After the war the Soviet Union occupied Eastern Europe. Historians still argue about "
        "who began the arms race. By the end of the decade both the Soviet Union and the United "
        "States had tested nuclear weapons, and schools taught children to hide under desks."
    )
    topic = _everything_common()
    assert align_tokens(Tokens(essay, "english"), Tokens(source, "english"), CheckConfig(), topic) == []


def test_stock_phrases_leave_a_run_of_reworded_sentences_as_evidence() -> None:
    # Two sentences reworded (order swapped, every fourth word changed): the phrases
    # they keep are stock phrases of the topic, too few to be packed into a copy. They
    # no longer explain the sentence pairs away: a run of two is a passage.
    first, second = re.split(r"(?<=[.!?])\s+", SOURCE)[:2]
    words = f"{second} {first}".split()
    copied = " ".join("truly" if i % 4 == 3 else w for i, w in enumerate(words))
    essay = f"{UNRELATED}\n\n{copied}\n\n{UNRELATED}"
    ta, tb, config, topic = Tokens(essay), Tokens(SOURCE), CheckConfig(), _everything_common()
    stock = shared_ngrams(ta, tb, config.seed_size, topic)
    pairs = sentence_seeds(ta, tb, config, topic)
    assert len(stock) and stock.weak.all() and len(pairs) == 2
    run = unexplained(pairs, stock, ta, tb, config.max_gap)
    # Each as far as its phrases reach, the run's two sentences still next to each other.
    assert len(run) == 2 and run[0].a_last == run[1].a_first
    assert all(p.b_first <= r.b_first < r.b_last <= p.b_last for p, r in zip(pairs, run))
    # One sentence sharing stock phrases is the topic.
    assert all(unexplained([pair], stock, ta, tb, config.max_gap) == [] for pair in pairs)
    found = align_tokens(ta, tb, config, topic)
    start = essay.index(copied)
    assert [(p.a_start, p.a_end) for p in found] == [(start, start + len(copied))]


def _topic_of(documents: int) -> Rarity:
    """A corpus of ``documents`` in which no word of the texts is common."""
    return Rarity([lambda terms: np.zeros(terms.shape[0], dtype=np.int64)], documents)


# Two students on one speech (Reagan, 31 March 1983): each sums up the same point in
# their own sentence, and both name the speech's catchphrase.
OWN_OPENING = (
    "I chose this speech because my grandfather remembered watching it on a small television in his kitchen. "
)
OWN_CLOSING = "Reading it today, the tone feels stiff and formal, but the argument is still easy to follow. "
FREEZE_A = (
    f"{OWN_OPENING}By then the defence budget had grown rapidly under his administration, and there was "
    f"strong opposition from Congress and from the nuclear freeze movement. {OWN_CLOSING}"
)
FREEZE_B = (
    "My teacher suggested that we look closely at the structure of each address before judging it. The "
    "first two thirds of the speech is really a defence of his budget against Congress and the nuclear "
    "freeze movement. The last third turns to the morality of the arms race itself."
)


def test_a_lone_similar_sentence_with_the_topics_catchphrase_is_no_paraphrase() -> None:
    aligned = align_tokens(Tokens(FREEZE_A), Tokens(FREEZE_B), CheckConfig(), _topic_of(1000))
    assert aligned == []


def test_without_a_topic_the_catchphrase_still_corroborates_the_sentence() -> None:
    # Two texts alone, or a handful of sources on as many subjects (fewer documents than
    # it takes for a word to be common): one telling phrase is evidence.
    sentence = FREEZE_A.index("By then")
    for rarity in (None, _topic_of(MIN_COMMON_DOCUMENTS - 1)):
        aligned = align_tokens(Tokens(FREEZE_A), Tokens(FREEZE_B), CheckConfig(), rarity)
        assert [(p.a_start, str(p.kind)) for p in aligned] == [(sentence, "paraphrase")]


def test_a_reworded_sentence_alone_is_no_passage_on_a_topic() -> None:
    # However much it shares: one sentence counts on a topic when its words are the
    # source's (verbatim or edited), not when it is reworded.
    kept = "ordinary families worried about paying higher taxes for missiles"
    essay = FREEZE_A.replace(
        "there was strong opposition from Congress and from the nuclear freeze movement",
        f"strong opposition came from Congress and from {kept}",
    )
    source = FREEZE_B.replace("Congress and the nuclear freeze movement", f"Congress and against {kept}")
    assert align_tokens(Tokens(essay), Tokens(source), CheckConfig(), _topic_of(1000)) == []
    alone = align_tokens(Tokens(essay), Tokens(source), CheckConfig())
    assert [(essay[p.a_start : p.a_end], str(p.kind)) for p in alone] == [
        (essay[essay.index("By then") : essay.index(kept) + len(kept) + 1], "paraphrase")
    ]


def test_beside_one_similar_sentence_the_phrases_need_content_words_enough() -> None:
    tokens = Tokens(FREEZE_A)
    telling = ~tokens.stopword_mask & ~tokens.capitalised
    sentence = tokens.sentences[1]

    def phrase(text: str, words: int) -> Rect:
        first = int(np.searchsorted(tokens.starts, FREEZE_A.index(text)))
        return Rect(first, first + words, 0, words)

    pair = Rect(sentence.first, sentence.last, 0, 20, sentence=True)
    catchphrase = phrase("the nuclear freeze movement", 4)  # nuclear, freeze, movement
    one = Group(bounding([pair]), [pair, catchphrase])
    assert corroborated(one, tokens, telling, 3) and not corroborated(one, tokens, telling, 4)
    two = Group(bounding([pair]), [pair, catchphrase, phrase("defence budget", 2)])
    assert corroborated(two, tokens, telling, 5) and not corroborated(two, tokens, telling, 6)
    # The sentence paired with a second sentence of the source is still one sentence.
    twice = Group(
        bounding([pair]), [*one.members, Rect(sentence.first, sentence.last, 30, 50, sentence=True)]
    )
    assert not corroborated(twice, tokens, telling, 4)
    # Two similar sentences, the catchphrase's sentence between them: not alone, and
    # one telling phrase joins them.
    before, after = tokens.sentences[0], tokens.sentences[2]
    pairs = [
        Rect(before.first, before.last, 0, 12, sentence=True),
        Rect(after.first, after.last, 30, 40, sentence=True),
    ]
    assert corroborated(Group(bounding(pairs), [*pairs, catchphrase]), tokens, telling, 5)


def test_a_topic_asks_the_phrases_beside_a_sentence_for_a_pieces_content_words() -> None:
    ta, tb, config = Tokens(FREEZE_A), Tokens(FREEZE_B), CheckConfig()
    for rarity, corroborates in ((_topic_of(1000), False), (_topic_of(MIN_COMMON_DOCUMENTS - 1), True)):
        words = shared_ngrams(ta, tb, config.seed_size, rarity)
        pairs = unexplained(sentence_seeds(ta, tb, config, rarity), words, ta, tb, config.max_gap)
        evidence = Evidence(ta, words, pairs, config.min_words, rarity)
        seeds = worth_merging(words, pairs, config.max_gap, evidence.evidence_a, evidence.min_content)
        assert len({s.a_first for s in seeds if s.sentence}) == 1
        assert evidence.topic != corroborates
        assert evidence.corroborated(Group(bounding(seeds), seeds)) == corroborates
