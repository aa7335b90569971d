"""Fixtures of the browser journeys: the system Chromium, driven by Playwright, against
pytest-django's live server (a thread of this process, with the test settings: eager
Celery and the in-memory outbox, which is how a journey reads its emails).

Playwright's browsers are never downloaded: the journeys launch the Chromium of the
machine (``PLAYWRIGHT_CHROMIUM`` or ``chromium`` on the PATH). Without one they skip
locally and fail under CI=true. Screenshots go to test-artifacts/ (ignored by git).
"""

import os
import shutil
from pathlib import Path

import pytest

from ..conftest import require_service
from .pages import VARIANTS, Journey

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# The machine's network is closed: without these Chromium keeps trying to reach
# Google's services and fills the log with refused connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    configured = os.environ.get("PLAYWRIGHT_CHROMIUM", "")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for all the journeys.

    Package scope, not session: while Playwright runs, its event loop is marked as
    running in the main thread (Playwright's sync API switches greenlets under it).
    Django then refuses ORM calls from the test code (SynchronousOnlyOperation), so
    DJANGO_ALLOW_ASYNC_UNSAFE is set for as long as Playwright runs; the test code
    and the live server never touch the database at the same time (each Playwright
    call waits for the page). Stopping Playwright when the last journey is done ends
    both, so the rest of the suite runs without them.
    """
    executable = chromium_path()
    require_service(
        executable is not None,
        "needs Chromium: install Debian's chromium or set PLAYWRIGHT_CHROMIUM",
    )
    from playwright.sync_api import expect, sync_playwright

    # Generous on a busy 2-core machine; a step that works takes well under a second.
    expect.set_options(timeout=15_000)

    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@pytest.fixture(params=list(VARIANTS))
def variant(request):
    return VARIANTS[request.param]


@pytest.fixture
def journey(request, browser, live_server, variant):
    """A fresh run: its own browser contexts, its own screenshot folder."""
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_journey_")
    folder = ARTIFACTS / name / variant.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    run = Journey(base_url=live_server.url, browser=browser, variant=variant, screenshot_dir=folder)
    yield run
    run.close()
