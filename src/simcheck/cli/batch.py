"""``simcheck batch``: a whole class, each submission against the others and a corpus."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

from ..load import load_document
from ..models import Excluded, Match
from ..review import SetAside, read_class_list
from ..students import submission_label
from .common import (
    IndexLocation,
    class_list_option,
    config_from,
    config_options,
    echo_listed,
    exit_if_above,
    fail_above_option,
    jobs_option,
    max_bytes_option,
    open_corpus,
    passed_over_heading,
    running,
    set_aside_from,
    set_aside_options,
    template_option,
    unreadable_heading,
    warn_unused,
)

if TYPE_CHECKING:  # pandas, under the class's tables: only once a class is compared
    from ..batch_result import BatchResult


@click.command()
@click.argument("submissions", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--corpus",
    "-c",
    type=IndexLocation(exists=True, dir_okay=True),
    help="Known sources as well: a folder of essays, or an index (a file or a postgresql:// URL).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Folder for report.html, report.json, documents.csv, students.csv, pairs.csv, matches.csv "
    "and common.csv.",
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
@set_aside_options
@class_list_option
@jobs_option
@max_bytes_option("submission or template file")
@config_options(batch=True)
def batch(
    submissions: Path,
    corpus: Path | str | None,
    output: Path,
    show: int,
    fail_above: float | None,
    templates: tuple[Path, ...],
    exclude_sources: tuple[str, ...],
    allow_list: Path | None,
    class_list: Path | None,
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

    config = config_from(options)
    with running("comparing") as advance:
        set_aside = set_aside_from(exclude_sources, allow_list)
        names = read_class_list(class_list) if class_list is not None else None
        store = open_corpus(corpus, options) if corpus is not None else None
        try:
            result = compare_batch(
                submissions,
                store,
                # An index brings its own settings, with the user's on top: open_corpus made them.
                config=config if store is None or isinstance(store, str) else None,
                templates=[load_document(t, max_bytes=max_bytes) for t in templates],
                set_aside=set_aside,
                class_list=names,
                jobs=jobs,
                max_bytes=max_bytes,
                progress=advance,
                # Reports written into the class folder are never read back as a student.
                skip=[output],
            )
        finally:
            if store is not None and not isinstance(store, str):
                store.close()
    with running():
        try:
            written = write_reports(result, output)
        except OSError as exc:
            raise click.ClickException(f"{output}: cannot write the reports ({exc.strerror})") from None
    _print_outcome(result, show, written, set_aside)
    exit_if_above(
        fail_above,
        {submission_label(result.students[d.path], d.path): d.similarity for d in result.result.documents},
    )


def _print_outcome(result: BatchResult, show: int, written: list[Path], set_aside: SetAside) -> None:
    """The class table and what it leaves to lines of their own; exits 1 when some
    submissions could not be checked (the reports are written, but incomplete)."""
    from ..report.table import class_table  # rich tables: only once a class is compared

    console = Console(highlight=False)
    shown = class_table(result, show, console.width)
    console.print(shown.table)
    if shown.hidden:
        click.echo(f"... and {shown.hidden} more submissions (all in documents.csv, report.html)")
    echo_listed(unreadable_heading(len(shown.unreadable)), shown.unreadable)
    echo_listed(
        f"{len(shown.unchecked)} read but not checked (the corpus failed during the run):", shown.unchecked
    )
    echo_listed(passed_over_heading(len(result.passed_over)), [str(note) for note in result.passed_over])
    _report_set_aside(result.result.matches)
    warn_unused(set_aside, result.result.matches, result.students)
    click.echo(f"Wrote {', '.join(str(path) for path in written)}", err=True)
    if shown.unchecked:
        # The reports are written, but incomplete: a script must not take them as whole.
        reason = shown.unchecked[0].split(": not checked: ", 1)[-1]
        raise click.ClickException(
            f"{len(shown.unchecked)} of {len(result.file_rows())} submissions were not checked: {reason}"
        )


def _report_set_aside(matches: tuple[Match, ...]) -> None:
    """How many passages the teacher's lists set aside, by reason: listed, not counted."""
    reasons = (Excluded.ALLOW_LISTED, Excluded.EXCLUDED_SOURCE)
    counts = {reason: sum(1 for m in matches if m.excluded == reason) for reason in reasons}
    total = sum(counts.values())
    if total:
        each = ", ".join(f"{reason} {count}" for reason, count in counts.items() if count)
        noun = "passage" if total == 1 else "passages"
        click.echo(
            f"{total} {noun} set aside, listed but not counted ({each}): in matches.csv and report.html"
        )
