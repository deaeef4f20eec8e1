"""The terminal report: the percentage, the sources, and each passage side by side."""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ..models import CheckResult, Kind, Match, shown

_KIND_STYLE = {Kind.VERBATIM: "bold red", Kind.EDITED: "yellow", Kind.PARAPHRASE: "cyan"}


def _percent_style(value: float) -> str:
    return "bold red" if value >= 25 else "yellow" if value >= 10 else "green"


def _sources_table(result: CheckResult, submission: str) -> Table:
    rows = [s for s in result.sources if s.submission == submission]
    table = Table(expand=False, show_edge=False, pad_edge=False)
    widest = max((len(s.source) for s in rows), default=10)
    table.add_column("source", overflow="fold", min_width=min(24, widest))
    table.add_column("similarity", justify="right", no_wrap=True)
    table.add_column("identical", justify="right", no_wrap=True)
    table.add_column("words", justify="right", no_wrap=True)
    table.add_column("passages", justify="right", no_wrap=True)
    table.add_column("tfidf", justify="right", no_wrap=True)
    for source in rows:
        name = Text(source.source)
        if source.near_duplicate:
            name.append(" (near-duplicate document)", style="bold red")
        table.add_row(
            name,
            Text(shown(source.similarity), style=_percent_style(source.similarity)),
            shown(source.identical),
            str(source.words),
            str(source.passages),
            f"{source.tfidf_cosine:.2f}",
        )
    return table


def _passage_table(match: Match, number: int) -> Table:
    title = Text.assemble(
        (f"#{number} ", "bold"),
        (match.kind, _KIND_STYLE.get(match.kind, "")),
        f"  {match.words} words, {match.identical_words} identical  score {match.score:.2f}",
    )
    if match.excluded:
        title.append(f"  not counted: {match.excluded}", style="dim")
    table = Table(title=title, title_justify="left", expand=True, show_lines=False)
    table.add_column(
        Text(f"submission [{match.submission_start}:{match.submission_end}]"), ratio=1, overflow="fold"
    )
    table.add_column(
        Text(f"{match.source} [{match.source_start}:{match.source_end}]"), ratio=1, overflow="fold"
    )
    # Document text is data: wrapped in Text, never parsed as markup.
    table.add_row(Text(match.submission_text), Text(match.source_text))
    return table


def render_to(console: Console, result: CheckResult) -> None:
    """Print the report to a rich console."""
    for document in result.documents:
        figures = Text.assemble(
            f"{document.words} words  similarity ",
            (shown(document.similarity), _percent_style(document.similarity)),
            f"  identical {shown(document.identical)}  ",
            (document.status, "bold red" if document.flagged else "green"),
        )
        path = Text(document.path, style="bold")
        matches = [m for m in result.matches if m.submission == document.path]
        # A long path puts the figures on a line of their own, never broken mid-figure.
        if path.cell_len + 2 + figures.cell_len <= console.width:
            console.print(Text.assemble(path, "  ", figures))
        else:
            console.print(path)
            console.print(Text.assemble("  ", figures))
        if matches:
            console.print(_sources_table(result, document.path))
        else:
            console.print(Text("No overlapping passages found."))
        for number, match in enumerate(matches, 1):
            console.print(_passage_table(match, number))
    for reason in result.skipped:
        console.print(Text(f"skipped corpus file: {reason}", style="dim"))
    aside = [f"excluded source {name}" for name in result.set_aside.get("exclude_source", [])]
    aside += [f"allow-listed {', '.join(entry)}" for entry in result.set_aside.get("allow_list", [])]
    for line in aside:
        console.print(Text(f"set aside, listed but not counted: {line}", style="dim"))
    stats = result.stats
    console.print(
        escape(
            f"{stats.get('corpus_documents', 0)} corpus documents, "
            f"{stats.get('candidates', 0)} aligned, {stats.get('passages', 0)} passages"
        ),
        style="dim",
    )


def render_text(result: CheckResult, *, width: int = 100, color: bool = False) -> str:
    """The terminal report as a string (plain unless ``color``)."""
    console = Console(
        width=width,
        record=True,
        force_terminal=color,
        color_system="standard" if color else None,
        file=io.StringIO(),
    )
    render_to(console, result)
    return console.export_text(styles=color)
