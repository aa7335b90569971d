"""The web-side security sweep: CSRF on every URL, sign-out by POST only, rate limits on
every password check (site, admin, API), security headers, escaping of everything a
user typed, and how uploaded files are served.
"""

from __future__ import annotations

import json
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from allauth.account import app_settings as allauth_settings
from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.html import escape
from rest_framework.authtoken.models import Token

from marketplace import services as marketplace_services
from marketplace.models import BuyerProfile, BuyingRequest, Inquiry
from mentoring.models import (
    ActionItem,
    MentoringLog,
    MentorProfile,
    Registration,
    SessionMaterial,
    TrainingSession,
)
from umkm.models import Certification

from ..factories import (
    PASSWORD,
    BusinessFactory,
    BuyerFactory,
    CertificationFactory,
    ListedProductFactory,
    MentorFactory,
    MentorshipFactory,
    OwnerFactory,
    PendingMentorFactory,
    StaffFactory,
)
from .idor_registry import (
    ADMIN_PREFIX,
    CONTROL_ORDER,
    REGISTRY,
    Actors,
    World,
    admin_urls,
    fingerprint,
    walk,
)

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
CSRF_TOKEN = "k" * 32  # an unmasked secret: the cookie and the form field agree


def text(response) -> str:
    return response.content.decode(errors="replace")


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# CSRF ----------------------------------------------------------------------------------

# Arguments for the URLs that are not in the IDOR registry (no private object behind).
PUBLIC_KWARGS = {
    "django.contrib.sitemaps.views.sitemap": {"section": "products"},
    "media": {"path": "logos/none.jpg"},
    "mentoring:calendar-feed-ics": {"token": "no-such-token"},
    "account_confirm_email": {"key": "no-such-key"},
    "account_reset_password_from_key": {"uidb36": "1", "key": "no-such-key"},
}
# Who would post to a URL without an argument (default: an owner).
POSTERS = {
    "account_login": "anonymous",
    "account_signup": "anonymous",
    "account_reset_password": "anonymous",
    "account_reset_password_from_key": "anonymous",
    "account_confirm_login_code": "anonymous",
    "backoffice:staff-dashboard": "staff",
    "backoffice:staff-queues": "staff",
    "mentoring:mentor-profile": "mentor",
    "mentoring:mentorship-assign": "staff",
    "mentoring:session-create": "mentor",
    "marketplace:buyer-profile": "buyer",
    "marketplace:buying-request-create": "buyer",
    "api:inquiry-list": "buyer",
}
# Deliberately without CSRF, each with its reason.
CSRF_EXEMPT = {
    "api:token": "a password-for-token exchange that sets no cookie and reads none; "
    "a cross-site page cannot read the token it answers",
    "whatsapp-webhook": "Meta's server posts it without cookies; only a valid "
    "X-Hub-Signature-256 (HMAC of the body with the app secret) is accepted",
}


def accepts_post(url: str) -> bool:
    func = resolve(url).func
    actions = getattr(func, "actions", None)  # a DRF viewset: {"get": "list", ...}
    if actions is not None:
        return "post" in actions
    view = getattr(func, "view_class", None) or getattr(func, "cls", None)
    return view is not None and hasattr(view, "post") and "post" in view.http_method_names


def site_routes(world: World):
    """(name, url, poster) for every URL of the site but the admin's."""
    for route in walk():
        if route.path.startswith(ADMIN_PREFIX):
            continue
        if route.name in REGISTRY:
            case = next((c for c in REGISTRY[route.name] if "post" in c.methods), None)
            case = case or REGISTRY[route.name][0]
            url = reverse(route.name, kwargs=case.kwargs(world))
            allowed = case.changers if "post" in case.methods else case.see
            poster = next((a for a in CONTROL_ORDER if a in allowed), "owner")
            yield route.name, url, poster, case.data(world)
        elif route.name in PUBLIC_KWARGS:
            yield route.name, reverse(route.name, kwargs=PUBLIC_KWARGS[route.name]), "owner", {}
        elif route.arguments:
            continue  # not in the IDOR registry yet: that test says so
        else:
            yield route.name, reverse(route.name), POSTERS.get(route.name, "owner"), {}


def csrf_client(actors: Actors, actor: str, *, token: bool) -> Client:
    client = Client(enforce_csrf_checks=True)
    if actor != "anonymous":
        client.force_login(actors.world.user(actor))
    if token:
        client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_TOKEN
    return client


def is_csrf_failure(response) -> bool:
    if response.status_code != 403:
        return False
    data = getattr(response, "data", None)  # DRF: {"detail": "CSRF Failed: …"}
    if isinstance(data, dict):
        return "CSRF" in str(data.get("detail", ""))
    return "CSRF" in text(response)


def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing():
    world = World()
    actors = Actors(world)
    routes = list(site_routes(world))
    assert len(routes) > 100
    posting = 0
    before = fingerprint()
    for name, url, poster, data in routes:
        if name in CSRF_EXEMPT:
            continue
        posting += accepts_post(url)
        response = csrf_client(actors, poster, token=False).post(url, data)
        assert is_csrf_failure(response), f"POST {url} ({name}) as {poster} without a token"
    assert posting > 60  # the forms, the workflow buttons, allauth and the API
    assert fingerprint() == before


def test_the_same_posts_with_a_token_pass_the_csrf_check():
    """The control: the refusals above come from the missing token, nothing else."""
    world = World()
    actors = Actors(world)
    for name, url, poster, data in site_routes(world):
        if name in CSRF_EXEMPT or not accepts_post(url):
            continue
        client = csrf_client(actors, poster, token=True)
        response = client.post(
            url, {**data, "csrfmiddlewaretoken": CSRF_TOKEN}, HTTP_X_CSRFTOKEN=CSRF_TOKEN
        )
        assert not is_csrf_failure(response), f"POST {url} ({name}) as {poster} with a token"


def test_the_api_refuses_a_session_post_without_a_token():
    """DRF checks CSRF itself for session users; a token-authenticated client needs none."""
    buyer = BuyerFactory()
    product = ListedProductFactory()
    payload = {
        "supplier": product.business.slug,
        "product": product.slug,
        "quantity": 500,
        "unit": "pack",
        "incoterm": "FOB",
        "destination_country": "NL",
        "message": "Please quote 500 packs, FOB Dumai.",
    }
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    url = reverse("api:inquiry-list")
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Inquiry.objects.filter(buyer=buyer).exists()
    token = Token.objects.create(user=buyer)
    api = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.post(url, payload, content_type="application/json")
    assert response.status_code == 201, response.content


def test_admin_posts_without_a_csrf_token_are_refused():
    staff = StaffFactory(is_superuser=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    before = fingerprint()
    for url in admin_urls():
        response = client.post(url, {"post": "yes"})
        assert is_csrf_failure(response), url
    assert fingerprint() == before


def test_the_csrf_failure_page_is_a_403_without_a_traceback():
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"login": "a@example.com", "password": "x"})
    assert response.status_code == 403
    assert "Traceback" not in text(response)


# Signing out ---------------------------------------------------------------------------


def test_sign_out_needs_a_post_with_a_csrf_token():
    owner = OwnerFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.get("/accounts/logout/").status_code == 200  # a confirmation page
    assert is_signed_in(client)
    assert client.post("/accounts/logout/").status_code == 403  # a cross-site form
    assert is_signed_in(client)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_TOKEN
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": CSRF_TOKEN})
    assert response.status_code == 302
    assert not is_signed_in(client)


def test_the_admin_signs_out_by_post_only():
    client = Client()
    client.force_login(StaffFactory(is_superuser=True))
    assert client.get(reverse("admin:logout")).status_code == 405
    assert is_signed_in(client)
    assert client.post(reverse("admin:logout")).status_code == 200
    assert not is_signed_in(client)


def test_the_header_signs_out_with_a_form_not_a_link():
    client = Client()
    client.force_login(OwnerFactory())
    page = text(client.get(reverse("accounts:profile")))
    assert 'href="/accounts/logout/"' not in page
    assert 'method="post" action="/accounts/logout/"' in page


# Rate limits on passwords ----------------------------------------------------------------

TOO_MANY = "Too many failed login attempts. Try again later."


def english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def test_allauth_rate_limits_are_on():
    assert getattr(settings, "ACCOUNT_RATE_LIMITS", {}) is not False
    limits = allauth_settings.RATE_LIMITS
    for action in ("login", "login_failed", "signup", "reset_password", "confirm_email"):
        assert limits.get(action), action


def admin_login(client: Client, email: str, password: str):
    return client.post(
        reverse("admin:login"), {"username": email, "password": password, "next": "/admin/"}
    )


def test_the_admin_refuses_the_sixth_failed_password_for_an_account():
    staff = english(StaffFactory(is_superuser=True))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _attempt in range(5):
        response = admin_login(client, staff.email, "wrong-password")
        assert response.status_code == 200
        assert TOO_MANY not in text(response)
    response = admin_login(client, staff.email, PASSWORD)  # even the right one
    assert response.status_code == 200
    assert TOO_MANY in text(response)
    assert not is_signed_in(client)
    # Another account from the same address is not locked out.
    other = StaffFactory(is_superuser=True)
    response = admin_login(Client(), other.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_admin_refuses_more_than_ten_failures_a_minute_from_one_address():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for number in range(10):
        assert TOO_MANY not in text(admin_login(client, f"guess{number}@example.com", "x"))
    staff = StaffFactory(is_superuser=True)
    response = admin_login(client, staff.email, PASSWORD)
    assert TOO_MANY in text(response)
    assert not is_signed_in(client)


def test_the_admin_still_signs_staff_in_and_refuses_others():
    staff = StaffFactory(is_superuser=True)
    client = Client()
    assert admin_login(client, staff.email, PASSWORD).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    owner = OwnerFactory()
    response = admin_login(Client(), owner.email, PASSWORD)
    assert response.status_code == 200  # not staff: the form says so
    assert "_auth_user_id" not in response.wsgi_request.session


def test_failures_on_the_site_lock_the_admin_and_the_api_for_that_address():
    """One budget per address, whichever door the guesses come through."""
    staff = english(StaffFactory(is_superuser=True))
    buyer = BuyerFactory()
    for user in (staff, buyer):
        for _attempt in range(5):
            Client(HTTP_ACCEPT_LANGUAGE="en").post(
                LOGIN, {"login": user.email, "password": "wrong-password"}
            )
    assert TOO_MANY in text(admin_login(Client(HTTP_ACCEPT_LANGUAGE="en"), staff.email, PASSWORD))
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("api:token"),
        {"email": buyer.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 429
    assert TOO_MANY in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    assert not Token.objects.exists()


def test_the_api_token_endpoint_counts_failures_per_address_across_addresses():
    buyer = BuyerFactory()
    url = reverse("api:token")
    for number in range(5):
        client = Client(REMOTE_ADDR=f"198.51.100.{number + 1}")  # five different hosts
        response = client.post(
            url, {"email": buyer.email, "password": "guess"}, content_type="application/json"
        )
        assert response.status_code == 400
    response = Client(REMOTE_ADDR="198.51.100.99").post(
        url, {"email": buyer.email, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 429
    assert not Token.objects.exists()


def test_a_forged_forwarded_for_header_does_not_dodge_the_limits(settings):
    """Without a proxy in front (TRUSTED_PROXY_COUNT=0) every limit counts the connecting
    address, whatever X-Forwarded-For a client sends."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "3/min",
        },
    }
    client = Client()
    statuses = [
        client.get(reverse("api:category-list"), HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    english_client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for number in range(10):
        english_client.post(
            LOGIN,
            {"login": f"guess{number}@example.com", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        )
    owner = OwnerFactory()
    response = english_client.post(
        LOGIN, {"login": owner.email, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="192.0.2.1"
    )
    assert TOO_MANY in text(response)
    assert not is_signed_in(english_client)


def test_behind_one_proxy_the_address_it_saw_is_counted(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "NUM_PROXIES": 1,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "anon": "2/min",
        },
    }
    url = reverse("api:category-list")
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    # One client, forging the left part of the header: still one address.
    forged = [
        proxy.get(url, HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.7").status_code for n in range(3)
    ]
    assert forged == [200, 200, 429]
    # Another client behind the same proxy has its own budget.
    assert proxy.get(url, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200


def test_the_proxy_count_setting_reaches_allauth_and_the_api():
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == settings.TRUSTED_PROXY_COUNT == 0
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0


def test_password_reset_requests_are_limited_per_address():
    owner = OwnerFactory()
    client = Client()
    statuses = [
        client.post("/accounts/password/reset/", {"email": owner.email}).status_code
        for _ in range(6)
    ]
    assert 429 not in statuses[:5]
    assert statuses[5] == 429
    assert len(mail.outbox) <= 5


# Security headers ----------------------------------------------------------------------


def test_pages_carry_the_security_headers():
    owner = OwnerFactory()
    client = Client()
    client.force_login(owner)
    responses = {
        "page": client.get(reverse("umkm:dashboard")),
        "404": client.get("/no-such-page/"),
        "api": client.get(reverse("api:category-list")),
        "anonymous": Client().get("/"),
    }
    for what, response in responses.items():
        assert response["X-Content-Type-Options"] == "nosniff", what
        assert response["X-Frame-Options"] == "DENY", what
        assert response["Referrer-Policy"] == "same-origin", what
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", what


def test_https_responses_carry_hsts_and_cookies_are_secure():
    owner = OwnerFactory()
    client = Client()
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    response = client.post(LOGIN, {"login": owner.email, "password": PASSWORD}, secure=True)
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"
    client.get(LOGIN, secure=True)
    assert client.cookies[settings.CSRF_COOKIE_NAME]["secure"]


def test_pages_carry_a_content_security_policy_without_inline_scripts():
    response = Client().get("/")
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    json_response = Client().get(reverse("api:category-list"))
    assert json_response["Content-Security-Policy"] == response["Content-Security-Policy"]


def test_only_the_api_docs_may_run_inline_script():
    """Swagger UI (drf-spectacular) starts itself with an inline script; it shows no
    user text."""
    response = Client().get(reverse("api-docs"))
    assert "script-src 'self' 'unsafe-inline'" in response["Content-Security-Policy"]


def test_pictures_from_object_storage_are_allowed_by_the_policy(settings):
    from django.http import HttpResponse

    from config.security import ContentSecurityPolicyMiddleware

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "jembatan-media",
                "custom_domain": "media.jembatan.example.id",
                "querystring_auth": False,
                "access_key": "x",
                "secret_key": "y",
            },
        },
    }
    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())
    header = middleware(None)["Content-Security-Policy"]
    assert "img-src 'self' data: https://media.jembatan.example.id;" in header


# Escaping: nothing a user typed is rendered as HTML ----------------------------------------


def payload(tag: str) -> str:
    return f'<script>alert("{tag}")</script><img src=x onerror=alert("{tag}")>'


TAGS = {
    "owner_name": "owner-name",
    "mentor_name": "mentor-name",
    "buyer_name": "buyer-name",
    "business_name": "business-name",
    "business_description": "business-description",
    "product_name": "product-name",
    "product_description": "product-description",
    "inquiry_message": "inquiry-message",
    "log_notes": "log-notes",
    "action_item": "action-item",
    "request_title": "request-title",
    "request_description": "request-description",
    "training_title": "training-title",
    "training_description": "training-description",
    "attendee": "attendee",
    "mentor_bio": "mentor-bio",
    "buyer_company": "buyer-company",
    "certificate_number": "certificate-number",
}
P = {key: payload(tag) for key, tag in TAGS.items()}


class Stage:
    """Every place a person types text, filled with markup."""

    def __init__(self, capture):
        self.owner = OwnerFactory(full_name=P["owner_name"])
        self.mentor = MentorFactory(full_name=P["mentor_name"])
        self.buyer = BuyerFactory(full_name=P["buyer_name"])
        self.staff = StaffFactory(is_superuser=True)
        PendingMentorFactory(full_name=P["mentor_name"])
        MentorProfile.objects.create(
            user=self.mentor, topics=["export"], bio_id=P["mentor_bio"], bio_en=P["mentor_bio"]
        )
        BuyerProfile.objects.create(
            user=self.buyer, company=P["buyer_company"], country="NL", buyer_type="importer"
        )
        self.business = BusinessFactory(
            owner=self.owner,
            name=P["business_name"],
            description_id=P["business_description"],
            description_en=P["business_description"],
            verified_at=None,
        )
        CertificationFactory(business=self.business, number=P["certificate_number"])
        self.product = ListedProductFactory(
            business=self.business,
            name_id=P["product_name"],
            name_en=P["product_name"],
            description_id=P["product_description"],
            description_en=P["product_description"],
        )
        self.mentorship = MentorshipFactory(business=self.business, mentor=self.mentor)
        log = MentoringLog.objects.create(
            mentorship=self.mentorship,
            date=timezone.localdate(),
            mode="visit",
            duration_hours=1,
            notes=P["log_notes"],
        )
        ActionItem.objects.create(
            mentorship=self.mentorship,
            log=log,
            title=P["action_item"],
            due_on=timezone.localdate() + timedelta(days=7),
        )
        with capture(execute=True):
            self.inquiry = marketplace_services.inquiry_create(
                buyer=self.buyer,
                business=self.business,
                product=self.product,
                quantity=500,
                unit="pack",
                incoterm="FOB",
                destination_country="NL",
                message=P["inquiry_message"],
            )
        self.request = BuyingRequest.objects.create(
            buyer=self.buyer,
            title=P["request_title"],
            description=P["request_description"],
            category=self.product.category,
            quantity=1000,
            unit="pack",
            destination_country="NL",
            valid_until=timezone.localdate() + timedelta(days=30),
        )
        starts = (timezone.now() + timedelta(days=5)).replace(second=0, microsecond=0)
        self.session = TrainingSession.objects.create(
            host=self.mentor,
            title=P["training_title"],
            topic="export",
            description_id=P["training_description"],
            description_en=P["training_description"],
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            registration_deadline=starts - timedelta(hours=1),
            mode="offline",
            venue="Aula",
            city="Pekanbaru",
            capacity=10,
            status="published",
        )
        self.registration = Registration.objects.create(
            session=self.session,
            business=self.business,
            attendee_name=P["attendee"],
            status=Registration.Status.CONFIRMED,
        )


def pages(stage: Stage) -> list[tuple[str, str, set[str]]]:
    """(who, URL, the fields the page must show) for the pages that show them."""
    product_page = reverse("marketplace:product", args=[stage.product.slug])
    session_page = reverse("mentoring:session-detail", args=[stage.session.pk])
    mentorship = reverse("mentoring:mentorship-detail", args=[stage.mentorship.pk])
    inquiry = reverse("marketplace:inquiry-detail", args=[stage.inquiry.pk])
    request = reverse("marketplace:buying-request-detail", args=[stage.request.pk])
    month = timezone.localtime(stage.session.starts_at)
    return [
        ("anonymous", "/catalogue/", {"product_name", "business_name"}),
        ("anonymous", product_page, {"product_name", "product_description", "business_name"}),
        (
            "anonymous",
            reverse("marketplace:supplier", args=[stage.business.slug]),
            {"business_name", "business_description", "product_name"},
        ),
        ("anonymous", reverse("mentoring:session-list"), {"training_title"}),
        ("anonymous", session_page, {"training_title", "training_description", "mentor_name"}),
        ("owner", reverse("umkm:dashboard"), {"business_name"}),
        ("owner", stage.business.get_absolute_url(), {"business_name", "certificate_number"}),
        ("owner", stage.product.get_absolute_url(), {"product_name", "product_description"}),
        ("owner", reverse("mentoring:my-mentors"), {"log_notes", "action_item"}),
        ("owner", mentorship, {"log_notes", "action_item", "mentor_name"}),
        ("owner", reverse("marketplace:inquiry-list"), {"buyer_name"}),
        ("owner", inquiry, {"inquiry_message", "buyer_name"}),
        ("owner", reverse("marketplace:buying-request-list"), {"request_title"}),
        ("owner", request, {"request_title", "request_description"}),
        ("owner", reverse("notifications:list"), {"buyer_name"}),
        ("owner", reverse("mentoring:registration-list"), {"training_title", "attendee"}),
        ("owner", reverse("mentoring:mentor-directory"), {"mentor_name", "mentor_bio"}),
        ("mentor", reverse("mentoring:dashboard"), {"business_name"}),
        ("mentor", mentorship, {"log_notes", "business_name", "owner_name"}),
        (
            "mentor",
            reverse("mentoring:session-check-in", args=[stage.session.pk]),
            {"attendee"},
        ),
        (
            "mentor",
            reverse("mentoring:session-month", args=[month.year, month.month]),
            {"training_title"},
        ),
        ("buyer", reverse("marketplace:buyer-dashboard"), {"business_name"}),
        ("buyer", inquiry, {"inquiry_message", "business_name"}),
        ("buyer", request, {"request_title", "request_description"}),
        ("buyer", product_page, {"product_name"}),
        ("staff", reverse("umkm:staff-verification"), {"business_name"}),
        ("staff", inquiry, {"inquiry_message", "buyer_name"}),
        (
            "staff",
            reverse("admin:umkm_business_change", args=[stage.business.pk]),
            {"business_name"},
        ),
        ("staff", reverse("admin:marketplace_inquirymessage_changelist"), set()),
    ]


class InlineCode(HTMLParser):
    """What the Content-Security-Policy would block: inline scripts (JSON-LD is data,
    not run) and event-handler attributes."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        data = attributes.get("type") == "application/ld+json"
        if tag == "script" and "src" not in attributes and not data:
            self.found.append("inline <script>")
        self.found += [f"<{tag} {name}=…>" for name in attributes if name.startswith("on")]


def inline_code(page: str) -> list[str]:
    parser = InlineCode()
    parser.feed(page)
    return parser.found


def test_user_text_is_escaped_on_every_page_that_shows_it(django_capture_on_commit_callbacks):
    stage = Stage(django_capture_on_commit_callbacks)
    clients = {"anonymous": Client()}
    for actor in ("owner", "mentor", "buyer", "staff"):
        clients[actor] = Client()
        clients[actor].force_login(getattr(stage, actor))
    shown = set()
    for actor, url, fields in pages(stage):
        response = clients[actor].get(url)
        assert response.status_code == 200, (actor, url)
        page = text(response)
        for key, value in P.items():
            assert value not in page, f"{url} as {actor} shows {key} unescaped"
        assert "<img src=x" not in page and 'onerror=alert("' not in page, url
        assert not inline_code(page), (url, inline_code(page))
        for key in fields:
            assert escape(P[key]) in page, f"{url} as {actor} does not show {key}"
            shown.add(key)
    assert shown == set(P) - {"buyer_company"}  # every field was seen at least once


def test_json_ld_cannot_close_its_script_element(django_capture_on_commit_callbacks):
    stage = Stage(django_capture_on_commit_callbacks)
    page = text(Client().get(reverse("marketplace:product", args=[stage.product.slug])))
    start = page.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    block = page[start : page.index("</script>", start)]
    assert "<" not in block and ">" not in block
    data = json.loads(block)
    assert data["name"] == P["product_name"]  # the text survives, as JSON
    assert data["brand"]["name"] == P["business_name"]


def test_the_html_part_of_emails_escapes_user_text(django_capture_on_commit_callbacks):
    Stage(django_capture_on_commit_callbacks)
    sent = [m for m in mail.outbox if P["inquiry_message"] in m.body]
    assert sent, "the inquiry email carries the buyer's message"
    for message in sent:
        (part, mimetype) = message.alternatives[0]
        assert mimetype == "text/html"
        assert P["inquiry_message"] not in part
        assert escape(P["inquiry_message"]) in part
        assert P["buyer_name"] not in part


def test_a_name_with_line_breaks_cannot_add_email_headers(django_capture_on_commit_callbacks):
    """Django refuses line breaks in headers; the subject is made one line, so the
    email still leaves, to its recipient only."""
    buyer = BuyerFactory(full_name="Eve\r\nBcc: victim@example.com")
    product = ListedProductFactory()
    with django_capture_on_commit_callbacks(execute=True):
        marketplace_services.inquiry_create(
            buyer=buyer,
            business=product.business,
            product=product,
            quantity=500,
            unit="pack",
            incoterm="FOB",
            destination_country="NL",
            message="Please quote 500 packs, FOB Dumai.",
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [product.business.owner.email]
    assert message.bcc == [] and message.cc == []
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "victim@example.com" not in str(message.message()["Bcc"] or "")
    assert "Eve Bcc: victim@example.com" in message.subject


def test_the_api_answers_json_never_html(django_capture_on_commit_callbacks):
    stage = Stage(django_capture_on_commit_callbacks)
    response = Client().get(reverse("api:product-detail", args=[stage.product.slug]))
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.json()["name"] == P["product_name"]


# Serving uploaded files --------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def assert_private_download(response, content_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def certificate_with(name: str, data: bytes) -> Certification:
    certification = CertificationFactory(business=BusinessFactory())
    certification.document.save(name, ContentFile(data))
    return certification


def test_certificate_documents_download_as_pdf_attachments():
    certification = certificate_with("scan.pdf", PDF)
    client = Client()
    client.force_login(certification.business.owner)
    response = client.get(reverse("umkm:certification-document", args=[certification.pk]))
    assert_private_download(response, "application/pdf")


def test_session_materials_download_as_pdf_attachments():
    mentor = MentorFactory()
    starts = timezone.now() + timedelta(days=3)
    session = TrainingSession.objects.create(
        host=mentor,
        title="Ekspor",
        topic="export",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        registration_deadline=starts,
        mode="online",
        capacity=5,
        status="published",
    )
    material = SessionMaterial(session=session, title="Slides")
    material.file.save("slides.pdf", ContentFile(PDF))
    client = Client()
    client.force_login(mentor)
    response = client.get(reverse("mentoring:material-download", args=[material.pk]))
    assert_private_download(response, "application/pdf")


def test_inquiry_attachments_download_as_pdf_attachments(django_capture_on_commit_callbacks):
    stage = Stage(django_capture_on_commit_callbacks)
    message = stage.inquiry.messages.get()
    message.attachment.save("quote.pdf", ContentFile(PDF))
    client = Client()
    client.force_login(stage.owner)
    url = reverse("marketplace:inquiry-attachment", args=[stage.inquiry.pk, message.pk])
    assert_private_download(client.get(url), "application/pdf")


@pytest.mark.parametrize("name", ["old-upload.html", "page.svg", "script.js", "notes.txt"])
def test_a_stored_document_of_another_kind_is_served_as_bytes_only(name):
    """Files stored before the checks (or put there by hand) never come back as a page
    the browser would run: only PDF, JPEG and PNG keep their type."""
    certification = certificate_with(name, b"<script>alert(1)</script>")
    client = Client()
    client.force_login(certification.business.owner)
    response = client.get(reverse("umkm:certification-document", args=[certification.pk]))
    assert_private_download(response, "application/octet-stream")


def test_public_media_are_served_as_pictures_only(settings):
    media = settings.MEDIA_ROOT
    (media / "logos").mkdir(parents=True)
    (media / "logos" / "a.jpg").write_bytes(b"\xff\xd8\xff\xe0fake-jpeg")
    (media / "logos" / "a.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    (media / "products").mkdir()
    (media / "products" / "a.webp").write_bytes(b"RIFF0000WEBPfake")
    (media / "logos" / "evil.html").write_bytes(b"<script>alert(1)</script>")
    (media / "logos" / "evil.svg").write_bytes(b"<svg><script>alert(1)</script></svg>")
    client = Client()
    for path, content_type in [
        ("logos/a.jpg", "image/jpeg"),
        ("logos/a.png", "image/png"),
        ("products/a.webp", "image/webp"),
    ]:
        response = client.get(f"/media/{path}")
        assert response.status_code == 200, path
        assert response["Content-Type"] == content_type
        assert response["X-Content-Type-Options"] == "nosniff"
    for path in ("logos/evil.html", "logos/evil.svg", "logos/../../etc/passwd"):
        assert client.get(f"/media/{path}").status_code == 404, path


def test_private_documents_are_never_under_media(settings):
    certification = certificate_with("scan.pdf", PDF)
    name = certification.document.name
    assert Client().get(f"/media/{name}").status_code == 404
    assert not (settings.MEDIA_ROOT / name).exists()
