"""The footer's pages (about, contact, privacy, terms): on every page's footer, in both
languages, with default content from the first migration, and editable by staff in the
admin (any active staff member) but by nobody else."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from pages import services
from pages.models import Page

from ..factories import StaffFactory
from ..support.forms_as_sent import admin_data, signed_in

pytestmark = pytest.mark.django_db

SLUGS = ["about", "contact", "privacy", "terms"]
FOOTER_PATHS = ["/about/", "/contact/", "/privacy/", "/terms/"]


def footer(response) -> str:
    html = response.content.decode()
    return html[html.index('<footer class="site-footer">') :]


def test_the_four_pages_exist_with_content_in_both_languages_after_migrating():
    pages = {page.slug: page for page in Page.objects.all()}
    assert set(pages) == set(SLUGS)
    for page in pages.values():
        assert page.title_en and page.title_id and page.title_en != page.title_id
        assert len(page.body_en) > 200 and len(page.body_id) > 200


@pytest.mark.parametrize("slug", SLUGS)
@pytest.mark.parametrize("role", ["anonymous", "buyer", "owner", "mentor", "staff"])
def test_every_page_is_public_for_everyone(cast, slug, role, django_assert_max_num_queries):
    client = signed_in(cast[role])
    with django_assert_max_num_queries(8):  # the page's one, the session and user's
        response = client.get(reverse(f"pages:{slug}"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("language", "title", "heading"),
    [
        ("en", "About Jembatan UMKM", "<h2>What we do</h2>"),
        ("id", "Tentang Jembatan UMKM", "<h2>Apa yang kami lakukan</h2>"),
    ],
)
def test_a_page_speaks_the_visitors_language(client, language, title, heading):
    html = client.get("/about/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f"<h1>{title}</h1>" in html
    assert heading in html


def test_an_anonymous_page_costs_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/privacy/").status_code == 200


@pytest.mark.parametrize("language", ["en", "id"])
@pytest.mark.parametrize(
    "path", ["/", "/catalogue/", "/about/", "/accounts/login/", "/no-such-page/"]
)
def test_the_footer_links_to_the_four_pages_everywhere(client, path, language):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code in (200, 404)
    links = footer(response)
    for target in FOOTER_PATHS:
        assert f'href="{target}"' in links


def test_the_footer_is_on_signed_in_pages_too(cast):
    for role, path in [("owner", "/umkm/dashboard/"), ("buyer", "/catalogue/buyer/")]:
        response = signed_in(cast[role]).get(path)
        assert response.status_code == 200, path
        for target in FOOTER_PATHS:
            assert f'href="{target}"' in footer(response)


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_footer_names_the_pages_in_the_visitors_language(client, language):
    html = footer(client.get("/catalogue/", HTTP_ACCEPT_LANGUAGE=language))
    with translation.override(language):
        for label in ["About", "Contact", "Privacy", "Terms of use", "Catalogue"]:
            assert f">{translation.gettext(label)}</a>" in html


def test_staff_edit_a_page_in_the_admin_and_the_page_changes(client):
    staff = StaffFactory(language="en")  # staff, not a superuser: no model permissions
    admin = signed_in(staff)
    page = Page.objects.get(slug="contact")
    url = reverse("admin:pages_page_change", args=[page.pk])
    data = admin_data(admin, url)
    data["body_en"] = "## Office\nWrite to info@example.org or call +62 761 000000."
    data["title_id"] = "Hubungi kami"
    response = admin.post(url, data)
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.updated_by == staff
    html = client.get("/contact/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h2>Office</h2>" in html
    assert '<a href="mailto:info@example.org">info@example.org</a>' in html
    assert (
        "<h1>Hubungi kami</h1>"
        in client.get("/contact/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    )


def test_staff_cannot_add_or_delete_pages(client):
    admin = signed_in(StaffFactory())
    assert admin.get(reverse("admin:pages_page_changelist")).status_code == 200
    assert admin.get(reverse("admin:pages_page_add")).status_code == 403
    page = Page.objects.get(slug="terms")
    assert admin.get(reverse("admin:pages_page_delete", args=[page.pk])).status_code == 403


@pytest.mark.parametrize("role", ["anonymous", "buyer", "owner", "mentor"])
def test_nobody_else_reaches_the_pages_in_the_admin(cast, role):
    page = Page.objects.get(slug="about")
    client = signed_in(cast[role])
    url = reverse("admin:pages_page_change", args=[page.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.post(
        url, {"title_en": "Hacked", "title_id": "x", "body_en": "x", "body_id": "x"}
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.title_en == "About Jembatan UMKM"


def test_the_service_refuses_people_who_are_not_staff(cast):
    page = Page.objects.get(slug="about")
    for role in ["buyer", "owner", "mentor"]:
        with pytest.raises(PermissionDenied):
            services.page_update(page=page, by=cast[role], title_en="Hacked")
    page.refresh_from_db()
    assert page.title_en == "About Jembatan UMKM"


def test_a_hostile_text_is_shown_as_text(client):
    page = Page.objects.get(slug="terms")
    staff = StaffFactory()
    services.page_update(
        page=page, by=staff, body_en="<script>alert(1)</script>\n\n## <img src=x onerror=alert(1)>"
    )
    html = client.get("/terms/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_too_long_text_is_refused_and_changes_nothing():
    page = Page.objects.get(slug="terms")
    before = page.body_en
    with pytest.raises(ValidationError):
        services.page_update(page=page, by=StaffFactory(), body_en="x" * 10_001)
    page.refresh_from_db()
    assert page.body_en == before


def test_the_pages_are_in_the_sitemap(client):
    xml = client.get("/sitemap-pages.xml").content.decode()
    for path in FOOTER_PATHS:
        assert f"<loc>https://jembatan.test{path}</loc>" in xml
