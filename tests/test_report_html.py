"""The HTML report, read with a parser: structure, offsets, escaping, no network."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from simcheck import Document, check
from simcheck.batch import compare_batch
from simcheck.cli import main
from simcheck.report import render
from simcheck.report.files import write_reports
from simcheck.report.html import render_batch_html, render_check_html, submission_views

ROOT = Path(__file__).resolve().parent.parent
COLDWAR = ROOT / "corpora" / "coldwar"
SHARED = (
    "The arms race consumed enormous resources on both sides. Each new weapon prompted a counter-weapon, "
    "and diplomats struggled to keep up with engineers who designed ever more destructive missiles. "
)
HOSTILE_TEXT = (
    'My essay <script>window.__pwned = 1</script> and <img src=x onerror="window.__pwned = 2"> and '
    '<a href="javascript:window.__pwned = 3">a link</a> & "quotes". '
)
HOSTILE_NAME = '"><svg onload=alert(1)>.txt'
# Markup inside a shared passage: it is highlighted, and shown again as source text.
SHARED_HOSTILE = SHARED.replace("sides. ", "sides. " + HOSTILE_TEXT)


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts.append(data)
        elif self._in == "style":
            self.styles.append(data)


def parse(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    return parser


def hostile_class(folder: Path) -> Path:
    folder.mkdir()
    files = {
        "Ada Lovelace_111_assignsubmission_file_essay.txt": "Ada writes about Asia and Africa. "
        + SHARED_HOSTILE,
        HOSTILE_NAME: HOSTILE_TEXT + SHARED_HOSTILE + HOSTILE_TEXT,
        "Cy Young_333_assignsubmission_file_essay.txt": "Compost and soil for a vegetable garden.",
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def hostile_batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, str]:
    batch = compare_batch(hostile_class(tmp_path_factory.mktemp("html") / "class"), COLDWAR)
    return batch, render_batch_html(batch, created="2026-01-01 00:00 UTC")


def test_hostile_text_and_names_are_text_never_markup(hostile_batch: tuple[object, str]) -> None:
    batch, page = hostile_batch
    parsed = parse(page)
    assert [tag for tag, _ in parsed.tags if tag in ("img", "iframe", "object", "embed")] == []
    assert [t for t, a in parsed.tags if t == "svg" and "onload" in a] == []
    assert all(not name.startswith("on") for _, attrs in parsed.tags for name in attrs)
    assert all(
        not (value or "").strip().lower().startswith("javascript:")
        for _, a in parsed.tags
        for value in a.values()
    )
    # One script (ours) plus nothing else executable.
    assert len([t for t, a in parsed.tags if t == "script"]) == 1
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page
    assert "&#34;&gt;&lt;svg onload=alert(1)&gt;.txt" in page
    assert "<script>window" not in page
    hostile = next(v for v in submission_views(batch.result) if v.path == HOSTILE_NAME)  # type: ignore[attr-defined]
    assert any("<script>" in p.match.submission_text for p in hostile.passages), "markup inside a passage"


def test_csp_allows_only_the_inline_script_and_style_by_hash(hostile_batch: tuple[object, str]) -> None:
    _, page = hostile_batch
    parsed = parse(page)
    policy = next(a["content"] for t, a in parsed.tags if t == "meta" and a.get("http-equiv"))
    assert policy is not None and "default-src 'none'" in policy and "unsafe-inline" not in policy

    def digest(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    assert f"'sha256-{digest(parsed.scripts[0])}'" in policy
    assert f"'sha256-{digest(parsed.styles[0])}'" in policy
    # Nothing is loaded from anywhere: no src, no stylesheet link, no remote href.
    assert not any("src" in attrs for _, attrs in parsed.tags)
    assert not any(tag == "link" for tag, _ in parsed.tags)
    assert not re.search(r"(?:href|src)=\"(?:https?:)?//", page)


def test_every_submission_has_a_row_and_a_view(hostile_batch: tuple[object, str]) -> None:
    batch, page = hostile_batch
    count = len(batch.result.documents)  # type: ignore[attr-defined]
    parsed = parse(page)
    assert len([a for t, a in parsed.tags if t == "tr" and "data-status" in a]) == count
    assert {a["id"] for t, a in parsed.tags if t == "template"} == {f"t-s-{n}" for n in range(1, count + 1)}


def test_highlights_slice_the_text_on_the_offsets(hostile_batch: tuple[object, str]) -> None:
    batch, _ = hostile_batch
    result = batch.result  # type: ignore[attr-defined]
    for view in submission_views(result):
        text = result.texts[view.path]
        assert "".join(p.text for s in view.segments for p in s.pieces) == text
        position = 0
        for segment in view.segments:
            length = sum(len(p.text) for p in segment.pieces)
            if segment.passage:
                match = view.passages[segment.passage - 1].match
                assert match.submission_start <= position and position + length <= match.submission_end
            position += length
        for passage in view.passages:
            match = passage.match
            assert (
                "".join(p.text for p in passage.submission)
                == text[match.submission_start : match.submission_end]
            )
            source = result.texts[match.source]
            assert (
                "".join(p.text for p in passage.source_passage)
                == source[match.source_start : match.source_end]
            )


def test_excluded_passages_are_muted_with_their_reason() -> None:
    prompt = (
        "Explain how the Berlin Wall changed the Cold War in Europe, using at least two sources "
        "and your own argument about the years after 1961."
    )
    essay = "Question. " + prompt + " My own answer follows here and is short, about the wall."
    result = check(
        essay, [Document("prompt-copy.txt", prompt + " Then something else entirely.")], templates=[prompt]
    )
    page = render_check_html(result, created="2026-01-01 00:00 UTC")
    assert result.matches and result.matches[0].excluded == "template"
    assert 'class="hl c1 x"' in page
    assert "not counted: template" in page


def test_same_inputs_give_the_same_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    folder = hostile_class(tmp_path / "class")
    write_reports(compare_batch(folder, COLDWAR), tmp_path / "one")
    write_reports(compare_batch(folder, COLDWAR, jobs=2), tmp_path / "two")
    first = (tmp_path / "one" / "report.html").read_bytes()
    assert first == (tmp_path / "two" / "report.html").read_bytes()
    assert b"2026-01-01 00:00 UTC" in first


def test_provenance_names_the_corpus_and_template_digest(tmp_path: Path) -> None:
    prompt = tmp_path / "prompt.txt"
    prompt.write_bytes(b"Discuss the Berlin airlift of 1948.\n")
    essay = tmp_path / "essay.txt"
    essay.write_text(
        "The Berlin airlift of 1948 fed a city from the air for almost a year.", encoding="utf-8"
    )
    result = CliRunner().invoke(
        main,
        [
            "check",
            str(essay),
            "-c",
            str(COLDWAR),
            "-t",
            str(prompt),
            "-f",
            "html",
            "-o",
            str(tmp_path / "r.html"),
        ],
    )
    assert result.exit_code == 0, result.output
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert hashlib.sha256(prompt.read_bytes()).hexdigest() in page
    assert f"folder {COLDWAR} (41 documents)" in page
    assert "shingle_size=" in page


def test_check_html_goes_to_stdout_too(tmp_path: Path) -> None:
    essay = tmp_path / "essay.txt"
    essay.write_text(
        (COLDWAR / "khrushchev-and-the-thaw.txt").read_text(encoding="utf-8")[:900], encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["check", str(essay), "-c", str(COLDWAR), "-f", "html"])
    assert result.exit_code == 0
    assert result.output.startswith("<!DOCTYPE html>")
    assert 'id="s-1-p-1"' in result.output
    assert render(check(str(essay), COLDWAR), "html").count('class="passage ') >= 1


def test_a_source_in_an_index_is_shown_in_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from simcheck.index import Index

    monkeypatch.chdir(tmp_path)
    text = (COLDWAR / "the-berlin-blockade-and-airlift.txt").read_text(encoding="utf-8")
    (tmp_path / "airlift.txt").write_text(text, encoding="utf-8")
    Index.build(tmp_path / "a.simcheck", [tmp_path / "airlift.txt"])[0].close()
    start = text.index("\n\n") + 2
    passage = text[start : text.index(".", start + 500) + 1]
    with Index(tmp_path / "a.simcheck") as index:
        result = check("An essay that copies. " + passage, index)
    assert result.texts[f"{tmp_path.name}/airlift.txt"] == text
    assert result.inputs["corpus"] == f"index {tmp_path / 'a.simcheck'} (1 document)"
    view = submission_views(result)[0]
    after = view.passages[0].source_after
    assert after and text[result.matches[0].source_end :].startswith(after.removesuffix(" …"))


def test_each_view_shows_the_identical_share_beside_similarity(hostile_batch: tuple[object, str]) -> None:
    batch, page = hostile_batch
    documents = batch.result.documents  # type: ignore[attr-defined]
    assert any(summary.identical > 0 for summary in documents)
    for summary in documents:
        assert (
            f'<dd title="words left word for word, in runs of 5 or more">{summary.identical:.1f}%</dd>'
            in page
        )
    assert "<dt>Identical</dt>" in page and "runs of 5 or more" in page


def test_unreadable_submissions_are_counted_and_named_as_submissions(tmp_path: Path) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "Ada Lovelace_111_assignsubmission_file_essay.txt").write_text(
        "Ada. " + SHARED, encoding="utf-8"
    )
    (folder / "Bob Smith_222_assignsubmission_file_essay.txt").write_text("Bob. " + SHARED, encoding="utf-8")
    (folder / "Gus Hall_333_assignsubmission_file_essay.docx").write_bytes(b"not a docx")
    page = render_batch_html(compare_batch(folder, COLDWAR))
    assert "3 submitted files: 2 read, 1 unreadable;" in page
    assert "<title>simcheck class report: 3 submitted files</title>" in page
    assert "Submitted files not read" in page
    assert "Corpus files skipped" not in page  # the class's own files are not corpus files
    row = re.search(r'<tr data-status="unreadable">(.*?)</tr>', page, re.S)
    assert row is not None
    assert '<td class="name">Gus Hall</td>' in row.group(1)
    assert (
        '<span class="status unreadable">unreadable</span> <span class="reason">is not a readable'
        in row.group(1)
    )
