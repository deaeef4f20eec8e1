"""``simcheck check`` (one essay against a corpus) and ``simcheck related``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.text import Text

from ..load import load_document
from ..models import CheckResult
from ..report import FORMATS, render
from ..report.text import render_to
from .common import (
    IndexLocation,
    config_from,
    config_options,
    exit_if_above,
    fail_above_option,
    max_bytes_option,
    open_corpus,
    read_essay,
    running,
    set_aside_from,
    set_aside_options,
    template_option,
    warn_unused,
)

F = TypeVar("F", bound=Callable[..., Any])

_EXTENSIONS = {".json": "json", ".csv": "csv", ".html": "html", ".htm": "html"}


def format_for(output: Path | None) -> str:
    """The report format an output file's extension asks for; text for any other.

    >>> format_for(Path("out.JSON")), format_for(Path("r.htm")), format_for(Path("r.txt")), format_for(None)
    ('json', 'html', 'text', 'text')
    """
    return _EXTENSIONS.get(output.suffix.lower(), "text") if output is not None else "text"


def _essay_against(corpus: click.ParamType[Any, Any], help: str) -> Callable[[F], F]:
    """The ESSAY argument and the --corpus option it is checked against."""

    def decorate(func: F) -> F:
        func = click.option("--corpus", "-c", required=True, type=corpus, help=help)(func)
        return click.argument("essay", metavar="ESSAY")(func)

    return decorate


@click.command()
@_essay_against(
    IndexLocation(exists=False, dir_okay=True),
    "Folder of known essays (read recursively), or an index from `simcheck index build` "
    "(a file or a postgresql:// URL).",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(FORMATS),
    help="Report format. Default: from the --output extension (.json, .csv, .html or .htm; "
    "text otherwise), and text on the terminal. Given, it wins over the extension.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the report to this file instead of the terminal.",
)
@fail_above_option("the similarity exceeds PERCENT")
@template_option
@set_aside_options
@max_bytes_option("essay or template file")
@config_options()
def check(
    essay: str,
    corpus: Path | str,
    fmt: str | None,
    output: Path | None,
    fail_above: float | None,
    templates: tuple[Path, ...],
    exclude_sources: tuple[str, ...],
    allow_list: Path | None,
    max_bytes: int,
    **options: Any,
) -> None:
    """Check ESSAY against a corpus and show the overlapping passages.

    ESSAY is a .txt, .md, .html, .docx, .pdf, .odt or .rtf file, or - for standard
    input. The similarity is the share of the essay's words inside flagged passages.

    \b
    Example:
      simcheck check my-essay.docx --corpus corpora/coldwar
      simcheck check essay.txt -c corpora/coldwar -o report.json
    """
    from .. import pipeline  # numpy, scipy and scikit-learn: only when a check runs

    config = config_from(options)
    fmt = fmt or format_for(output)
    # On a terminal, a bar: a long essay takes a while to read, and to align with each source.
    with running("checking") as advance:
        submission = read_essay(essay, max_bytes)
        given = [load_document(t, max_bytes=max_bytes) for t in templates]
        set_aside = set_aside_from(exclude_sources, allow_list)
        store = open_corpus(corpus, options)
        # An index brings its own settings, with the user's on top: open_corpus made them.
        settings = None if not isinstance(store, str) else config
        try:
            result = pipeline.check(
                submission, store, config=settings, templates=given, set_aside=set_aside, progress=advance
            )
        finally:
            if not isinstance(store, str):
                store.close()
    with running():
        _emit(result, fmt, output)
    warn_unused(set_aside, result.matches, {})
    exit_if_above(fail_above, {d.path: d.similarity for d in result.documents})


def _emit(result: CheckResult, fmt: str, output: Path | None) -> None:
    if output is not None:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(render(result, fmt), encoding="utf-8", newline="")
        except OSError as exc:
            raise click.ClickException(f"{output}: cannot write the report ({exc.strerror})") from None
        click.echo(f"Wrote {output}", err=True)
    elif fmt == "text":
        render_to(Console(highlight=False), result)
    else:
        click.echo(render(result, fmt), nl=False)


@click.command()
@_essay_against(
    IndexLocation(exists=True), "An index from `simcheck index build` (a file or a postgresql:// URL)."
)
@click.option("-k", "count", type=click.IntRange(1, 1000), default=10, show_default=True, help="How many.")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def related(essay: str, corpus: Path | str, count: int, fmt: str) -> None:
    """The documents of an index closest in topic to ESSAY (TF-IDF cosine).

    Each comes with its title, an opening excerpt and its length in words.

    \b
    Example:
      simcheck related essay.docx --corpus archive.simcheck -k 10
    """
    from ..index import Index  # numpy and SQLite: only when a command runs
    from ..tokens import Tokens

    with running():
        document = read_essay(essay)
        with Index(corpus) as opened:
            own = opened.own_copy(document)
            found = opened.related(
                Tokens(document.text, opened.config.language), count, exclude=[own] if own is not None else []
            )
    if fmt == "json":
        rows = [
            {
                "path": r.doc_id,
                "title": r.title,
                "excerpt": r.excerpt,
                "words": r.words,
                "tfidf_cosine": round(r.tfidf_cosine, 4),
            }
            for r in found
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    console = Console(highlight=False)
    for number, item in enumerate(found, 1):
        console.print(
            Text.assemble(
                (f"{number}. {item.title}", "bold"), f"  ({item.words} words, cosine {item.tfidf_cosine:.2f})"
            )
        )
        console.print(Text(f"   {item.doc_id}", style="dim"))
        console.print(Text(f"   {item.excerpt}"))
