"""Quotations with an attribution and reference lists do not count; bare quotations do.
A reference list must look like one, an attribution must name a source, and
attributions and quotations come in more forms than "said"."""

from __future__ import annotations

from pathlib import Path

import pytest

from simcheck import Document, check
from simcheck.report.files import write_reports
from simcheck.zones import (
    CITED_QUOTATION,
    QUOTATION,
    REFERENCE_LIST,
    Zone,
    exclusion_zones,
    quotations,
    reference_lists,
)

SOURCE = Document(
    "speech.txt",
    "Let them come to Berlin. There are some who say that communism is the wave of the future. "
    "Freedom has many difficulties and democracy is not perfect, but we have never had to put a "
    "wall up to keep our people in, to prevent them from leaving us.",
)
BERLIN_QUOTED = (
    "freedom has many difficulties and democracy is not perfect, but we have never had to put a wall "
    "up to keep our people in"
)
BERLIN_OWN = (
    "My essay is about the crisis over Berlin and the speech that the American president gave there. "
)
ROOT = Path(__file__).resolve().parent.parent
# The Cuban missile crisis essay of the corpus, which students quote and paste below.
CRISIS = Document(
    "the-cuban-missile-crisis.txt",
    (ROOT / "corpora" / "coldwar" / "the-cuban-missile-crisis.txt").read_text(encoding="utf-8"),
)
# Two sentences of the corpus essay, as a student would quote them.
QUOTED = (
    "The secret did not last. On October 14, 1962, an American U-2 spy plane flew over western Cuba "
    "and took hundreds of photographs. When analysts studied the film, they found launch sites being "
    "built for Soviet medium-range ballistic missiles"
)
PASTED = [
    p for p in CRISIS.text.split("\n\n") if p.startswith(("The background matters", "The options were"))
]
OWN = (
    "My uncle kept a shelter plan from the sixties in his garage, and finding it made me curious about "
    "how frightened ordinary people were. I read three library books and a website for this essay, and "
    "they disagree about who deserves the credit for the peaceful ending.\n\n"
    "I think both leaders deserve some credit, because each of them found a way to step back without "
    "looking weak at home. That took more nerve than the threats did, and it is the part of the story "
    "that my class talked about most.\n\n"
)


def _reasons(text: str) -> list[str]:
    return [z.reason for z in quotations(text)]


def _covered(text: str, zones: list[Zone], part: str, reason: str) -> bool:
    start = text.index(part)
    return any(z.start <= start and start + len(part) <= z.end and z.reason == reason for z in zones)


def test_cited_quotation_is_kept_but_not_counted() -> None:
    essay = BERLIN_OWN + f'As Kennedy said in 1963, "{BERLIN_QUOTED}." That speech mattered.'
    result = check(essay, [SOURCE])
    assert result.matches and all(m.excluded == CITED_QUOTATION for m in result.matches)
    assert result.similarity == 0.0


def test_parenthetical_citation_counts_as_attribution() -> None:
    essay = BERLIN_OWN + f'The wall was a confession: "{BERLIN_QUOTED}" (Kennedy 1963). That speech mattered.'
    assert check(essay, [SOURCE]).similarity == 0.0


def test_unattributed_quotation_counts_and_is_marked_quoted() -> None:
    essay = BERLIN_OWN + f'The wall was a confession: "{BERLIN_QUOTED}." That speech mattered.'
    result = check(essay, [SOURCE])
    assert [m.kind for m in result.matches] == ["quoted"]
    assert result.matches[0].excluded == ""
    assert result.similarity > 20


REFERENCES = (
    "Gaddis, J. L. (2005). The Cold War: A new history. New York: Penguin Press.\n"
    "Kennan, G. F. (1947). The sources of Soviet conduct. Foreign Affairs, 25(4), 566-582.\n"
    "Taubman, W. (2003). Khrushchev: The man and his era. New York: W. W. Norton.\n"
)


def test_reference_list_is_not_counted() -> None:
    # Another student citing the same books: the shared entries are not copying. (Prose under
    # a "References" heading does count: see test_prose_pasted_after_a_sources_heading_counts.)
    other = Document("other.txt", SOURCE.text + "\n\nReferences\n\n" + REFERENCES)
    essay = BERLIN_OWN * 4 + "\n\nReferences\n\n" + REFERENCES
    result = check(essay, [other])
    assert result.matches and all(m.excluded == REFERENCE_LIST for m in result.matches)
    assert result.similarity == 0.0


def test_zone_spans_slice_the_text() -> None:
    text = 'Intro.\n    An indented block quote of some length here.\n(Smith 1999)\nThen "a phrase" ends.'
    zones = exclusion_zones(text)
    assert [z.reason for z in zones] == [CITED_QUOTATION, QUOTATION]
    assert text[zones[0].start : zones[0].end] == "An indented block quote of some length here."
    assert text[zones[1].start : zones[1].end] == '"a phrase"'
    assert quotations("No quotes at all.") == []


PROMPT = (
    "Assignment: explain how the Berlin crisis of 1961 changed relations between the superpowers, "
    "using at least two primary sources and citing them in your reference list."
)


def test_template_text_is_not_counted_even_when_edited(tmp_path) -> None:  # type: ignore[no-untyped-def]
    edited_prompt = PROMPT.replace("explain how", "explain in detail how").replace("at least two", "two")
    corpus_copy = Document("other-essay.txt", "An earlier essay that also began with the prompt. " + PROMPT)
    essay = edited_prompt + " " + BERLIN_OWN * 3
    assert check(essay, [corpus_copy]).similarity > 10
    prompt_file = tmp_path / "prompt.txt"
    prompt_file.write_text(PROMPT, encoding="utf-8")
    result = check(essay, [corpus_copy], templates=[prompt_file])
    assert result.matches and all(m.excluded == "template" for m in result.matches)
    assert result.similarity == 0.0


def test_batch_common_text_and_template(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from simcheck import CheckConfig, compare_batch

    stock = (
        "The Cold War was a period of geopolitical tension between the United States and the Soviet "
        "Union and their respective allies that began after the Second World War ended in Europe. "
    )
    folder = tmp_path / "class"
    folder.mkdir()
    # Each student's own paragraph, in words of their own: the stock opening is most of
    # no one's essay.
    paragraphs = [
        "Korea was divided at the thirty-eighth parallel, and the armistice of 1953 left a "
        "demilitarised zone that still separates two states whose families were split apart. "
        "Neither side won what it had gone to war for.",
        "Castro's revolution turned Havana towards Moscow; the missiles found there in October "
        "1962 brought both superpowers closer to nuclear war than at any other moment. "
        "Thirteen days of letters and blockades decided it.",
        "West Berliners lived on an island inside East Germany, supplied by aircraft during "
        "the blockade and later walled off from the eastern districts in August 1961. "
        "The wall stood until the crowds opened it in 1989.",
        "Saigon fell in April 1975 after American troops had left, ending a long conflict "
        "that cost millions of lives across Indochina and divided American politics deeply. "
        "Refugees left by boat for years afterwards.",
    ]
    for number, own in enumerate(paragraphs):
        (folder / f"student{number}.txt").write_text(stock + own, encoding="utf-8")
    result = compare_batch(folder, config=CheckConfig(common_threshold=3))
    assert result.result.matches
    assert all(m.excluded == "common text" for m in result.result.matches)
    assert all(d.similarity == 0.0 for d in result.result.documents)
    write_reports(result, tmp_path / "out")
    common = (tmp_path / "out" / "common.csv").read_text(encoding="utf-8").splitlines()
    assert common[0] == "text,submissions" and common[1].endswith(",4")


def test_text_report_says_what_is_not_counted() -> None:
    from simcheck.report import render_text

    essay = BERLIN_OWN + f'As Kennedy said in 1963, "{BERLIN_QUOTED}." That speech mattered.'
    text = render_text(check(essay, [SOURCE]), width=120)
    assert "not counted: cited quotation" in text
    assert "similarity 0.0%" in text


def test_a_reference_entry_wrapped_onto_a_plain_line_stays_whole() -> None:
    # A PDF wraps an annotated entry: its second line has no mark of a reference, but
    # the line above stopped mid-entry, so it belongs to that entry.
    text = (
        "My essay ends here with a conclusion of my own.\n\nWorks Cited\n"
        "Gaddis, John Lewis. The Cold War: A New History. Penguin Press, 2005. A readable survey\n"
        "of the whole conflict that many students use as their first book on the subject\n"
        'Kennan, George F. "The Sources of Soviet Conduct." Foreign Affairs, vol. 25, no. 4, 1947,\n'
        "pp. 566-582.\n"
    )
    zones = reference_lists(text)
    assert [text[z.start : z.end] for z in zones] == [text[text.index("Works Cited") :].rstrip("\n")]


# --- 1. A reference list must look like one -------------------------------------------------


def test_prose_pasted_after_a_sources_heading_counts() -> None:
    essay = OWN + "Sources\n\n" + "\n\n".join(PASTED) + "\n\nKennedy, J. (1962). Address. Washington.\n"
    result = check(essay, [CRISIS])
    assert result.matches and all(m.excluded == "" for m in result.matches)
    assert result.similarity > 40
    zones = exclusion_zones(essay)
    assert _covered(essay, zones, "Kennedy, J. (1962). Address. Washington.", REFERENCE_LIST)
    assert not any(z.reason == REFERENCE_LIST and z.start <= essay.index(PASTED[0]) < z.end for z in zones)


def test_prose_with_a_year_in_brackets_is_still_prose() -> None:
    disguised = "Gaddis, J. (2005). " + PASTED[0]
    essay = OWN + "References\n\n" + disguised + "\n"
    assert check(essay, [CRISIS]).similarity > 20


def test_prose_split_into_short_lines_is_still_prose() -> None:
    # A PDF wraps a pasted paragraph into lines with no citation markers.
    words = PASTED[1].split()
    lines = "\n".join(" ".join(words[i : i + 12]) for i in range(0, len(words), 12))
    essay = OWN + "Bibliography\nGaddis, J. L. (2005). The Cold War: A New History. Penguin.\n" + lines + "\n"
    assert check(essay, [CRISIS]).similarity > 20


REFERENCE_LISTS = {
    "apa": (
        "References\n\n"
        "Gaddis, J. L. (2005). The Cold War: A new history. Penguin Press.\n"
        "Kennan, G. F. (1947). The sources of Soviet conduct. Foreign Affairs, 25(4), 566-582.\n"
        "Taubman, W., & Smith, R. (2003). Khrushchev: The man and his era. W. W. Norton.\n"
        "National Security Archive. (2012, October 16). The Cuban missile crisis, 1962: Documents. "
        "https://nsarchive.gwu.edu/briefing-book/cuba\n"
        "Munton, D., & Welch, D. A. (2012). The Cuban missile crisis: A concise history (2nd ed.). "
        "Oxford University Press. https://doi.org/10.1093/example\n"
    ),
    "mla": (
        "Works Cited\n\n"
        "Gaddis, John Lewis. The Cold War: A New History. Penguin Press, 2005.\n"
        'Kennan, George F. "The Sources of Soviet Conduct." Foreign Affairs, vol. 25, no. 4, 1947, '
        "pp. 566-82.\n"
        "Dobbs, Michael. One Minute to Midnight. Knopf, 2008.\n"
        '"Cuban Missile Crisis." History.com, A&E Television Networks, 9 Nov. 2009, www.history.com/cuba.\n'
    ),
    "chicago": (
        "Bibliography\n\n"
        "Fursenko, Aleksandr, and Timothy Naftali. One Hell of a Gamble: Khrushchev, Castro, and Kennedy, "
        "1958-1964. New York: W. W. Norton, 1997.\n\n"
        "Kennedy, Robert F. Thirteen Days: A Memoir of the Cuban Missile Crisis. New York: Norton, 1969.\n\n"
        "Zubok, Vladislav. A Failed Empire. Chapel Hill: University of North Carolina Press, 2007.\n"
    ),
    "numbered": (
        "References\n"
        "[1] J. L. Gaddis, The Cold War: A New History. New York: Penguin, 2005.\n"
        "[2] G. F. Kennan, \u201cThe sources of Soviet conduct,\u201d Foreign Affairs, vol. 25, "
        "pp. 566-582, 1947.\n"
        "1. Dobbs, Michael. One Minute to Midnight. New York: Knopf, 2008.\n"
        "2. Allison, Graham. Essence of Decision. Boston: Little, Brown, 1971.\n"
    ),
    "bulleted": (
        "Sources\n"
        "- Gaddis, The Cold War (2005)\n"
        "* BBC Bitesize: The Cuban Missile Crisis, https://www.bbc.co.uk/bitesize/guides/zxm\n"
        "\u2022 Kennedy Library, 'Cuban Missile Crisis' page, www.jfklibrary.org\n"
        "- Wikipedia, Cuban Missile Crisis, accessed 3 March 2024\n"
    ),
    "wrapped": (
        "References\n"
        "Harlow, S. (2016). Dying Without Instructions: The Kremlin in 1953. Cambridge: Cambridge\n"
        "University Press.\n"
        "Petrakis, A. (2007). Breathing Space: Soviet Diplomacy after Stalin. Ithaca: Cornell\n"
        "University Press.\n"
    ),
}


@pytest.mark.parametrize("style", sorted(REFERENCE_LISTS))
def test_real_reference_lists_are_wholly_excluded(style: str) -> None:
    text = OWN + REFERENCE_LISTS[style]
    zones = [z for z in exclusion_zones(text) if z.reason == REFERENCE_LIST]
    listing = REFERENCE_LISTS[style].rstrip("\n")
    assert len(zones) == 1, zones
    assert _covered(text, zones, listing, REFERENCE_LIST)


def test_entries_after_a_prose_paragraph_are_still_excluded() -> None:
    text = OWN + "References\nGaddis, J. L. (2005). The Cold War. Penguin.\n\n" + PASTED[0]
    text += "\n\nDobbs, M. (2008). One Minute to Midnight. Knopf.\n"
    zones = exclusion_zones(text)
    assert _covered(text, zones, "References\nGaddis, J. L. (2005). The Cold War. Penguin.", REFERENCE_LIST)
    assert _covered(text, zones, "Dobbs, M. (2008). One Minute to Midnight. Knopf.", REFERENCE_LIST)
    assert not any(z.start <= text.index(PASTED[0]) < z.end for z in zones)


# --- 2. Attributions and quotations in more forms ---------------------------------------------


@pytest.mark.parametrize(
    "before",
    [
        "As Gaddis (2005) puts it,",
        "As Gaddis (2005, p. 31) puts it,",
        "Gaddis says",
        "Gaddis wrote:",
        "Gaddis argued that",
        "Gaddis has noted that",
        "As Gaddis observes,",
        "Dobbs claims that",
        "Gaddis explains the discovery plainly:",
        "According to Smith (2019),",
        "In the words of John Lewis Gaddis,",
        "In Gaddis's words,",
        "As the historian John Gaddis concluded,",
        "writes Gaddis,",
        "writes the historian John Gaddis,",
        "As I said before, Gaddis writes,",
    ],
)
def test_attribution_before_with_any_verb_form(before: str) -> None:
    assert _reasons(f'{OWN}{before} "{QUOTED}." I agree.') == [CITED_QUOTATION]


@pytest.mark.parametrize(
    "after",
    [" (Gaddis 31).", " (Gaddis 31-32).", " (Gaddis, 2005, p. 31).", " (Gaddis et al. 2005).", " (p. 31)."],
)
def test_parenthetical_citation_after(after: str) -> None:
    assert _reasons(f'{OWN}The photographs changed everything: "{QUOTED}"{after} I agree.') == [
        CITED_QUOTATION
    ]


def test_speaker_named_after_the_quotation() -> None:
    assert _reasons(f'{OWN}"{QUOTED}," Gaddis writes. I agree.') == [CITED_QUOTATION]


def test_block_quote_ending_in_its_citation() -> None:
    text = f"{OWN}The discovery is described at length:\n\n    {QUOTED}. (Gaddis, 2005, p. 31)\n\nThe end.\n"
    zones = quotations(text)
    assert [z.reason for z in zones] == [CITED_QUOTATION]
    assert check(text, [CRISIS]).similarity == 0.0


@pytest.mark.parametrize("open_, close", [("\u2018", "\u2019"), ("'", "'")])
def test_british_single_quotes(open_: str, close: str) -> None:
    cited = f"{OWN}As Gaddis (2005) notes, {open_}{QUOTED}{close}. That is the turning point."
    zones = quotations(cited)
    assert [z.reason for z in zones] == [CITED_QUOTATION]
    assert cited[zones[0].start : zones[0].end] == f"{open_}{QUOTED}{close}"
    assert check(cited, [CRISIS]).similarity == 0.0
    bare = f"{OWN}The photographs changed everything: {open_}{QUOTED}{close}. That is the turning point."
    assert _reasons(bare) == [QUOTATION]
    assert [m.kind for m in check(bare, [CRISIS]).matches] == ["quoted"]


@pytest.mark.parametrize("apostrophe", ["'", "\u2019"])
def test_apostrophes_do_not_open_or_close_quotations(apostrophe: str) -> None:
    text = (
        "Stalin's heirs didn't trust each other, and the students' essays say the generals' plans "
        "weren't secret. Khrushchev's gamble failed; 'tis said the '60s were tense, rock 'n' roll aside."
    ).replace("'", apostrophe)
    assert quotations(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Kennedy said, 'We don't want a war, and Khrushchev's ships can't pass.' Then he waited.",
        "Kennedy said, \u2018We don\u2019t want a war, and Khrushchev\u2019s ships "
        "can\u2019t pass.\u2019 Then he waited.",
    ],
)
def test_apostrophes_inside_a_single_quoted_quotation(text: str) -> None:
    zones = quotations(text)
    assert [text[z.start : z.end] for z in zones] == [text[text.index("We") - 1 : text.index(" Then")]]
    assert [z.reason for z in zones] == [CITED_QUOTATION]


def test_plural_possessive_inside_a_single_quoted_quotation() -> None:
    text = "Gaddis writes, 'The students' fears were real, and the generals' plans were not,' and moves on."
    zones = quotations(text)
    assert [text[z.start : z.end] for z in zones] == [
        "'The students' fears were real, and the generals' plans were not,'"
    ]


# --- 3. An attribution must name a source ---------------------------------------------------


@pytest.mark.parametrize(
    "before",
    [
        "It is often said that",
        "As I said before,",
        "As one historian wrote,",
        "Someone once said",
        "People say that",
        "As they argued,",
        "It has been claimed that",
        "According to one historian,",
        "According to many people,",
        "Historians argue that",
        "As one historian wrote about Kennedy,",
        "Kennedy's critics said that",
        "As he said,",
        "As I said in 2019,",
        "As they argued in 1963,",
        "It became the declared policy of 1962:",
        "As he told 2000 students,",
        "He told 1950 address-book owners:",
        "As he told 2000 young students,",
    ],
)
def test_attribution_without_a_named_source_counts(before: str) -> None:
    essay = f'{OWN}{before} "{QUOTED}." I agree.'
    assert _reasons(essay) == [QUOTATION]
    result = check(essay, [CRISIS])
    assert [m.kind for m in result.matches] == ["quoted"]
    assert result.matches[0].excluded == ""
    assert result.similarity > 10


@pytest.mark.parametrize(
    "before",
    [
        "He insisted on one difference, as he said in West Berlin on 26 June 1963:",
        "As she wrote in 1947,",
        "She said in her 1947 letter:",
        "She wrote in her 1947 letters:",
        "As he put it in his 1961 inaugural address,",
    ],
)
def test_the_subject_quoted_with_the_year_is_attributed(before: str) -> None:
    # "He" is the person the essay is about; the year points to the speech or text.
    essay = f'{OWN}{before} "{QUOTED}." I agree.'
    assert _reasons(essay) == [CITED_QUOTATION]
    assert check(essay, [CRISIS]).similarity == 0.0


@pytest.mark.parametrize("after", [" (1962).", " (October 1962).", " (n.d.)."])
def test_a_bare_date_after_a_quotation_names_no_source(after: str) -> None:
    assert _reasons(f'{OWN}The photographs changed everything: "{QUOTED}"{after} I agree.') == [QUOTATION]


def test_a_quotation_quoting_in_turn_is_one_cited_quotation() -> None:
    nested = QUOTED.replace("spy plane", '"spy plane"').replace("launch sites", '"launch sites"')
    essay = OWN + f'As Allison (1971, p. 12) puts it, "{nested}." That is the core of it.'
    result = check(Document("nested.txt", essay), [CRISIS])
    assert result.matches and all(m.excluded == CITED_QUOTATION for m in result.matches)
    assert result.similarity == 0
