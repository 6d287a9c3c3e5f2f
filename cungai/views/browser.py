"""Opening the views in a real browser: Debian's Chromium driven by Playwright, offline.

Used by the browser tests and by ``python -m cungai.views.browser BUILD_DIR`` (every page checked, screenshots
saved to ``BUILD_DIR/screenshots/``). Playwright's own browser downloads are never used: it drives
``/usr/bin/chromium`` (``CUNGAI_CHROMIUM`` overrides the path). Every request is recorded, and one to
the network is aborted, so a page that tries to reach the network fails its check instead of
reaching it. A missing Chromium or Playwright is an ``EnvironmentProblem``
(exit code 3) that says what to install.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..errors import EnvironmentProblem

CHROMIUM = "/usr/bin/chromium"
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
)
INSTALL_HINT = "apt-get install chromium fonts-wqy-microhei"
VIEWPORT = {"width": 1400, "height": 900}


def chromium_path() -> str:
    """The Chromium executable to drive; an EnvironmentProblem naming the package when it is missing."""
    path = os.environ.get("CUNGAI_CHROMIUM") or CHROMIUM
    found = path if os.path.isfile(path) and os.access(path, os.X_OK) else shutil.which(path)
    if not found:
        raise EnvironmentProblem(f"Chromium not found at {path}: {INSTALL_HINT} (or set CUNGAI_CHROMIUM)")
    return found


def cjk_font_available() -> bool:
    """Whether fontconfig knows a font for Chinese (without one every label is a box in screenshots)."""
    try:
        found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(found.stdout.strip())


def require_browser() -> str:
    """Chromium, Playwright and a CJK font, or an EnvironmentProblem saying what to install."""
    executable = chromium_path()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise EnvironmentProblem("Playwright is not installed: pip install -e '.[test]' (never `playwright install`)") from None
    if not cjk_font_available():
        raise EnvironmentProblem(f"no Chinese font for Chromium: {INSTALL_HINT}")
    return executable


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium (Playwright ``Browser``), closed on exit."""
    executable = chromium_path()
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise EnvironmentProblem("Playwright is not installed: pip install -e '.[test]' (never `playwright install`)") from None
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=executable, args=list(FLAGS), headless=True)
        except PlaywrightError as exc:
            raise EnvironmentProblem(f"Chromium at {executable} did not start ({INSTALL_HINT}): {exc}") from None
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageCheck:
    """What happened while a page loaded: console errors, page errors, requests, dialogs, time."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.console_errors or self.page_errors or self.outside_requests or self.dialogs)

    def problems(self) -> str:
        parts = [f"{name}: {values}" for name, values in (
            ("console errors", self.console_errors), ("page errors", self.page_errors),
            ("requests leaving file://", self.outside_requests), ("dialogs", self.dialogs)) if values]
        return f"{self.url}: " + "; ".join(parts) if parts else ""


LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
#: Every URL that is not local; a regular expression is matched inside the driver (no Python round trip).
NOT_LOCAL = re.compile(r"^(?!(?:file|data|blob|about):)")


def new_checked_page(context) -> tuple[object, PageCheck]:
    """A page of ``context`` whose console, errors, dialogs and requests are recorded in a PageCheck.

    Every request is recorded; one that is not local (anything but file:, data:, blob:, about:) is
    also aborted, so it never leaves the machine. The pattern is matched inside the browser driver,
    so ``file://`` requests are not slowed down by a round trip to Python.
    """
    page = context.new_page()
    check = PageCheck(url="")

    def abort(route, request) -> None:
        if request.url not in check.outside_requests:
            check.outside_requests.append(request.url)
        route.abort()

    page.route(NOT_LOCAL, abort)

    def request(req) -> None:
        check.requests.append(req.url)
        if not req.url.startswith(LOCAL_SCHEMES) and req.url not in check.outside_requests:
            check.outside_requests.append(req.url)

    page.on("request", request)
    page.on("console", lambda message: message.type == "error" and check.console_errors.append(message.text))
    page.on("pageerror", lambda error: check.page_errors.append(str(error)))

    def dialog(d) -> None:
        check.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    return page, check


def open_page(page, check: PageCheck, path: Path, *, wait_graph: bool = True, timeout_ms: int = 20000) -> PageCheck:
    """Load ``path`` into ``page`` (reset ``check``), wait until a graph on it has settled."""
    check.url = path.resolve().as_uri()
    for name in ("console_errors", "page_errors", "outside_requests", "requests", "dialogs"):
        getattr(check, name).clear()
    started = time.perf_counter()
    page.goto(check.url, wait_until="load")
    if wait_graph and page.evaluate("() => !!document.getElementById('graph-data')"):
        page.wait_for_function("() => window.cungai && window.cungai.stabilized === true", timeout=timeout_ms)
    check.seconds = round(time.perf_counter() - started, 3)
    return check


def check_views(build_dir: Path, *, screenshots: Path | None = None) -> list[PageCheck]:
    """Open every page of ``build_dir/views`` offline; save a screenshot of the main pages."""
    views = Path(build_dir) / "views"
    pages = sorted(views.rglob("*.html"))
    results = []
    with chromium() as browser:
        context = browser.new_context(viewport=VIEWPORT, service_workers="block")
        page, check = new_checked_page(context)
        for path in pages:
            open_page(page, check, path)
            results.append(PageCheck(check.url, list(check.console_errors), list(check.page_errors),
                                     list(check.outside_requests), list(check.requests), list(check.dialogs),
                                     check.seconds))
            relative = path.relative_to(views)
            if screenshots is not None and (relative.parts[0] in ("graph", "article") or relative.name == "index.html"):
                screenshots.mkdir(parents=True, exist_ok=True)
                name = "-".join(relative.with_suffix("").parts) + ".png"
                page.screenshot(path=str(screenshots / name))
        context.close()
    return results


def main(argv: list[str] | None = None) -> int:
    """``python -m cungai.views.browser [BUILD_DIR]``: check every page, save screenshots, print timings."""
    args = sys.argv[1:] if argv is None else argv
    build_dir = Path(args[0]) if args else Path("build")
    try:
        require_browser()
        results = check_views(build_dir, screenshots=build_dir / "screenshots")
    except EnvironmentProblem as exc:
        print(f"environment problem: {exc}", file=sys.stderr)
        return exc.exit_code
    bad = [r for r in results if not r.ok]
    slowest = sorted(results, key=lambda r: -r.seconds)[:5]
    print(f"{len(results)} pages, {len(bad)} with problems; slowest: "
          + ", ".join(f"{Path(r.url).name} {r.seconds:.2f}s" for r in slowest))
    for r in bad:
        print("  " + r.problems(), file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
