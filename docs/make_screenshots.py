"""Screenshots of the demo class report for the README, made in headless Chromium.

    .venv/bin/simcheck batch corpora/demo-class/submissions --corpus corpora/coldwar \\
        --template corpora/demo-class/prompt.txt --output reports/demo-class
    .venv/bin/python -m docs.make_screenshots reports/demo-class/report.html

Writes docs/overview.png and docs/side-by-side.png (the submission with the most
passages, its first counted passage selected).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from benchmarks.workloads.browser import launch_chromium

DOCS = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="report.html of `simcheck batch`")
    parser.add_argument(
        "--submission", default="", help="student whose view to show (default: most passages)"
    )
    args = parser.parse_args()
    url = args.report.resolve().as_uri()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        page.goto(url)
        page.screenshot(path=str(DOCS / "overview.png"))
        number = page.evaluate(
            """(wanted) => {
                let best = [0, 0];
                for (const t of document.querySelectorAll("template[id^=t-s-]")) {
                    const name = t.content.querySelector("h2").textContent;
                    const count = t.content.querySelectorAll(".passage:not(.x)").length;
                    if (wanted ? name === wanted : count > best[1]) best = [t.id.slice(4), count];
                    if (wanted && name === wanted) break;
                }
                return best[0];
            }""",
            args.submission,
        )
        page.goto(f"{url}#s-{number}")
        first = page.locator(".essay .tag:not(.x)").first
        first.click()
        page.locator(".passage:not([hidden])").wait_for()
        page.evaluate("window.scrollTo(0, document.querySelector('.reading').offsetTop - 10)")
        page.screenshot(path=str(DOCS / "side-by-side.png"))
        browser.close()


if __name__ == "__main__":
    main()
