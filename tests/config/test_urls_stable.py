"""Every URL answers as before the layout change: emails, bookmarks and the sitemap
point at them. ``urls_before_the_layout.json`` was made by walking the URL configuration
of the commit before it (every named route with sample arguments, admin, API router
formats and sitemaps aside); each path must still resolve to the route of that name
(the staff back office's routes moved from the ``accounts`` namespace to ``backoffice``).
"""

import json
from pathlib import Path

import pytest
from django.urls import resolve

BEFORE = json.loads((Path(__file__).parent / "urls_before_the_layout.json").read_text())
RENAMED_NAMESPACES = {
    "accounts:staff-dashboard": "backoffice:staff-dashboard",
    "accounts:staff-queues": "backoffice:staff-queues",
    "accounts:programme-report": "backoffice:programme-report",
    "accounts:programme-export": "backoffice:programme-export",
    "accounts:mentor-approve": "backoffice:mentor-approve",
    "accounts:inquiry-remind": "backoffice:inquiry-remind",
}


def test_the_record_covers_the_site():
    assert len(BEFORE) >= 120
    assert {"home", "marketplace:catalogue", "umkm:dashboard", "api-root"} & set(BEFORE)


@pytest.mark.parametrize(("name", "path"), sorted(BEFORE.items()))
def test_every_old_url_still_answers_with_the_same_route(name, path):
    match = resolve(path)
    assert match.view_name == RENAMED_NAMESPACES.get(name, name), path
