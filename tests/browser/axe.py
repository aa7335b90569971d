"""axe-core in the browser journeys, from its npm package (never a CDN).

``npm ci`` installs the version package-lock.json pins into node_modules/; the journeys
give every page of an actor the file ``axe.min.js`` as an init script (Playwright adds
it through the DevTools protocol, so the site's Content-Security-Policy, which runs only
the site's own files, stays as it is) and run ``axe.run`` on the key pages. Without
node_modules/ the checks skip with the reason; under CI=true they are required.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..conftest import require_service

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# What fails a page: the two highest of axe's four impact levels.
FAILING_IMPACTS = ("serious", "critical")
# WCAG 2.1 A and AA plus axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def require_axe() -> None:
    require_service(
        AXE.is_file(),
        "needs axe-core: run `npm ci` in the project folder (node_modules/axe-core is missing)",
    )


def install(context: BrowserContext) -> None:
    """Make axe available on every page the context opens from now on."""
    require_axe()
    context.add_init_script(path=str(AXE))


def serious_violations(page: Page) -> list[dict]:
    """axe's serious and critical violations of the page as it is now."""
    results = page.evaluate(
        "async (tags) => await axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        TAGS,
    )
    return [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]


def assert_accessible(page: Page) -> None:
    violations = serious_violations(page)
    if violations:
        summary = [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [node["target"] for node in v["nodes"][:5]],
            }
            for v in violations
        ]
        raise AssertionError(f"axe on {page.url}:\n{json.dumps(summary, indent=2)}")
