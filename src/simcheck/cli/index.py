"""``simcheck index``: build and maintain a saved corpus (one SQLite file, or a PostgreSQL
archive named by its URL)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .common import IndexLocation, config_from, config_options, jobs_option, max_bytes_option, running

if TYPE_CHECKING:
    from ..index import AddResult
    from ..models import ProgressCallback


@click.group()
def index() -> None:
    """Build and maintain a saved corpus index: one SQLite file, or a shared PostgreSQL
    archive given as a URL, postgresql://user:password@host:port/dbname (?schema=NAME for
    a schema other than simcheck; without a password, PGPASSWORD or ~/.pgpass).

    \b
    Example:
      simcheck index build archive.simcheck corpora/coldwar past-years/
      simcheck check essay.docx --corpus archive.simcheck
      simcheck index add postgresql://teacher@db.school/essays spring-2027/
    """


def _indexing(work: Callable[[ProgressCallback | None], AddResult]) -> None:
    """Run an add or a build and list what it did; exit 1 when it read nothing, after
    listing why."""
    from ..index import NothingIndexed  # numpy and SQLite: only when a command runs

    failed = None
    with running("indexing") as advance:
        try:
            result = work(advance)
        except NothingIndexed as exc:
            result, failed = exc.result, exc
    _report_add(result)
    if failed is not None:
        raise click.ClickException(str(failed))


def _report_add(result: AddResult) -> None:
    passed = f", passed over {len(result.passed_over)}" if result.passed_over else ""
    click.echo(
        f"added {len(result.added)}, replaced {len(result.replaced)}, "
        f"unchanged {len(result.unchanged)}, unreadable {len(result.errors)}{passed}"
    )
    for name, stored in result.same_text:
        click.echo(
            f"{name}: same text as {stored} already in the index; not stored under this name", err=True
        )
    for error in result.errors:
        click.echo(f"skipped {error}", err=True)
    for note in result.passed_over:
        click.echo(f"passed over {note}", err=True)


@index.command("build")
@click.argument("index_file", type=IndexLocation(exists=False))
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@jobs_option
@max_bytes_option("file indexed")
@config_options()
def index_build(
    index_file: Path | str, sources: tuple[Path, ...], jobs: int, max_bytes: int, **options: Any
) -> None:
    """Create INDEX_FILE (a file, or a postgresql:// URL) from the files, folders and
    zips SOURCES.

    The index is written beside INDEX_FILE and moved into place when complete; a
    PostgreSQL archive is made in one transaction, in a schema of its own. Each
    document is named by its path below the folder it was found in, with that folder's
    own name in front (coldwar/the-berlin-wall.txt); a zip's files below the zip
    (exports/class.zip/Ada/essay.txt). Reports simcheck wrote are not stored. Exits 1,
    making no index, when no file can be read.
    """
    from ..index import Index  # numpy and SQLite: only when a command runs

    config = config_from(options)

    def build(advance: ProgressCallback | None) -> AddResult:
        built, result = Index.build(
            index_file, sources, config, jobs=jobs, max_bytes=max_bytes, progress=advance
        )
        built.close()
        return result

    _indexing(build)


@index.command("add")
@click.argument("index_file", type=IndexLocation(exists=True))
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@jobs_option
@max_bytes_option("file indexed")
def index_add(index_file: Path | str, sources: tuple[Path, ...], jobs: int, max_bytes: int) -> None:
    """Add files, folders and zips (a class's export, as batch reads it) to INDEX_FILE
    in one transaction.

    Files whose text is already indexed are skipped (one indexed under another name is
    named with it); a changed file replaces its old version. Reports simcheck wrote are
    not stored. Exits 1 when no file can be read.
    """
    from ..index import Index  # numpy and SQLite: only when a command runs

    def add(advance: ProgressCallback | None) -> AddResult:
        with Index(index_file) as opened:
            return opened.add(sources, jobs=jobs, max_bytes=max_bytes, progress=advance)

    _indexing(add)


@index.command("remove")
@click.argument("index_file", type=IndexLocation(exists=True))
@click.argument("documents", nargs=-1, required=True)
def index_remove(index_file: Path | str, documents: tuple[str, ...]) -> None:
    """Remove DOCUMENTS (names as listed by `index info --list`, ids, the files they
    were added from, or a folder or zip added: all its documents) in one transaction."""
    from ..index import Index  # numpy and SQLite: only when a command runs

    with running(), Index(index_file) as opened:
        removed = opened.remove(documents)
    click.echo(f"removed {len(removed)}")


@index.command("info")
@click.argument("index_file", type=IndexLocation(exists=True))
@click.option("--list", "list_documents", is_flag=True, help="Also list every document's name.")
def index_info(index_file: Path | str, list_documents: bool) -> None:
    """Documents, size and settings of INDEX_FILE."""
    from ..index import Index  # numpy and SQLite: only when a command runs

    with running(), Index(index_file) as opened:
        info = opened.info()
        paths = opened.doc_ids() if list_documents else []
    for key in (
        "path",
        "documents",
        "words",
        "fingerprints",
        "terms",
        "window_postings",
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
@click.argument("index_file", type=IndexLocation(exists=True))
def index_verify(index_file: Path | str) -> None:
    """Check INDEX_FILE: SQLite integrity, and each document's text against its
    checksum and fingerprints. Exits 1 when a problem is found."""
    from ..index import Index  # numpy and SQLite: only when a command runs

    with running(), Index(index_file) as opened:
        problems = opened.verify()
        count = len(opened)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        # opened.path: a URL is shown with its password masked.
        raise click.ClickException(f"{opened.path}: {len(problems)} problem(s) found; rebuild the index")
    click.echo(f"ok: {count} documents verified")
