"""How fast a large class's report.html opens in a browser.

Makes a class of synthetic essays with planted pairs (as batch_peers.py does), runs
`simcheck batch` on it, then opens report.html from file:// in headless Chromium several
times, each in a fresh browser context, and reports the median of:

- open: navigation start until the document is parsed, its script has run (load event)
  and the overview is laid out (a forced layout after load), in the browser's clock;
- the wall time of the same, as the driving script sees it;
- first paint (first contentful paint);
- opening one submission's view and selecting a passage;
- sorting the 1,000-row table by similarity.

Usage: python -m benchmarks.html_open [--essays 1000] [--pairs 100] [--runs 7] [--jobs 2]
Needs: pip install wordfreq playwright, and /usr/bin/chromium
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from simcheck.batch import compare_batch
from simcheck.report.files import write_reports
from simcheck.report.html import render_batch_html

from .workloads.browser import launch_chromium
from .workloads.synthetic import make_class


def main() -> None:
    parser = argparse.ArgumentParser(description="Open time of a large class's report.html")
    parser.add_argument("--essays", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="simcheck-html-bench-"))
    make_class(work / "class", args.essays, args.pairs)
    started = time.perf_counter()
    batch = compare_batch(work / "class", jobs=args.jobs)
    write_reports(batch, work / "report")
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    render_batch_html(batch)
    rendering = time.perf_counter() - started
    report = work / "report" / "report.html"
    flagged = max(batch.result.documents, key=lambda d: d.similarity)
    number = 1 + list(batch.result.documents).index(flagged)
    print(
        f"batch + reports: {seconds:.1f} s (rendering report.html alone: {rendering:.1f} s); "
        f"report.html {report.stat().st_size / 1e6:.1f} MB"
    )
    opened, walled, painted, viewed, sorted_ms = [], [], [], [], []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for _ in range(args.runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            wall = time.perf_counter()
            page.goto(report.as_uri(), wait_until="load")
            timing = page.evaluate(
                """() => {
                    document.querySelector("#submissions tbody tr:last-child").getBoundingClientRect();
                    const laidOut = performance.now();
                    const paint = performance.getEntriesByName("first-contentful-paint")[0];
                    return [laidOut, paint ? paint.startTime : 0];
                }"""
            )
            walled.append(1000 * (time.perf_counter() - wall))
            opened.append(timing[0])
            painted.append(timing[1])
            viewed.append(
                page.evaluate(
                    """(number) => {
                        const start = performance.now();
                        location.hash = "#s-" + number;
                        dispatchEvent(new HashChangeEvent("hashchange"));
                        document.querySelector("#view .essay .tag").click();
                        document.body.getBoundingClientRect();
                        return performance.now() - start;
                    }""",
                    number,
                )
            )
            page.evaluate("location.hash = ''")
            sorted_ms.append(
                page.evaluate(
                    """() => {
                        const start = performance.now();
                        document.querySelector("#submissions th:nth-child(4) button").click();
                        document.body.getBoundingClientRect();
                        return performance.now() - start;
                    }"""
                )
            )
            context.close()
        browser.close()
    print(f"{args.essays} submissions, {args.runs} runs, median (min-max):")
    for label, values in (
        ("open (parsed, script run, overview laid out)", opened),
        ("open, wall time seen by the driver", walled),
        ("first contentful paint", painted),
        ("open a submission + select a passage", viewed),
        ("sort by similarity", sorted_ms),
    ):
        print(f"  {label}: {statistics.median(values):.0f} ms ({min(values):.0f}-{max(values):.0f})")


if __name__ == "__main__":
    main()
