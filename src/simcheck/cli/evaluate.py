"""``simcheck eval``: accuracy on published evaluation corpora."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .common import config_from, config_options, jobs_option, running


@click.group(name="eval")
def eval_group() -> None:
    """Measure accuracy on published evaluation corpora."""


@eval_group.command("pan")
@click.argument("corpus_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write one detection XML per pair here (a subfolder per case type) and scores.csv.",
)
@jobs_option
@click.option(
    "--sample",
    type=click.IntRange(1),
    help="Only the first N pairs of each case-type folder (a quick check).",
)
@config_options()
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
    from ..evaluation.pan import evaluate_pan  # the aligner and its libraries: only when run

    config = config_from(options)
    with running("aligning pairs") as advance:
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
@config_options()
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
    from ..evaluation.clough import evaluate_clough  # the whole pipeline: only when run

    with running():
        report = evaluate_clough(folder, config_from(options))
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
