"""``simcheck batch``: a whole class, each submission against the others and a corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.console import Console

from ..load import load_document
from ..students import submission_label
from .common import (
    config_from,
    config_options,
    exit_if_above,
    fail_above_option,
    jobs_option,
    max_bytes_option,
    open_corpus,
    running,
    template_option,
)


@click.command()
@click.argument("submissions", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--corpus",
    "-c",
    type=click.Path(exists=True, path_type=Path),
    help="Known sources as well: a folder of essays or an index file.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Folder for report.html, report.json, documents.csv, pairs.csv, matches.csv and common.csv.",
)
@click.option(
    "--show",
    type=click.IntRange(min=0),
    default=30,
    show_default=True,
    help="Submissions listed in the terminal, highest similarity first, besides any that could "
    "not be read (0: all). Every submission is in documents.csv and report.html.",
)
@fail_above_option("any submission's similarity exceeds PERCENT")
@template_option
@jobs_option
@max_bytes_option("submission or template file")
@config_options(batch=True)
def batch(
    submissions: Path,
    corpus: Path | None,
    output: Path,
    show: int,
    fail_above: float | None,
    templates: tuple[Path, ...],
    jobs: int,
    max_bytes: int,
    **options: Any,
) -> None:
    """Compare a whole class: every submission with every other student's and with a corpus.

    SUBMISSIONS is a folder or a zip as learning platforms export them. A student's
    files (Moodle and Canvas file names, or a folder per student) are never compared
    with each other; students sharing passages are grouped.

    \b
    Example:
      simcheck batch class-export.zip --corpus corpora/coldwar --output reports/essay3
    """
    # numpy, scipy, scikit-learn, pandas and jinja2: only when a class is compared
    from ..batch import compare_batch
    from ..report.files import write_reports
    from ..report.table import class_table

    config = config_from(options)
    with running("comparing") as advance:
        store = open_corpus(corpus, options) if corpus is not None else None
        result = compare_batch(
            submissions,
            store,
            # An index brings its own settings, with the user's on top: open_corpus made them.
            config=config if store is None or isinstance(store, str) else None,
            templates=[load_document(t, max_bytes=max_bytes) for t in templates],
            jobs=jobs,
            max_bytes=max_bytes,
            progress=advance,
            # Reports written into the class folder are never read back as a student.
            skip=[output],
        )
    with running():
        try:
            written = write_reports(result, output)
        except OSError as exc:
            raise click.ClickException(f"{output}: cannot write the reports ({exc.strerror})") from None
    console = Console(highlight=False)
    shown = class_table(result, show, console.width)
    console.print(shown.table)
    if shown.hidden:
        click.echo(f"... and {shown.hidden} more submissions (all in documents.csv, report.html)")
    if shown.unreadable:
        click.echo(
            f"{len(shown.unreadable)} file{'' if len(shown.unreadable) == 1 else 's'} could not be read:"
        )
        for line in shown.unreadable:
            click.echo(f"  {line}")
    if result.passed_over:
        click.echo(f"Not read, being simcheck's own output ({len(result.passed_over)}):")
        for note in result.passed_over:
            click.echo(f"  {note}")
    click.echo(f"Wrote {', '.join(str(path) for path in written)}", err=True)
    exit_if_above(
        fail_above,
        {submission_label(result.students[d.path], d.path): d.similarity for d in result.result.documents},
    )
