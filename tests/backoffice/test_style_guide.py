"""The staff style guide: every component of the stylesheet on one staff-only page."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_texts")]

URL = reverse("backoffice:style-guide")


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("who", ["owner", "mentor", "pending_mentor", "buyer"])
def test_everyone_but_staff_gets_404(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(URL).status_code == 404


def test_staff_see_every_component(client, cast):
    client.force_login(cast.staff)
    client.cookies["django_language"] = "en"
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    for component in (
        "--color-primary",
        "--space-4",
        "--text-base",
        'class="button button-secondary"',
        'class="card"',
        'class="badge-verified"',
        'class="status status-listed"',
        'class="message message-error"',
        'class="alert alert-info"',
        'class="empty-state"',
        'class="table table-stack"',
        'data-filter-count="sg-filters"',
    ):
        assert component in page, component
    # The form partial with a help text, a field in error and a checkbox.
    assert "As on the NIB." in page
    assert 'class="field field-error"' in page
    assert 'type="checkbox"' in page
