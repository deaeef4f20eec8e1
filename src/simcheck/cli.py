"""The ``simcheck`` command: a thin click layer over the library.

Exit codes: 0 done, 1 error (``Error: ...`` on one line), 2 usage error, 3 when
``--fail-above`` is exceeded.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

from . import __version__
from .config import CheckConfig
from .errors import InputError, SimcheckError
from .load import MAX_FILE_BYTES, decode_bytes, load_document, load_text
from .models import CheckResult, Document
from .pipeline import check as run_check
from .report import FORMATS, render
from .report.text import render_to

EXIT_FAIL_ABOVE = 3

F = TypeVar("F", bound=Callable[..., Any])

_CONFIG_HELP = {
    "shingle_size": "Words per shingle in fingerprints and MinHash.",
    "winnow_window": "Winnowing window (fingerprint density).",
    "seed_size": "Words per n-gram seed in alignment.",
    "max_gap": "Words between two pieces of evidence still merged into one passage.",
    "min_words": "Shortest passage reported, in words.",
    "sentence_cosine": "Sentence TF-IDF cosine that seeds a paraphrase.",
    "sentence_dice": "Sentence stem Dice also required of a paraphrase seed.",
    "num_perm": "MinHash permutations.",
    "lsh_bands": "LSH bands of the MinHash signature in an index.",
    "seed": "MinHash seed.",
    "max_candidates": "Corpus documents aligned, by shared fingerprints.",
    "tfidf_neighbours": "Nearest documents by TF-IDF cosine also aligned.",
    "min_tfidf_cosine": "Lowest TF-IDF cosine of a neighbour that is aligned.",
    "max_fingerprint_df": "Share of corpus documents above which a fingerprint is ignored.",
    "common_threshold": "Passages in more submissions than this are common text.",
    "language": "Stemmer language.",
}


#: Settings that only a whole class uses: offered by ``batch`` alone.
BATCH_ONLY = frozenset({"common_threshold"})


def config_options(func: F) -> F:
    """Add one ``--option`` per :class:`CheckConfig` field, same name with dashes,
    except the settings in :data:`BATCH_ONLY`."""
    return _config_options(func, exclude=BATCH_ONLY)


def batch_config_options(func: F) -> F:
    """Add one ``--option`` per :class:`CheckConfig` field, batch-only settings included."""
    return _config_options(func, exclude=frozenset())


def _config_options(func: F, *, exclude: frozenset[str]) -> F:
    for field in reversed(dataclasses.fields(CheckConfig)):
        if field.name in exclude:
            continue
        kind = {"int": int, "float": float, "str": str}[str(field.type)]
        func = click.option(
            f"--{field.name.replace('_', '-')}",
            field.name,
            type=kind,
            default=None,
            show_default=str(field.default),
            help=_CONFIG_HELP[field.name],
        )(func)
    return func


def _submission(essay: str, max_bytes: int = MAX_FILE_BYTES) -> Document:
    """The ESSAY argument: a file, or standard input for ``-``.

    Standard input is read as bytes and decoded like a file, so text that is not UTF-8
    never reaches a report as undecodable characters.
    """
    if essay != "-":
        try:
            return load_document(essay, max_bytes=max_bytes)
        except InputError as exc:
            if os.path.isdir(essay):
                raise InputError(
                    exc.path, f"{exc.reason}; to check a whole class, use simcheck batch"
                ) from None
            raise
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError("<stdin>", f"is over the --max-bytes limit of {max_bytes:,}; raise the limit")
    return load_text(decode_bytes(data, "<stdin>")[0], "<stdin>")


def _open_corpus(corpus: Path, options: dict[str, Any]) -> Any:
    """A folder as it is; an index opened with its own settings, except those the user
    set explicitly (which must then match it)."""
    from .index import Index, is_index_file

    if corpus.is_file() and is_index_file(corpus):
        given = {name: value for name, value in options.items() if value is not None}
        stored = Index(corpus).config
        return Index(corpus, stored.replace(**given) if given else None)
    return str(corpus)


def _config_from(options: dict[str, Any]) -> CheckConfig:
    changes = {name: value for name, value in options.items() if value is not None}
    try:
        return CheckConfig(**changes)
    except SimcheckError as exc:
        raise click.BadParameter(str(exc)) from None


def _max_bytes_option(what: str) -> Callable[[F], F]:
    return click.option(
        "--max-bytes",
        type=click.IntRange(1),
        default=MAX_FILE_BYTES,
        show_default=True,
        help=f"Largest {what} read, in bytes; also the most characters of text taken from one file.",
    )


_jobs_option = click.option(
    "--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes."
)

_template_option = click.option(
    "--template",
    "-t",
    "templates",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The assignment prompt or other given text (repeatable): not counted where repeated.",
)


def _percent(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    """A percentage from 0 to 100, written ``20`` or ``20%``."""
    if value is None:
        return None
    try:
        number = float(value.strip().removesuffix("%"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a percentage such as 20 or 20%") from None
    if not 0 <= number <= 100:
        raise click.BadParameter(f"{value} is not between 0 and 100")
    return number


def _fail_above_option(when: str) -> Callable[[F], F]:
    return click.option(
        "--fail-above",
        callback=_percent,
        metavar="PERCENT",
        help=f"Exit with code 3 when {when} (20 or 20%), naming it on stderr.",
    )


def _fail_above(fail_above: float | None, similarities: dict[str, float]) -> None:
    """Exit 3, saying on stderr which submissions exceed ``fail_above`` (largest first)."""
    if fail_above is None:
        return
    over = sorted(
        ((value, name) for name, value in similarities.items() if value > fail_above),
        key=lambda v: (-v[0], v[1]),
    )
    if not over:
        return
    listed = ", ".join(f"{name} {round(value, 2):.1f}%" for value, name in over[:5])
    more = f" and {len(over) - 5} more" if len(over) > 5 else ""
    noun = "submission" if len(over) == 1 else "submissions"
    click.echo(f"simcheck: {len(over)} {noun} above {fail_above:g}%: {listed}{more}", err=True)
    sys.exit(EXIT_FAIL_ABOVE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="simcheck")
def main() -> None:
    """simcheck: find copied and rewritten passages in essays, offline.

    It flags likely copying for a person to judge; it does not prove it.
    """


@main.command()
@click.argument("essay", metavar="ESSAY")
@click.option(
    "--corpus",
    "-c",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder of known essays (read recursively), or an index file from `simcheck index build`.",
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
@_fail_above_option("the similarity exceeds PERCENT")
@_template_option
@_max_bytes_option("essay or template file")
@config_options
def check(
    essay: str,
    corpus: Path,
    fmt: str | None,
    output: Path | None,
    fail_above: float | None,
    templates: tuple[Path, ...],
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
    config = _config_from(options)
    fmt = fmt or format_for(output)
    with _running():
        submission = _submission(essay, max_bytes)
        given = [load_document(t, max_bytes=max_bytes) for t in templates]
        result = run_check(submission, _open_corpus(corpus, options), config=config, templates=given)
        _emit(result, fmt, output)
    _fail_above(fail_above, {d.path: d.similarity for d in result.documents})


@main.command()
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
@_fail_above_option("any submission's similarity exceeds PERCENT")
@_template_option
@_jobs_option
@_max_bytes_option("submission or template file")
@batch_config_options
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
    from rich.table import Table
    from rich.text import Text

    from .batch import compare_batch, short_name, status_parts

    config = _config_from(options)
    with _running("comparing") as advance:
        result = compare_batch(
            submissions,
            _open_corpus(corpus, options) if corpus is not None else None,
            config=config,
            templates=[load_document(t, max_bytes=max_bytes) for t in templates],
            jobs=jobs,
            max_bytes=max_bytes,
            progress=advance,
        )
    with _running():
        try:
            written = result.write(output)
        except OSError as exc:
            raise click.ClickException(f"{output}: cannot write the reports ({exc.strerror})") from None
    frame = result.documents_frame()
    # At 80 columns every cell stays short: the student has a column of their own, the
    # file loses the prefix platforms add, a long top source is cut short (its full name
    # is in documents.csv and report.html), and an unreadable file's reason is printed on
    # a line of its own below the table rather than wrapped into a column.
    table = Table(show_edge=False, pad_edge=False, collapse_padding=True)
    for column in ("student", "file", "words", "similarity", "top source", "group", "status"):
        table.add_column(
            column,
            overflow="ellipsis" if column == "top source" else "fold",
            max_width=16 if column == "top source" else None,
            no_wrap=column in ("words", "similarity", "group", "status"),
            justify="right" if column in ("words", "similarity", "group") else "left",
        )
    ordered = frame.sort_values(["similarity", "files"], ascending=[False, True]).reset_index(drop=True)
    listed = ordered
    unread = ~ordered["status"].isin(["flagged", "clean"])
    if show:
        # A class of hundreds: the top of the ranking, and every file that needs attention.
        listed = ordered[(ordered.index < show) | unread]
    reasons = []
    for row in listed.to_dict("records"):
        # A classmate is named by student; the file names platforms give are long.
        top = str(row["top_source"])
        state, reason = status_parts(str(row["status"]))
        if reason:
            reasons.append(f"{row['files']}: {reason}")
        table.add_row(
            Text(str(row["student"])),  # names are data, never markup
            Text(short_name(str(row["files"]))),
            str(row["words"]),
            f"{float(row['similarity']):.1f}%",
            Text(result.students.get(top, top)),
            str(row["group"] or ""),
            Text(state),
        )
    Console(highlight=False).print(table)
    if len(listed) < len(ordered):
        more = len(ordered) - len(listed)
        click.echo(f"... and {more} more submissions (all in documents.csv, report.html)")
    if reasons:
        click.echo(f"{len(reasons)} file{'' if len(reasons) == 1 else 's'} could not be read:")
        for line in reasons:
            click.echo(f"  {line}")
    click.echo(f"Wrote {', '.join(str(path) for path in written)}", err=True)
    _fail_above(
        fail_above,
        {_who(result.students[d.path], d.path): d.similarity for d in result.result.documents},
    )


@main.group()
def index() -> None:
    """Build and maintain a saved corpus index (one SQLite file).

    \b
    Example:
      simcheck index build archive.simcheck corpora/coldwar past-years/
      simcheck check essay.docx --corpus archive.simcheck
    """


def _report_add(result: Any) -> None:
    click.echo(
        f"added {len(result.added)}, replaced {len(result.replaced)}, "
        f"unchanged {len(result.unchanged)}, unreadable {len(result.errors)}"
    )
    for error in result.errors:
        click.echo(f"skipped {error}", err=True)


@index.command("build")
@click.argument("index_file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@_jobs_option
@_max_bytes_option("file indexed")
@config_options
def index_build(
    index_file: Path, sources: tuple[Path, ...], jobs: int, max_bytes: int, **options: Any
) -> None:
    """Create INDEX_FILE from the files and folders SOURCES.

    The index is written beside INDEX_FILE and moved into place when complete.
    """
    from .index import Index

    config = _config_from(options)
    with _running("indexing") as advance:
        built, result = Index.build(
            index_file, sources, config, jobs=jobs, max_bytes=max_bytes, progress=advance
        )
        built.close()
    _report_add(result)


@index.command("add")
@click.argument("index_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@_jobs_option
@_max_bytes_option("file indexed")
def index_add(index_file: Path, sources: tuple[Path, ...], jobs: int, max_bytes: int) -> None:
    """Add files and folders to INDEX_FILE in one transaction.

    Files whose text is already indexed are skipped; a changed file replaces its old
    version.
    """
    from .index import Index

    with _running("indexing") as advance, Index(index_file) as opened:
        result = opened.add(sources, jobs=jobs, max_bytes=max_bytes, progress=advance)
    _report_add(result)


@index.command("remove")
@click.argument("index_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("documents", nargs=-1, required=True)
def index_remove(index_file: Path, documents: tuple[str, ...]) -> None:
    """Remove DOCUMENTS (paths as listed by `index info --list`, or ids) in one transaction."""
    from .index import Index

    with _running(), Index(index_file) as opened:
        removed = opened.remove(documents)
    click.echo(f"removed {len(removed)}")


@index.command("info")
@click.argument("index_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--list", "list_documents", is_flag=True, help="Also list every document's path.")
def index_info(index_file: Path, list_documents: bool) -> None:
    """Documents, size and settings of INDEX_FILE."""
    from .index import Index

    with _running(), Index(index_file) as opened:
        info = opened.info()
        paths = opened.doc_ids() if list_documents else []
    for key in (
        "path",
        "documents",
        "words",
        "fingerprints",
        "terms",
        "bytes",
        "bytes_per_document",
        "format",
        "simcheck_version",
    ):
        click.echo(f"{key}: {info[key]}")
    click.echo("settings: " + ", ".join(f"{k}={v}" for k, v in info["settings"].items()))
    for path in paths:
        click.echo(path)


@index.command("verify")
@click.argument("index_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def index_verify(index_file: Path) -> None:
    """Check INDEX_FILE: SQLite integrity, and each document's text against its
    checksum and fingerprints. Exits 1 when a problem is found."""
    from .index import Index

    with _running(), Index(index_file) as opened:
        problems = opened.verify()
        count = len(opened)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{index_file}: {len(problems)} problem(s) found; rebuild the index")
    click.echo(f"ok: {count} documents verified")


@main.command()
@click.argument("essay", metavar="ESSAY")
@click.option(
    "--corpus",
    "-c",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An index file from `simcheck index build`.",
)
@click.option("-k", "count", type=click.IntRange(1, 1000), default=10, show_default=True, help="How many.")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def related(essay: str, corpus: Path, count: int, fmt: str) -> None:
    """The documents of an index closest in topic to ESSAY (TF-IDF cosine).

    Each comes with its title, an opening excerpt and its length in words.

    \b
    Example:
      simcheck related essay.docx --corpus archive.simcheck -k 10
    """
    import json as json_module

    from .index import Index
    from .pipeline import as_document
    from .tokens import Tokens

    with _running():
        document = as_document(_submission(essay))
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
        click.echo(json_module.dumps(rows, indent=2, ensure_ascii=False))
        return
    console = Console(highlight=False)
    from rich.text import Text

    for number, item in enumerate(found, 1):
        console.print(
            Text.assemble(
                (f"{number}. {item.title}", "bold"), f"  ({item.words} words, cosine {item.tfidf_cosine:.2f})"
            )
        )
        console.print(Text(f"   {item.doc_id}", style="dim"))
        console.print(Text(f"   {item.excerpt}"))


@main.group(name="eval")
def eval_group() -> None:
    """Measure accuracy on published evaluation corpora."""


@contextmanager
def _running(label: str | None = None) -> Iterator[Callable[[int, int], None] | None]:
    """Library errors turned into one-line ``Error: ...`` exits, and, with a label, a
    progress callback drawing a bar on stderr when it is a terminal (else None)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    console = Console(stderr=True)
    bar = None
    advance = None
    if label is not None and console.is_terminal:
        bar = Progress(
            f"[bold]{label}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console
        )
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        bar.start()
    try:
        yield advance
    except SimcheckError as exc:
        raise click.ClickException(str(exc)) from None
    except (click.ClickException, click.exceptions.Abort, click.exceptions.Exit):
        raise  # click's own ways out, already one line
    except MemoryError:
        raise click.ClickException("out of memory; check fewer or smaller files at once") from None
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(
            f"the index is damaged or unreadable ({exc}); run `simcheck index verify` or rebuild it"
        ) from None
    except Exception as exc:
        # A bug or an unforeseen input: one line, not a traceback, unless asked for.
        if os.environ.get("SIMCHECK_DEBUG"):
            raise
        raise click.ClickException(
            f"unexpected {type(exc).__name__}: {exc}; rerun with SIMCHECK_DEBUG=1 and report it"
        ) from None
    finally:
        if bar is not None:
            bar.stop()


@eval_group.command("pan")
@click.argument("corpus_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write one detection XML per pair here (a subfolder per case type) and scores.csv.",
)
@_jobs_option
@click.option(
    "--sample",
    type=click.IntRange(1),
    help="Only the first N pairs of each case-type folder (a quick check).",
)
@config_options
def eval_pan(corpus_dir: Path, output: Path | None, jobs: int, sample: int | None, **options: Any) -> None:
    """Align every pair of a PAN text-alignment corpus and print plagdet.

    CORPUS_DIR holds susp/, src/ and one folder per case type with a pairs file and
    one gold XML per pair. Prints precision, recall, granularity and plagdet per case
    type and overall (Potthast et al. 2010). PAN's cases are 40 words and longer, so
    its published figures compare with --min-words 25.

    \b
    Example:
      simcheck eval pan ../shared/data/pan13-text-alignment-training --jobs 2 --min-words 25
    """
    from .evaluate import evaluate_pan

    config = _config_from(options)
    with _running("aligning pairs") as advance:
        report = evaluate_pan(
            corpus_dir, config, jobs=jobs, output=output, limit_per_folder=sample, progress=advance
        )
    frame = report.to_frame()
    if output is not None:
        frame.to_csv(output / "scores.csv", index=False, lineterminator="\n")
    click.echo(frame.to_string(index=False))
    click.echo(f"{sum(report.pairs.values())} pairs in {report.seconds:.1f} s with {jobs} job(s)")


@eval_group.command("clough")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@config_options
def eval_clough(folder: Path, **options: Any) -> None:
    """Plagiarised vs independent answers of Clough & Stevenson (2011).

    FOLDER holds file_list.csv, the 95 answers and the five orig_task?.txt sources.
    Prints accuracy, precision, recall and F1 of one threshold on the similarity %,
    chosen leaving each task out in turn, and the Spearman correlation of similarity,
    and of the identical share, with the level of copying (non < heavy < light < cut).

    \b
    Example:
      simcheck eval clough ../shared/data/clough-stevenson
    """
    from .evaluate import evaluate_clough

    with _running():
        report = evaluate_clough(folder, _config_from(options))
    identical = report.means("identical")
    for level, mean in report.means().items():
        click.echo(f"mean similarity {level:6s} {mean:5.1f}%  identical {identical[level]:5.1f}%")
    held = report.cross_validated
    click.echo(
        f"threshold chosen leaving each task out: accuracy {held.accuracy:.3f}  "
        f"precision {held.precision:.3f}  recall {held.recall:.3f}  F1 {held.f1:.3f}"
    )
    fitted = report.fitted
    click.echo(
        f"threshold fitted on all answers ({fitted.threshold:.1f}%): accuracy {fitted.accuracy:.3f}  "
        f"precision {fitted.precision:.3f}  recall {fitted.recall:.3f}  F1 {fitted.f1:.3f}"
    )
    click.echo(f"Spearman rho, similarity vs level: {report.spearman:.3f}")
    click.echo(f"Spearman rho, identical share vs level: {report.spearman_identical:.3f}")


def _who(student: str, path: str) -> str:
    """A submission named for a person: its student and its short file name."""
    from .batch import short_name

    name = short_name(path)
    return f"{student} ({name})" if student and student != name else name


_EXTENSIONS = {".json": "json", ".csv": "csv", ".html": "html", ".htm": "html"}


def format_for(output: Path | None) -> str:
    """The report format an output file's extension asks for; text for any other.

    >>> format_for(Path("out.JSON")), format_for(Path("r.htm")), format_for(Path("r.txt")), format_for(None)
    ('json', 'html', 'text', 'text')
    """
    return _EXTENSIONS.get(output.suffix.lower(), "text") if output is not None else "text"


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


if __name__ == "__main__":  # pragma: no cover
    main()
