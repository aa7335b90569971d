"""Buyer accounts: company profile, dashboard, shortlist, sign-up language, and the
marketplace admin.

Every buyer page is tried by the buyer, by each other role (403) and anonymously
(sent to sign in); a buyer never sees another buyer's rows.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from marketplace import selectors
from marketplace.forms.buyers import COUNTRIES, country_name
from marketplace.models import (
    BuyerProfile,
    BuyingRequest,
    ExchangeRate,
    Inquiry,
    InquiryMessage,
    Quote,
    ShortlistItem,
)
from notifications.models import Notification
from umkm.models import Product, ProductImage

from ..factories import (
    PASSWORD,
    BusinessFactory,
    BuyerFactory,
    CategoryFactory,
    ListedProductFactory,
    MentorFactory,
    OwnerFactory,
    ProductFactory,
    StaffFactory,
)
from ..support.queries import captured_queries

pytestmark = pytest.mark.django_db

DASHBOARD = "/catalogue/buyer/"
PROFILE = "/catalogue/buyer/profile/"
SHORTLIST = "/catalogue/buyer/shortlist/"
BUYER_PAGES = [DASHBOARD, PROFILE, SHORTLIST]


def save_url(product) -> str:
    return f"/catalogue/p/{product.slug}/save/"


def product_url(product) -> str:
    return f"/catalogue/p/{product.slug}/"


def make_inquiry(buyer, *, subject="Price please", status="open", days_ago=1, product=None):
    business = product.business if product else BusinessFactory()
    inquiry = Inquiry.objects.create(
        buyer=buyer,
        business=business,
        product=product,
        subject=subject,
        quantity=500,
        unit="pack",
        incoterm="FOB",
        destination_country="NL",
        status=status,
    )
    Inquiry.objects.filter(pk=inquiry.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    return inquiry


def make_request(buyer, *, title="Coffee beans wanted", quotes=0, category=None):
    request = BuyingRequest.objects.create(
        buyer=buyer,
        title=title,
        description="Green beans, grade 1.",
        category=category or CategoryFactory(),
        quantity=2,
        unit="tonne",
        destination_country="DE",
        valid_until=timezone.localdate() + timedelta(days=30),
    )
    for n in range(quotes):
        Quote.objects.create(
            request=request,
            business=BusinessFactory(),
            price_usd=Decimal("4.50") + n,
            moq=100,
            lead_time_days=20,
            message="We can supply.",
        )
    return request


def profile_data(**overrides):
    data = {
        "company": "Amsterdam Spice Traders B.V.",
        "country": "NL",
        "buyer_type": BuyerProfile.BuyerType.IMPORTER,
        "website": "https://spices.example.nl",
        "interests": "Coffee, pepper and cinnamon; 1–2 containers a month.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def other_roles(db):
    return {"owner": OwnerFactory(), "mentor": MentorFactory(), "staff": StaffFactory()}


# Permissions ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", BUYER_PAGES)
def test_buyer_pages_send_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('account_login')}?next=")


@pytest.mark.parametrize("url", BUYER_PAGES)
@pytest.mark.parametrize("role", ["owner", "mentor", "staff"])
def test_buyer_pages_are_forbidden_to_other_roles(client, other_roles, url, role):
    client.force_login(other_roles[role])
    assert client.get(url).status_code == 403
    assert client.post(PROFILE, profile_data()).status_code == 403
    assert not BuyerProfile.objects.exists()


@pytest.mark.parametrize("url", BUYER_PAGES)
def test_buyer_pages_open_for_a_buyer(client, buyer, url):
    client.force_login(buyer)
    assert client.get(url).status_code == 200


# Company profile -----------------------------------------------------------------------


def test_a_buyer_creates_a_company_profile(client, buyer):
    food = CategoryFactory(slug="food", name_en="Food", name_id="Makanan")
    crafts = CategoryFactory(slug="crafts", name_en="Crafts", name_id="Kerajinan")
    CategoryFactory(slug="coffee", name_en="Coffee", name_id="Kopi", parent=food)
    client.force_login(buyer)
    page = client.get(PROFILE).content.decode()
    assert "Add your company profile" in page
    assert '<option value="NL">Netherlands</option>' in page
    assert 'value="coffee"' not in page and "Coffee" not in page  # top level only

    response = client.post(PROFILE, profile_data(categories=[food.pk, crafts.pk]), follow=True)
    assert response.redirect_chain == [(DASHBOARD, 302)]
    profile = BuyerProfile.objects.get(user=buyer)
    assert profile.company == "Amsterdam Spice Traders B.V."
    assert profile.country == "NL"
    assert profile.buyer_type == "importer"
    assert profile.website == "https://spices.example.nl"
    assert set(profile.categories.all()) == {food, crafts}
    html = response.content.decode()
    assert "Your company profile is saved." in html
    assert "Amsterdam Spice Traders B.V." in html
    assert "Netherlands" in html


def test_a_buyer_edits_their_profile(client, buyer):
    food = CategoryFactory(slug="food", name_en="Food", name_id="Makanan")
    client.force_login(buyer)
    client.post(PROFILE, profile_data(categories=[food.pk]))
    page = client.get(PROFILE).content.decode()
    assert "Edit company profile" in page
    assert 'value="Amsterdam Spice Traders B.V."' in page
    assert '<option value="NL" selected>Netherlands</option>' in page

    client.post(
        PROFILE,
        profile_data(company="Berlin Basket GmbH", country="DE", website="", categories=[]),
    )
    profile = BuyerProfile.objects.get(user=buyer)
    assert BuyerProfile.objects.count() == 1
    assert (profile.company, profile.country, profile.website) == ("Berlin Basket GmbH", "DE", "")
    assert not profile.categories.exists()


def test_a_website_without_a_scheme_gets_https(client, buyer):
    client.force_login(buyer)
    client.post(PROFILE, profile_data(website="spices.example.nl"))
    assert BuyerProfile.objects.get(user=buyer).website == "https://spices.example.nl"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("company", ""),
        ("company", "    "),
        ("country", ""),
        ("country", "XX"),
        ("country", "Netherlands"),
        ("buyer_type", "pirate"),
        ("website", "not a website"),
        ("website", "javascript:alert(1)"),
        ("interests", "x" * 2001),
        ("categories", ["999999"]),
    ],
)
def test_profile_validation(client, buyer, field, value):
    client.force_login(buyer)
    response = client.post(PROFILE, profile_data(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="errors" role="alert"' in response.content.decode()
    assert not BuyerProfile.objects.exists()


def test_profile_refuses_a_subcategory(client, buyer):
    coffee = CategoryFactory(slug="coffee", parent=CategoryFactory(slug="food"))
    client.force_login(buyer)
    response = client.post(PROFILE, profile_data(categories=[coffee.pk]))
    assert "categories" in response.context["form"].errors


def test_a_failed_edit_keeps_what_was_typed_and_the_saved_profile(client, buyer):
    client.force_login(buyer)
    client.post(PROFILE, profile_data())
    response = client.post(PROFILE, profile_data(company="New name Ltd", country="XX"))
    assert 'value="New name Ltd"' in response.content.decode()
    assert BuyerProfile.objects.get(user=buyer).company == "Amsterdam Spice Traders B.V."


def test_country_names():
    assert len(COUNTRIES) == 249
    assert country_name("ID") == "Indonesia"
    assert country_name("nl") == "Netherlands"
    assert country_name("ZZ") == "ZZ"


# Dashboard -----------------------------------------------------------------------------


def test_dashboard_prompts_for_a_profile_until_there_is_one(client, buyer):
    client.force_login(buyer)
    html = client.get(DASHBOARD).content.decode()
    assert "data-profile-prompt" in html
    assert f'href="{PROFILE}"' in html
    BuyerProfile.objects.create(
        user=buyer, company="Oslo Imports AS", country="NO", buyer_type="importer"
    )
    html = client.get(DASHBOARD).content.decode()
    assert "data-profile-prompt" not in html
    assert "Oslo Imports AS" in html and "Norway" in html and "Importer" in html


def test_dashboard_lists_the_buyers_own_inquiries_newest_first(client, buyer):
    product = ListedProductFactory(name_en="Arabica coffee")
    make_inquiry(buyer, subject="Oldest inquiry", days_ago=9, status="closed")
    make_inquiry(buyer, subject="Middle inquiry", days_ago=5, status="replied", product=product)
    make_inquiry(buyer, subject="Newest inquiry", days_ago=1)
    make_inquiry(BuyerFactory(), subject="Someone else's inquiry")
    client.force_login(buyer)
    response = client.get(DASHBOARD)
    assert [i.subject for i in response.context["inquiries"]] == [
        "Newest inquiry",
        "Middle inquiry",
        "Oldest inquiry",
    ]
    html = response.content.decode()
    assert "Someone else" not in html
    assert "status-replied" in html and "status-closed" in html and "status-open" in html
    assert "Arabica coffee" in html


def test_dashboard_shows_the_latest_ten_inquiries_and_the_total(client, buyer):
    for n in range(12):
        make_inquiry(buyer, subject=f"Inquiry {n}", days_ago=n + 1)
    client.force_login(buyer)
    response = client.get(DASHBOARD)
    assert len(response.context["inquiries"]) == 10
    assert response.context["inquiry_count"] == 12
    assert "Showing the latest of 12 inquiries." in response.content.decode()


def test_dashboard_lists_buying_requests_with_quote_counts(client, buyer):
    make_request(buyer, title="Green coffee beans", quotes=2)
    make_request(buyer, title="Rattan baskets", quotes=0)
    make_request(BuyerFactory(), title="Another buyer's request", quotes=1)
    client.force_login(buyer)
    response = client.get(DASHBOARD)
    counts = {r.title: r.quote_count for r in response.context["buying_requests"]}
    assert counts == {"Green coffee beans": 2, "Rattan baskets": 0}
    html = response.content.decode()
    assert "2 quotes" in html and "0 quotes" in html
    assert "Another buyer" not in html


def test_dashboard_lists_saved_products_that_are_still_listed(client, buyer):
    saved = ListedProductFactory(name_en="Saved pepper")
    unlisted = ListedProductFactory(name_en="Withdrawn pepper")
    inactive = ListedProductFactory(name_en="Pepper of a closed business")
    other = ListedProductFactory(name_en="Other buyer's pepper")
    for product in (saved, unlisted, inactive):
        ShortlistItem.objects.create(buyer=buyer, product=product)
    ShortlistItem.objects.create(buyer=BuyerFactory(), product=other)
    Product.objects.filter(pk=unlisted.pk).update(status="archived", is_listed=False)
    inactive.business.is_active = False
    inactive.business.save(update_fields=["is_active"])

    client.force_login(buyer)
    response = client.get(DASHBOARD, {"lang": "en"})
    assert [item.product for item in response.context["saved_items"]] == [saved]
    html = response.content.decode()
    assert "Saved pepper" in html
    assert f'href="{product_url(saved)}"' in html
    assert f'action="{save_url(saved)}"' in html
    assert '<input type="hidden" name="action" value="remove">' in html
    for hidden in ("Withdrawn pepper", "closed business", "Other buyer"):
        assert hidden not in html


def test_dashboard_empty_states(client, buyer):
    client.force_login(buyer)
    html = client.get(DASHBOARD).content.decode()
    assert html.count('class="empty-state"') == 3


def _fill_dashboard(buyer, count):
    for n in range(count):
        product = ListedProductFactory()
        ProductImage.objects.bulk_create(
            ProductImage(
                product=product,
                image=f"p/{product.pk}-{i}.jpg",
                thumb_small=f"p/{i}.jpg",
                width=800,
                height=600,
                position=i,
            )
            for i in range(2)
        )
        ShortlistItem.objects.create(buyer=buyer, product=product)
        make_inquiry(buyer, subject=f"Inquiry {n}", product=product)
        make_request(buyer, quotes=2)


def test_dashboard_queries_do_not_grow(client, buyer, django_assert_max_num_queries):
    BuyerProfile.objects.create(user=buyer, company="A", country="NL", buyer_type="importer")
    client.force_login(buyer)
    _fill_dashboard(buyer, 3)
    cache.clear()
    with captured_queries() as few:
        client.get(DASHBOARD)
    _fill_dashboard(buyer, 12)
    cache.clear()
    with captured_queries() as many:
        response = client.get(DASHBOARD)
    assert len(response.context["saved_items"]) == 8
    assert len(few.captured_queries) == len(many.captured_queries)
    # Measured 13 on SQLite and PostgreSQL: session, user, profile, its categories,
    # inquiries and their count, buying requests and their count, saved products, their
    # photos and their count, exchange rate, unread notifications.
    cache.clear()
    with django_assert_max_num_queries(13):
        client.get(DASHBOARD)
    # The shortlist page: session, user, count, page, photos, exchange rate, unread.
    cache.clear()
    with django_assert_max_num_queries(7):
        client.get(SHORTLIST)


def test_shortlist_page_is_paginated(client, buyer):
    for _ in range(26):
        ShortlistItem.objects.create(buyer=buyer, product=ListedProductFactory())
    client.force_login(buyer)
    first = client.get(SHORTLIST)
    assert len(first.context["saved_items"]) == 24
    assert "26 saved products" in client.get(SHORTLIST, {"lang": "en"}).content.decode()
    assert len(client.get(SHORTLIST, {"page": 2}).context["saved_items"]) == 2
    dashboard = client.get(DASHBOARD, {"lang": "en"}).content.decode()
    assert "See all 26 saved products" in dashboard


# Shortlist: save and remove ------------------------------------------------------------


@pytest.fixture
def product(db):
    return ListedProductFactory(name_en="Arabica coffee", name_id="Kopi arabika")


def test_a_buyer_saves_and_removes_a_product(client, buyer, product):
    client.force_login(buyer)
    page = client.get(product_url(product), {"lang": "en"}).content.decode()
    assert "data-save" in page and "data-saved" not in page

    response = client.post(save_url(product))
    assert response.status_code == 302
    assert response["Location"] == product_url(product)
    assert ShortlistItem.objects.filter(buyer=buyer, product=product).exists()
    page = client.get(product_url(product), {"lang": "en"}).content.decode()
    assert "data-saved" in page and "is on your shortlist" in page

    client.post(save_url(product))  # no action: toggles back
    assert not ShortlistItem.objects.exists()


def test_explicit_actions_are_idempotent(client, buyer, product):
    client.force_login(buyer)
    client.post(save_url(product), {"action": "save"})
    client.post(save_url(product), {"action": "save"})
    assert ShortlistItem.objects.filter(buyer=buyer).count() == 1
    client.post(save_url(product), {"action": "remove"})
    client.post(save_url(product), {"action": "remove"})
    assert not ShortlistItem.objects.exists()


def test_save_returns_to_a_local_next_only(client, buyer, product):
    client.force_login(buyer)
    response = client.post(save_url(product), {"action": "save", "next": DASHBOARD})
    assert response["Location"] == DASHBOARD
    response = client.post(save_url(product), {"action": "remove", "next": "https://evil.example/"})
    assert response["Location"] == product_url(product)
    response = client.post(save_url(product), {"next": "//evil.example/x"})
    assert response["Location"] == product_url(product)


@pytest.mark.parametrize(
    "kind", ["draft", "submitted", "changes_requested", "archived", "inactive", "missing"]
)
def test_only_listed_products_can_be_saved(client, buyer, kind):
    if kind == "missing":
        url = "/catalogue/p/no-such-product/save/"
    elif kind == "inactive":
        url = save_url(ListedProductFactory(business__is_active=False))
    else:
        url = save_url(ProductFactory(status=kind))
    client.force_login(buyer)
    assert client.post(url, {"action": "save"}).status_code == 404
    assert not ShortlistItem.objects.exists()


@pytest.mark.parametrize("role", ["owner", "mentor", "staff"])
def test_other_roles_cannot_save(client, other_roles, product, role):
    client.force_login(other_roles[role])
    assert client.post(save_url(product)).status_code == 403
    assert not ShortlistItem.objects.exists()
    assert "data-save" not in client.get(product_url(product)).content.decode()


def test_the_owner_of_the_product_cannot_save_it(client, product):
    client.force_login(product.business.owner)
    assert client.post(save_url(product)).status_code == 403
    assert not ShortlistItem.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in_to_save(client, product):
    response = client.post(save_url(product))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not ShortlistItem.objects.exists()
    assert "data-save" not in client.get(product_url(product)).content.decode()


def test_saving_needs_post(client, buyer, product):
    client.force_login(buyer)
    assert client.get(save_url(product)).status_code == 405
    assert not ShortlistItem.objects.exists()


def test_saving_needs_the_csrf_token(buyer, product):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    assert client.post(save_url(product)).status_code == 403
    assert not ShortlistItem.objects.exists()


def test_product_page_queries_for_a_buyer(client, buyer, product, django_assert_max_num_queries):
    client.force_login(buyer)
    cache.clear()
    # 9 for the page (see test_catalogue) + session, user, unread count, saved state.
    with django_assert_max_num_queries(13):
        client.get(product_url(product))


def test_contact_supplier_for_a_buyer_points_at_the_inquiry_form_when_there_is_one(
    client, buyer, product
):
    client.force_login(buyer)
    html = client.get(product_url(product)).content.decode()
    try:
        inquiry_url = reverse("marketplace:inquiry-create-product", args=[product.slug])
    except NoReverseMatch:
        assert "data-contact" not in html  # the page still renders without it
    else:
        assert f'<a class="button" href="{inquiry_url}" data-contact>' in html


def test_contact_supplier_for_visitors_signs_up_then_returns(client, product):
    html = client.get(product_url(product)).content.decode()
    # The sign-up preselects the buyer role (issue 15), then returns to the supplier.
    match = re.search(r'href="/accounts/signup/\?role=buyer&amp;next=([^"]+)" data-contact', html)
    assert match
    assert match.group(1).startswith("/catalogue/")
    assert f"/accounts/login/?next={match.group(1)}" in html


# Sign-up language and landing ----------------------------------------------------------


def _selected_language(html: str) -> str:
    select = re.search(r'<select name="language"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.search(r'<option value="(\w+)" selected>', select).group(1)


def test_signup_language_follows_the_page_language(client):
    assert _selected_language(client.get("/accounts/signup/").content.decode()) == "id"
    english = client.get("/accounts/signup/", {"lang": "en"}).content.decode()
    assert _selected_language(english) == "en"
    browser = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert _selected_language(browser.content.decode()) == "en"
    client.cookies["django_language"] = "en"
    assert _selected_language(client.get("/accounts/signup/").content.decode()) == "en"


def test_a_buyer_lands_on_the_catalogue_after_signing_in(client):
    buyer = BuyerFactory(email="emma@example.nl")
    response = client.post(reverse("account_login"), {"login": buyer.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/catalogue/"
    html = client.get("/catalogue/").content.decode()
    assert '<html lang="en">' in html
    assert f'href="{DASHBOARD}"' in html


# Admin ---------------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return StaffFactory(is_superuser=True, language="en")


@pytest.fixture
def marketplace_rows(db, buyer):
    product = ListedProductFactory()
    BuyerProfile.objects.create(
        user=buyer, company="Oslo Imports AS", country="NO", buyer_type="importer"
    )
    ShortlistItem.objects.create(buyer=buyer, product=product)
    ExchangeRate.objects.create(idr_per_usd=Decimal(16000))
    inquiry = make_inquiry(buyer, product=product)
    InquiryMessage.objects.create(inquiry=inquiry, author=buyer, author_role="buyer", body="Hi")
    request = make_request(buyer, quotes=2)
    return {"inquiry": inquiry, "request": request}


ADMIN_MODELS = [
    "buyerprofile",
    "shortlistitem",
    "exchangerate",
    "inquiry",
    "inquirymessage",
    "buyingrequest",
    "quote",
]


WRITTEN_ON_THE_SITE = {"shortlistitem", "inquiry", "inquirymessage", "buyingrequest", "quote"}


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_admin_changelists_render(client, superuser, marketplace_rows, model):
    client.force_login(superuser)
    url = reverse(f"admin:marketplace_{model}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "oslo"}).status_code == 200
    # What people write through the site's services is not added in the admin.
    add = 403 if model in WRITTEN_ON_THE_SITE else 200
    assert client.get(reverse(f"admin:marketplace_{model}_add")).status_code == add


def test_admin_change_pages_with_inlines_render(client, superuser, marketplace_rows):
    client.force_login(superuser)
    inquiry = marketplace_rows["inquiry"]
    html = client.get(reverse("admin:marketplace_inquiry_change", args=[inquiry.pk]))
    assert html.status_code == 200
    assert "Hi" in html.content.decode()
    request = marketplace_rows["request"]
    response = client.get(reverse("admin:marketplace_buyingrequest_change", args=[request.pk]))
    assert response.status_code == 200
    assert "We can supply." in response.content.decode()


def test_admin_is_closed_to_non_staff(client, buyer):
    client.force_login(buyer)
    response = client.get(reverse("admin:marketplace_inquiry_changelist"))
    assert response.status_code == 302


def test_exchange_rate_admin_records_who_set_it_and_is_used_at_once(client, superuser):
    assert selectors.current_rate() is None  # now cached as "no rate"
    client.force_login(superuser)
    now = timezone.localtime()
    response = client.post(
        reverse("admin:marketplace_exchangerate_add"),
        {
            "idr_per_usd": "16250.00",
            "valid_from_0": now.strftime("%Y-%m-%d"),
            "valid_from_1": (now - timedelta(minutes=1)).strftime("%H:%M:%S"),
            "set_by": StaffFactory().pk,  # read-only: ignored
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rate = ExchangeRate.objects.get()
    assert rate.set_by == superuser
    assert rate.idr_per_usd == Decimal("16250.00")
    assert selectors.current_rate() == Decimal("16250.00")


def test_mark_as_spam_only_changes_the_status(client, superuser, marketplace_rows, buyer):
    inquiry = marketplace_rows["inquiry"]
    replied = make_inquiry(buyer, status="replied")
    Inquiry.objects.filter(pk=replied.pk).update(first_reply_at=timezone.now())
    untouched = make_inquiry(buyer, subject="Keep me")
    before = {i.pk: i for i in Inquiry.objects.all()}
    notifications = Notification.objects.count()
    client.force_login(superuser)
    response = client.post(
        reverse("admin:marketplace_inquiry_changelist"),
        {"action": "mark_as_spam", "_selected_action": [inquiry.pk, replied.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "2 inquiries marked as spam." in response.content.decode()
    for pk in (inquiry.pk, replied.pk):
        after = Inquiry.objects.get(pk=pk)
        assert after.status == "spam"
        for field in ("last_message_at", "first_reply_at", "outcome", "subject", "buyer_id"):
            assert getattr(after, field) == getattr(before[pk], field), field
    assert Inquiry.objects.get(pk=untouched.pk).status == "open"
    assert Notification.objects.count() == notifications
    assert InquiryMessage.objects.count() == 1


def test_admin_changelist_queries_do_not_grow(client, superuser, buyer):
    client.force_login(superuser)
    for _ in range(3):
        make_inquiry(buyer, product=ListedProductFactory())
        make_request(buyer, quotes=1)
    counts = {}
    for model in ("inquiry", "buyingrequest", "quote", "shortlistitem"):
        with captured_queries() as context:
            client.get(reverse(f"admin:marketplace_{model}_changelist"))
        counts[model] = len(context.captured_queries)
    for _ in range(10):
        product = ListedProductFactory()
        make_inquiry(BuyerFactory(), product=product)
        make_request(BuyerFactory(), quotes=2)
        ShortlistItem.objects.create(buyer=buyer, product=product)
    for model, expected in counts.items():
        with captured_queries() as context:
            client.get(reverse(f"admin:marketplace_{model}_changelist"))
        assert len(context.captured_queries) == expected, model
