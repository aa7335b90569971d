"""One submission, one record: an inquiry, a reply, a buying request, a quote or a
registration sent twice (a double click, a retry, parallel requests) is created once,
nobody is told twice, and the second attempt is shown what the first one made.

Inquiries, replies and buying requests carry a random key in a hidden form field (and
in the API's ``Idempotency-Key`` header); quotes and registrations have a natural key
of their own (one per business and buying request or session). The parallel tests at
the end run on PostgreSQL, each request in its own thread and connection.
"""

import re
import threading
import time
from datetime import timedelta
from uuid import uuid4

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from rest_framework.test import APIClient

from core import idempotency
from marketplace import services
from marketplace.models import BuyingRequest, Inquiry, InquiryMessage, Quote
from mentoring.models import Registration, TrainingSession
from mentoring.services.trainings import MSG_ALREADY_REGISTERED
from notifications.models import Notification

from ..factories import (
    BusinessFactory,
    BuyerFactory,
    CategoryFactory,
    DoneSessionFactory,
    InquiryFactory,
    ListedProductFactory,
    MentorshipFactory,
    OwnerFactory,
)

pytestmark = pytest.mark.django_db

INQUIRIES = "/api/v1/inquiries/"
KEY_INPUT = re.compile(r'<input type="hidden" name="idempotency_key" value="([^"]*)"')


def shown(user, message) -> str:
    """``message`` as ``user`` reads it on a page (in their language, HTML-escaped)."""
    with translation.override(user.language):
        return escape(str(message))


def form_key(response) -> str:
    [key] = KEY_INPUT.findall(response.content.decode())
    return key


def inquiry_form(**overrides) -> dict:
    data = {
        "quantity": 500,
        "unit": "pack",
        "target_price_usd": "1.80",
        "incoterm": "FOB",
        "destination_country": "NL",
        "destination_port": "Rotterdam",
        "message": "Please quote 500 packs of pineapple chips, FOB Dumai.",
        "website_url": "",
    }
    data.update(overrides)
    return data


def api_payload(product, **overrides) -> dict:
    data = {
        "supplier": product.business.slug,
        "product": product.slug,
        "quantity": 500,
        "unit": "pack",
        "incoterm": "FOB",
        "destination_country": "NL",
        "message": "Please quote 500 packs, FOB Dumai.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def product(db):
    """A listed product whose business has an owner and an active mentor."""
    product = ListedProductFactory()
    MentorshipFactory(business=product.business)
    return product


def inquiry_url(product) -> str:
    return reverse("marketplace:inquiry-create-product", args=[product.slug])


# The form's key -----------------------------------------------------------------------


def test_each_form_rendered_has_a_new_key(client, buyer, product):
    client.force_login(buyer)
    first, second = (form_key(client.get(inquiry_url(product))) for _ in range(2))
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_a_form_shown_again_with_errors_keeps_its_key(client, buyer, product):
    client.force_login(buyer)
    key = uuid4().hex
    response = client.post(inquiry_url(product), inquiry_form(quantity=0, idempotency_key=key))
    assert response.status_code == 200
    assert form_key(response) == key
    assert not Inquiry.objects.exists()
    # Corrected and sent with that key: it goes out once.
    client.post(inquiry_url(product), inquiry_form(idempotency_key=key))
    assert Inquiry.objects.get().idempotency_key == key


def test_a_form_without_a_key_still_sends(client, buyer, product):
    """An old page (or a hand-made request) without a key is not deduplicated, not
    refused; a malformed key counts as none."""
    client.force_login(buyer)
    client.post(inquiry_url(product), inquiry_form())
    client.post(inquiry_url(product), inquiry_form(idempotency_key="has spaces\x00"))
    assert list(Inquiry.objects.values_list("idempotency_key", flat=True)) == ["", ""]


# Web forms sent twice ------------------------------------------------------------------


def test_inquiry_sent_twice_is_one_thread_told_once(
    client, buyer, product, django_capture_on_commit_callbacks
):
    client.force_login(buyer)
    key = form_key(client.get(inquiry_url(product)))
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(inquiry_url(product), inquiry_form(idempotency_key=key))
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(inquiry_url(product), inquiry_form(idempotency_key=key), follow=True)
    inquiry = Inquiry.objects.get()
    assert inquiry.messages.count() == 1
    # The owner and the mentor, each once.
    recipients = {product.business.owner.email, product.business.mentorships.get().mentor.email}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(recipients)
    assert Notification.objects.filter(kind="inquiry_received").count() == 2
    # The second attempt is told, and shown the thread the first one started.
    assert first["Location"] == inquiry.get_absolute_url()
    assert second.redirect_chain == [(inquiry.get_absolute_url(), 302)]
    page = second.content.decode()
    assert shown(buyer, idempotency.MSG_ALREADY_SENT) in page
    assert "Please quote 500 packs of pineapple chips" in page


def test_a_new_form_sends_a_new_inquiry(client, buyer, product):
    client.force_login(buyer)
    for _ in range(2):
        key = form_key(client.get(inquiry_url(product)))
        client.post(inquiry_url(product), inquiry_form(idempotency_key=key))
    assert Inquiry.objects.filter(buyer=buyer).count() == 2


def test_the_form_edited_and_sent_again_with_a_used_key_is_refused(client, buyer, product):
    """Back to a sent form, changed and sent again: not a silent replay of the first."""
    client.force_login(buyer)
    key = uuid4().hex
    client.post(inquiry_url(product), inquiry_form(idempotency_key=key))
    response = client.post(inquiry_url(product), inquiry_form(quantity=900, idempotency_key=key))
    assert response.status_code == 200
    assert shown(buyer, idempotency.MSG_KEY_REUSED) in response.content.decode()
    assert Inquiry.objects.get().quantity == 500


def test_reply_sent_twice_is_one_message_told_once(
    client, product, django_capture_on_commit_callbacks
):
    inquiry = services.inquiry_create(
        buyer=BuyerFactory(),
        business=product.business,
        quantity=500,
        unit="pack",
        incoterm="FOB",
        destination_country="NL",
        message="Please quote 500 packs.",
    )
    owner = product.business.owner
    client.force_login(owner)
    url = reverse("marketplace:inquiry-reply", args=[inquiry.pk])
    key = form_key(client.get(inquiry.get_absolute_url()))
    data = {"body": "Yes, 500 packs at US$ 1.90 FOB Dumai.", "idempotency_key": key}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
        second = client.post(url, data, follow=True)
    assert inquiry.messages.filter(author=owner).count() == 1
    assert [m.to for m in mail.outbox] == [[inquiry.buyer.email]]
    assert second.redirect_chain == [(f"{inquiry.get_absolute_url()}#latest", 302)]
    assert shown(owner, idempotency.MSG_ALREADY_SENT) in second.content.decode()
    # The thread page offers a new form with a new key for the next message.
    assert form_key(second) != key


def test_reply_form_shown_again_with_errors_keeps_its_key(client, product):
    inquiry = InquiryFactory(business=product.business)
    client.force_login(inquiry.buyer)
    key = uuid4().hex
    url = reverse("marketplace:inquiry-reply", args=[inquiry.pk])
    response = client.post(url, {"body": "", "idempotency_key": key})
    assert response.status_code == 200
    assert form_key(response) == key


@pytest.fixture
def request_world(db):
    """A category with two businesses listing in it (two owners to tell)."""
    category = CategoryFactory(name_en="Dried fruit", parent=CategoryFactory(name_en="Food"))
    products = [ListedProductFactory(category=category) for _ in range(2)]
    return category, [p.business.owner for p in products]


def request_form(category, **overrides) -> dict:
    data = {
        "title": "Dried pineapple rings",
        "description": "Unsweetened, 10 kg cartons, Halal certified.",
        "category": category.pk,
        "quantity": 2000,
        "unit": "kg",
        "target_price_usd": "4.50",
        "destination_country": "JP",
        "valid_until": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "website_url": "",
    }
    data.update(overrides)
    return data


def test_buying_request_posted_twice_is_one_request_told_once(
    client, buyer, request_world, django_capture_on_commit_callbacks
):
    category, owners = request_world
    client.force_login(buyer)
    url = reverse("marketplace:buying-request-create")
    key = form_key(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, request_form(category, idempotency_key=key))
        second = client.post(url, request_form(category, idempotency_key=key), follow=True)
    buying_request = BuyingRequest.objects.get()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(o.email for o in owners)
    assert second.redirect_chain == [(buying_request.get_absolute_url(), 302)]
    assert shown(buyer, idempotency.MSG_ALREADY_SENT) in second.content.decode()
    # Another form, another request.
    client.post(url, request_form(category, idempotency_key=form_key(client.get(url))))
    assert BuyingRequest.objects.count() == 2


def test_quote_sent_twice_is_one_quote_told_once(
    client, request_world, django_capture_on_commit_callbacks
):
    """A quote's key is (buying request, business): no hidden field needed."""
    category, owners = request_world
    buyer = BuyerFactory()
    buying_request = services.buying_request_create(
        buyer=buyer,
        title="Dried pineapple rings",
        description="Unsweetened, 10 kg cartons.",
        category=category,
        quantity=2000,
        unit="kg",
        destination_country="JP",
        valid_until=timezone.localdate() + timedelta(days=30),
    )
    owner = owners[0]
    client.force_login(owner)
    url = reverse("marketplace:quote-create", args=[buying_request.pk])
    data = {"price_usd": "4.20", "incoterm": "FOB", "moq": 500, "lead_time_days": 21}
    data["message"] = "We can supply 2 tonnes, Halal certified."
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
        second = client.post(url, data, follow=True)
    quote = Quote.objects.get()
    assert Inquiry.objects.filter(quote=quote).count() == 1
    assert [m.to for m in mail.outbox] == [[buyer.email]]
    assert second.redirect_chain == [(quote.inquiry.get_absolute_url(), 302)]
    assert shown(owner, services.MSG_ALREADY_QUOTED) in second.content.decode()


def test_registration_sent_twice_is_one_registration_told_once(
    client, django_capture_on_commit_callbacks
):
    """A registration's key is (session, business) among live registrations."""
    session = DoneSessionFactory(
        status=TrainingSession.Status.PUBLISHED,
        starts_at=timezone.now() + timedelta(days=7),
        registration_deadline=timezone.now() + timedelta(days=6),
    )
    owner = OwnerFactory()
    BusinessFactory(owner=owner)
    client.force_login(owner)
    url = reverse("mentoring:session-register", args=[session.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"attendee_name": "Siti"})
        second = client.post(url, {"attendee_name": "Siti"}, follow=True)
    registration = Registration.objects.get()
    assert [m.to for m in mail.outbox] == [[owner.email]]
    ticket = reverse("mentoring:registration-ticket", args=[registration.pk])
    assert second.redirect_chain == [(ticket, 302)]
    assert shown(owner, MSG_ALREADY_REGISTERED) in second.content.decode()


# The API ---------------------------------------------------------------------------------


@pytest.fixture
def api(buyer):
    client = APIClient()
    client.force_authenticate(buyer)
    return client


def test_api_retry_with_the_key_answers_the_first_inquiry(
    api, buyer, product, django_capture_on_commit_callbacks
):
    key = str(uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(INQUIRIES, api_payload(product), format="json", HTTP_IDEMPOTENCY_KEY=key)
        again = api.post(INQUIRIES, api_payload(product), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert idempotency.REPLAYED_HEADER not in first
    assert again[idempotency.REPLAYED_HEADER] == "true"
    assert again.json() == first.json()
    assert Inquiry.objects.get().pk == first.json()["id"]
    assert len(mail.outbox) == 2  # owner and mentor, once each


def test_api_without_a_key_sends_each_request(api, product):
    for _ in range(2):
        assert api.post(INQUIRIES, api_payload(product), format="json").status_code == 201
    assert Inquiry.objects.count() == 2


def test_api_key_reused_for_another_request_is_a_422(api, product):
    key = str(uuid4())
    api.post(INQUIRIES, api_payload(product), format="json", HTTP_IDEMPOTENCY_KEY=key)
    response = api.post(
        INQUIRIES, api_payload(product, quantity=900), format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code == 422
    with translation.override("en"):  # the API answers in English unless asked otherwise
        assert response.json() == {"detail": str(idempotency.MSG_KEY_REUSED), "errors": {}}
    assert Inquiry.objects.get().quantity == 500


@pytest.mark.parametrize("key", ["", "with space", "x" * 65, "ключ"])
def test_api_malformed_key_is_a_400(api, product, key):
    response = api.post(INQUIRIES, api_payload(product), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert not Inquiry.objects.exists()


def test_the_same_key_from_another_buyer_is_their_own(api, product):
    key = "order-2026-0001"
    api.post(INQUIRIES, api_payload(product), format="json", HTTP_IDEMPOTENCY_KEY=key)
    other = APIClient()
    other.force_authenticate(BuyerFactory())
    response = other.post(INQUIRIES, api_payload(product), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 201
    assert idempotency.REPLAYED_HEADER not in response
    assert Inquiry.objects.filter(idempotency_key=key).count() == 2


def test_the_schema_documents_the_key(api):
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"][INQUIRIES]["post"]
    assert "Idempotency-Key" in {p["name"] for p in operation["parameters"]}
    assert "422" in operation["responses"]
    assert idempotency.REPLAYED_HEADER in operation["responses"]["201"]["headers"]


# Services ------------------------------------------------------------------------------


def test_services_scope_keys_to_their_author(product, request_world):
    """One key, two buyers (or two authors in a thread): two rows, each told."""
    category, _owners = request_world
    terms = {"quantity": 10, "unit": "kg", "destination_country": "JP"}
    for buyer in (BuyerFactory(), BuyerFactory()):
        inquiry = services.inquiry_create(
            buyer=buyer,
            business=product.business,
            incoterm="FOB",
            message="Ten kilos, please.",
            idempotency_key="same",
            **terms,
        )
        services.inquiry_message_create(
            inquiry=inquiry, author=buyer, body="And a sample?", idempotency_key="same"
        )
        services.inquiry_message_create(
            inquiry=inquiry,
            author=product.business.owner,
            body="Gladly.",
            idempotency_key="same",
        )
        services.buying_request_create(
            buyer=buyer,
            title="Chips",
            description="Retail packs.",
            category=category,
            valid_until=timezone.localdate() + timedelta(days=30),
            idempotency_key="same",
            **terms,
        )
    assert Inquiry.objects.count() == 2
    assert InquiryMessage.objects.filter(idempotency_key="same").count() == 4
    assert BuyingRequest.objects.count() == 2


def test_a_replay_is_not_held_back_by_the_rate_limit(api, product):
    """The tenth inquiry of the hour, retried, is answered, not refused as an eleventh."""
    for n in range(services.INQUIRIES_PER_HOUR):
        key = f"key-{n}"
        api.post(INQUIRIES, api_payload(product), format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = api.post(INQUIRIES, api_payload(product), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert again.status_code == 201
    assert again[idempotency.REPLAYED_HEADER] == "true"
    assert Inquiry.objects.count() == services.INQUIRIES_PER_HOUR


# In parallel, on PostgreSQL --------------------------------------------------------------

PARALLEL = 10


def post_all_at_once(user, url: str, data: dict, *, times: int = PARALLEL) -> list[int]:
    """POST ``data`` to ``url`` as ``user`` from ``times`` threads at the same moment,
    each with its own client and database connection; the status codes."""
    barrier = threading.Barrier(times)
    codes: list[int] = []
    errors: list[BaseException] = []

    def post():
        try:
            client = Client()
            client.force_login(user)
            barrier.wait(timeout=30)
            codes.append(client.post(url, data).status_code)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return codes


@pytest.fixture
def crowd(postgres_db):
    product = ListedProductFactory()
    MentorshipFactory(business=product.business)
    return BuyerFactory(), product


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_with_one_key_make_one_inquiry(crowd):
    buyer, product = crowd
    codes = post_all_at_once(buyer, inquiry_url(product), inquiry_form(idempotency_key="k1"))
    assert codes == [302] * PARALLEL
    inquiry = Inquiry.objects.get(buyer=buyer)
    assert inquiry.messages.count() == 1
    assert Notification.objects.filter(kind="inquiry_received").count() == 2
    assert len(mail.outbox) == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_control_parallel_submissions_without_a_key_make_as_many_inquiries(crowd):
    """The same requests without the key: every one of them writes a thread."""
    buyer, product = crowd
    codes = post_all_at_once(buyer, inquiry_url(product), inquiry_form())
    assert codes == [302] * PARALLEL
    assert Inquiry.objects.filter(buyer=buyer).count() == PARALLEL
    assert Notification.objects.filter(kind="inquiry_received").count() == 2 * PARALLEL


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_without_the_lock_are_held_by_the_unique_index(crowd, monkeypatch):
    """With the buyer's row lock taken out and a pause between looking for the key and
    writing, every request misses the others' rows; the partial unique index lets one
    insert through and the others are answered as replays of it (no 500, one row)."""
    buyer, product = crowd
    real_check = services.check_replay

    def slow_check(*args, **kwargs):
        real_check(*args, **kwargs)
        time.sleep(0.3)  # let the others look too

    monkeypatch.setattr(services, "_lock_user", lambda user: None)
    monkeypatch.setattr(services, "check_replay", slow_check)
    codes = post_all_at_once(buyer, inquiry_url(product), inquiry_form(idempotency_key="k2"))
    assert codes == [302] * PARALLEL
    assert Inquiry.objects.filter(buyer=buyer).count() == 1
    assert InquiryMessage.objects.count() == 1
    assert Notification.objects.filter(kind="inquiry_received").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_api_retries_make_one_inquiry(crowd):
    buyer, product = crowd
    barrier = threading.Barrier(PARALLEL)
    answers: list[tuple[int, int, str]] = []

    def post():
        try:
            client = APIClient()
            client.force_authenticate(buyer)
            barrier.wait(timeout=30)
            response = client.post(
                INQUIRIES, api_payload(product), format="json", HTTP_IDEMPOTENCY_KEY="retry-1"
            )
            answers.append(
                (response.status_code, response.json()["id"], response.get("Idempotent-Replayed"))
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    inquiry = Inquiry.objects.get(buyer=buyer)
    assert sorted(answers, key=lambda a: a[2] or "") == [(201, inquiry.pk, None)] + [
        (201, inquiry.pk, "true")
    ] * (PARALLEL - 1)
    assert len(mail.outbox) == 2
