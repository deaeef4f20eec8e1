"""What the commands share: options made from the settings, reading an essay, opening a
corpus, progress, one-line errors, and the exit code for ``--fail-above``."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console

from ..config import CheckConfig, help_of
from ..errors import InputError, SimcheckError
from ..load import FILE_REASON, MAX_FILE_BYTES, decode_bytes, load_document, load_text, own_file
from ..models import Document, Match, reported, shown
from ..parallel import available_cores
from ..review import SetAside, read_allow_list

if TYPE_CHECKING:
    from ..index import Index

EXIT_FAIL_ABOVE = 3

F = TypeVar("F", bound=Callable[..., Any])


def config_options(*, batch: bool = False) -> Callable[[F], F]:
    """One ``--option`` per :class:`CheckConfig` field, same name with dashes; the
    settings only a class uses (``CheckConfig.BATCH_SETTINGS``) only with ``batch``."""

    def decorate(func: F) -> F:
        for field in reversed(dataclasses.fields(CheckConfig)):
            if field.name in CheckConfig.BATCH_SETTINGS and not batch:
                continue
            kind = {"int": int, "int | None": int, "float": float, "str": str}[str(field.type)]
            # A percentage is written 20 or 20%, as --fail-above's is.
            percent = bool(field.metadata["percent"])
            func = click.option(
                f"--{field.name.replace('_', '-')}",
                field.name,
                type=str if percent else kind,
                callback=_percent if percent else None,
                metavar="PERCENT" if percent else None,
                default=None,
                show_default=field.metadata["shown"],
                help=help_of(field.name),
            )(func)
        return func

    return decorate


def given(options: dict[str, Any]) -> dict[str, Any]:
    """The settings the user set on the command line."""
    return {name: value for name, value in options.items() if value is not None}


def config_from(options: dict[str, Any]) -> CheckConfig:
    try:
        return CheckConfig(**given(options))
    except SimcheckError as exc:
        raise click.BadParameter(str(exc)) from None


if TYPE_CHECKING:
    # Generic in click's stubs since 8.2; subscripted for mypy alone, as older clicks are not.
    LocationType = click.ParamType[Path | str, Any]
else:
    LocationType = click.ParamType


class IndexLocation(LocationType):
    """An index file, or a PostgreSQL archive's URL (``postgresql://...``), kept whole.

    Any other ``scheme://`` is refused with the URL's password masked, since click would
    repeat the value in its error."""

    name = "index"

    def __init__(self, *, exists: bool, dir_okay: bool = False) -> None:
        self.path = click.Path(exists=exists, dir_okay=dir_okay, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path | str:
        if isinstance(value, str) and "://" in value:
            from ..index import is_archive_url, masked_url  # numpy and SQLite: only when a command runs

            if is_archive_url(value):
                return value
            self.fail(f"{masked_url(value)}: only a postgresql:// URL names an archive", param, ctx)
        converted: Path = self.path.convert(value, param, ctx)
        return converted


def open_corpus(corpus: Path | str, options: dict[str, Any]) -> Index | str:
    """A folder as it is; an index opened with its own settings, except those the user
    set explicitly (which must then match it). The caller closes the index."""
    from ..index import Index, names_an_index  # numpy and SQLite: only when a command runs

    if names_an_index(corpus):
        changes = given(options)
        with Index(corpus) as first:
            stored = first.config
        return Index(corpus, stored.replace(**changes) if changes else None)
    return str(corpus)


def read_essay(essay: str, max_bytes: int = MAX_FILE_BYTES) -> Document:
    """The ESSAY argument: a file, or standard input for ``-``.

    Standard input is read as bytes and decoded like a file, so text that is not UTF-8
    never reaches a report as undecodable characters.
    """
    if essay != "-":
        if own_file(essay):
            raise InputError(essay, f"{FILE_REASON}; check the essay itself")
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


def max_bytes_option(what: str) -> Callable[[F], F]:
    return click.option(
        "--max-bytes",
        type=click.IntRange(1),
        default=MAX_FILE_BYTES,
        show_default=True,
        help=f"Largest {what} read, in bytes; also the most characters of text taken from one file. "
        "A .docx or .odt may be ten times larger: only its text counts, not its pictures.",
    )


jobs_option = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=available_cores,
    show_default="the processors simcheck may use",
    help="Worker processes; the reports are the same whatever their number.",
)

template_option = click.option(
    "--template",
    "-t",
    "templates",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The assignment prompt or other given text (repeatable): not counted where repeated.",
)


class_list_option = click.option(
    "--class-list",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A CSV of student ID and name (or a gradebook export with ID and name columns): "
    "students are named by it in every report.",
)


def set_aside_options(func: F) -> F:
    """``--exclude-source`` (repeatable) and ``--allow-list FILE``."""
    func = click.option(
        "--allow-list",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="A file of sources and pairs already reviewed, one a line: a source, or two names "
        "comma-separated (a pair). Their passages are listed, not counted.",
    )(func)
    return click.option(
        "--exclude-source",
        "exclude_sources",
        multiple=True,
        metavar="NAME",
        help="A corpus document or a classmate already reviewed (repeatable): its passages are "
        "listed, not counted.",
    )(func)


def set_aside_from(exclude_sources: tuple[str, ...], allow_list: Path | None) -> SetAside:
    """What ``--exclude-source`` and ``--allow-list`` set aside."""
    allowed = read_allow_list(allow_list) if allow_list is not None else ()
    return SetAside(sources=tuple(exclude_sources), allowed=allowed)


def echo_listed(heading: str, lines: list[str]) -> None:
    """A heading and each of ``lines`` indented below it, when there are any: the files
    a class command could not read, could not check or passed over."""
    if lines:
        click.echo(heading)
        for line in lines:
            click.echo(f"  {line}")


def unreadable_heading(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'} could not be read:"


def passed_over_heading(count: int) -> str:
    return f"Not read, being simcheck's own output ({count}):"


def warn_unused(set_aside: SetAside, matches: tuple[Match, ...], students: dict[str, str]) -> None:
    """Name on stderr each entry that set no passage aside (a misspelt name, most often)."""
    for entry in set_aside.unused(matches, students):
        click.echo(f"simcheck: {entry} set aside no passage; is the name right?", err=True)


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


def fail_above_option(when: str) -> Callable[[F], F]:
    return click.option(
        "--fail-above",
        callback=_percent,
        metavar="PERCENT",
        help=f"Exit with code 3 when {when} (20 or 20%), naming it on stderr.",
    )


def exit_if_above(limit: float | None, similarities: dict[str, float]) -> None:
    """Exit 3, saying on stderr which submissions exceed ``limit`` (largest first)."""
    if limit is None:
        return
    # Compared as reported, so a submission shown at the limit is never said to exceed it.
    over = sorted(
        ((value, name) for name, value in similarities.items() if reported(value) > limit),
        key=lambda v: (-v[0], v[1]),
    )
    if not over:
        return
    listed = ", ".join(f"{name} {shown(value)}" for value, name in over[:5])
    more = f" and {len(over) - 5} more" if len(over) > 5 else ""
    noun = "submission" if len(over) == 1 else "submissions"
    click.echo(f"simcheck: {len(over)} {noun} above {limit:g}%: {listed}{more}", err=True)
    sys.exit(EXIT_FAIL_ABOVE)


@contextmanager
def running(label: str | None = None) -> Iterator[Callable[[int, int], None] | None]:
    """Library errors turned into one-line ``Error: ...`` exits, and, with a label, a
    progress callback drawing a bar on stderr when it is a terminal (else None)."""
    # rich's progress bar: imported by the commands that run, not by --help
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
