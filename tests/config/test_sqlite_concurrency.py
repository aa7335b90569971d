"""The embedded default takes concurrent writes: no "database is locked" (issue 18).

The proof runs real parallel requests against a threaded live server (Django's
``LiveServerThread``, the server ``runserver`` uses): in one burst, N verified buyers
send an inquiry through the web form, a buyer and a supplier post N replies in one
thread, and N owners register for one training. N is 8, then 32. No request may answer
5xx, and every accepted request is stored exactly once.

Where the database comes from:

- SQLite: the suite's test database is in memory, shared by one connection that the
  live server would hand to every request thread (pytest-django does that for memory
  databases), so the requests would never meet a lock. ``served_database`` therefore
  copies the migrated test database into a file under ``tmp_path`` with sqlite3's backup
  API (no migrations run again) and points the default connection at that file for the
  test, so every request thread opens its own connection with the settings' options,
  as under ``make run``. The memory database is kept alive meanwhile and is back in
  place before pytest-django flushes it. Nothing changes for other tests; the
  session-wide ``django_db_modify_db_settings`` would have moved the whole suite to a
  file.
- PostgreSQL (marker ``postgres``): the test database itself; required under CI, skipped
  locally without ``DATABASE_URL=postgres://…``.

The control shows the problem is real: the same burst on a SQLite file with Django's
defaults (deferred transactions, rollback journal, 5 s wait) loses requests to
"database is locked", and those answer the 503 page of ``config.database`` (not a 500).
"""

import http.client
import io
import os
import re
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from contextlib import contextmanager
from datetime import date, timedelta
from html import unescape
from unittest.mock import Mock, patch
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.test.testcases import LiveServerThread
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext
from PIL import Image
from rest_framework.test import APIClient

from config.database import MSG_API_BUSY, DatabaseBusyMiddleware, is_lock_timeout
from core import uploads as core_uploads
from marketplace import services as marketplace_services
from marketplace.models import Inquiry, InquiryMessage
from mentoring.models import Registration, TrainingSession
from umkm import services as umkm_services
from umkm.models import Certification, ProductImage

from ..conftest import require_service
from ..factories import (
    BusinessFactory,
    BuyerFactory,
    DoneSessionFactory,
    InquiryFactory,
    ListedProductFactory,
)
from ..support import ROOT
from ..support.pdfs import pdf_file

PDF_BYTES = pdf_file()  # a whole PDF: uploads are parsed

# Backends ----------------------------------------------------------------------------


@contextmanager
def sqlite_file_database(path, *, options=None):
    """Point the default connection at a file copy of the in-memory test database."""
    connection.ensure_connection()
    memory_name = connection.settings_dict["NAME"]
    saved_options = connection.settings_dict["OPTIONS"]
    keeper = sqlite3.connect(memory_name, uri=True)  # the memory database outlives the swap
    try:
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        connection.settings_dict["NAME"] = str(path)  # every thread's connection reads this
        if options is not None:
            connection.settings_dict["OPTIONS"] = options
        connection.close()  # a file database now: really closes
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = memory_name
        connection.settings_dict["OPTIONS"] = saved_options
        connection.ensure_connection()  # the memory database again, for the flush
        keeper.close()


def needs_sqlite_suite():
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        pytest.skip("the suite runs on PostgreSQL; this SQLite case runs without DATABASE_URL")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def served_database(request, transactional_db, tmp_path):
    """The database the live server's request threads open, one connection each."""
    if request.param == "postgresql":
        require_service(
            connection.vendor == "postgresql",
            "needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/jembatan",
        )
        yield request.param
        return
    needs_sqlite_suite()
    with sqlite_file_database(tmp_path / "site.sqlite3"):
        yield request.param


# The live server ---------------------------------------------------------------------


class _Server(ThreadedWSGIServer):
    # Every connection of a burst is accepted at once: the test measures the database,
    # not the listen backlog (10 in Django's server).
    request_queue_size = 128


class _ServerThread(LiveServerThread):
    server_class = _Server


@contextmanager
def live_server():
    """A threaded server on a free port, every request in its own thread and connection
    (no connection handed over from the test, unlike pytest-django's ``live_server``
    on an in-memory database)."""
    thread = _ServerThread("127.0.0.1", static_handler=lambda handler: handler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait(timeout=30)
    if thread.error:
        raise thread.error
    try:
        yield thread.port
    finally:
        thread.terminate()


# Requests ----------------------------------------------------------------------------


class Person:
    """A signed-in browser: session and CSRF cookies, and the form's token."""

    def __init__(self, user):
        client = Client()
        client.force_login(user)
        self.user = user
        self.session = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.csrf = get_random_string(32)

    def post(self, port: int, path: str, data: dict, *, ready=None) -> int:
        body = urlencode({**data, "csrfmiddlewaretoken": self.csrf})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session}; "
            f"{settings.CSRF_COOKIE_NAME}={self.csrf}",
        }
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            if ready is not None:
                ready.wait(timeout=30)
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()


def all_at_once(port: int, posts: list[tuple[Person, str, dict]]) -> list[int]:
    """Send every POST at the same moment; the status codes in the order given."""
    barrier = threading.Barrier(len(posts))
    codes: list[int | None] = [None] * len(posts)
    errors: list[BaseException] = []

    def send(index, person, path, data):
        try:
            codes[index] = person.post(port, path, data, ready=barrier)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [
        threading.Thread(target=send, args=(index, *post)) for index, post in enumerate(posts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert errors == []
    return codes


# The scene ---------------------------------------------------------------------------


def scene(size: int):
    """``size`` buyers, a thread between a buyer and a supplier, ``size`` owners and a
    training with seats for half of them; the writes as (person, path, data)."""
    product = ListedProductFactory()
    buyers = [Person(BuyerFactory()) for _ in range(size)]
    thread_buyer = Person(BuyerFactory())
    thread = InquiryFactory(buyer=thread_buyer.user, business=product.business, product=product)
    InquiryMessage.objects.create(
        inquiry=thread, author=thread_buyer.user, author_role="buyer", body="Halo"
    )
    supplier = Person(product.business.owner)
    owners = [Person(BusinessFactory().owner) for _ in range(size)]
    starts = (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    training = DoneSessionFactory(
        status=TrainingSession.Status.PUBLISHED,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        registration_deadline=starts - timedelta(hours=2),
        capacity=size // 2,
    )
    inquire = reverse("marketplace:inquiry-create-product", args=[product.slug])
    reply = reverse("marketplace:inquiry-reply", args=[thread.pk])
    register = reverse("mentoring:session-register", args=[training.pk])
    posts = []
    for index in range(size):
        posts.append(
            (
                buyers[index],
                inquire,
                {
                    "quantity": 500 + index,
                    "unit": product.unit,
                    "incoterm": "FOB",
                    "destination_country": "NL",
                    "message": f"Inquiry {index}: please quote 500 packs.",
                },
            )
        )
        writer = thread_buyer if index % 2 else supplier
        posts.append((writer, reply, {"body": f"Reply {index}"}))
        posts.append((owners[index], register, {"attendee_name": f"Peserta {index}"}))
    return {
        "product": product,
        "buyers": buyers,
        "thread": thread,
        "owners": owners,
        "training": training,
        "posts": posts,
    }


# The proof ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [8, 32])
def test_parallel_writes_are_all_stored_once_without_an_error(served_database, size):
    world = scene(size)
    with live_server() as port:
        codes = all_at_once(port, world["posts"])

    assert [code for code in codes if code >= 500] == []
    assert Counter(codes) == {302: 3 * size}  # every request was accepted

    # Inquiries: one per buyer, each with its one first message.
    product = world["product"]
    for index, buyer in enumerate(world["buyers"]):
        inquiries = Inquiry.objects.filter(buyer=buyer.user, product=product)
        assert [(i.quantity, i.messages.count()) for i in inquiries] == [(500 + index, 1)]
    # Replies: each once, in the one thread.
    bodies = list(world["thread"].messages.values_list("body", flat=True))
    assert sorted(bodies) == sorted(["Halo", *(f"Reply {index}" for index in range(size))])
    # Registrations: one per business; the seats went to exactly half, the rest wait.
    registrations = Registration.objects.filter(session=world["training"])
    businesses = [row.business.owner_id for row in registrations.select_related("business")]
    assert sorted(businesses) == sorted(owner.user.pk for owner in world["owners"])
    statuses = Counter(registrations.values_list("status", flat=True))
    assert statuses == {"confirmed": size // 2, "waitlisted": size - size // 2}


@pytest.mark.django_db(transaction=True)
def test_control_with_djangos_sqlite_defaults_the_burst_meets_locked_database(tmp_path):
    """Deferred transactions on a rollback journal: two requests that both read first
    cannot both upgrade to the write lock, and SQLite fails one at once instead of
    waiting. The person gets the 503 page, and nothing of theirs is half stored."""
    needs_sqlite_suite()
    defaults = {}  # Django's: no transaction_mode, no init_command, sqlite3's 5 s timeout
    with sqlite_file_database(tmp_path / "control.sqlite3", options=defaults):
        world = scene(32)
        with live_server() as port:
            codes = all_at_once(port, world["posts"])
        assert 503 in codes
        assert set(codes) <= {302, 503}
        for (person, path, _data), code in zip(world["posts"], codes, strict=True):
            if "inquire" in path:
                stored = Inquiry.objects.filter(buyer=person.user).count()
                assert stored == (1 if code == 302 else 0)


# Every connection is configured for concurrent use -------------------------------------


@pytest.mark.django_db(transaction=True)
def test_every_connection_has_wal_normal_sync_busy_timeout_and_immediate_transactions(tmp_path):
    needs_sqlite_suite()
    path = tmp_path / "pragmas.sqlite3"
    with sqlite_file_database(path):
        pragmas = ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")

        def read_pragmas(into: list):
            with connection.cursor() as cursor:
                into.append([cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in pragmas])
            connection.close()

        found: list = []
        read_pragmas(found)
        other = threading.Thread(target=read_pragmas, args=(found,))  # its own connection
        other.start()
        other.join()
        # WAL, NORMAL (1), 20 s from OPTIONS["timeout"], foreign keys on (Django's own).
        assert found == [["wal", 1, 20_000, 1]] * 2

        # IMMEDIATE: a transaction holds the write lock from its first line, so it can
        # never fail on its first write after reading; readers still get through (WAL).
        elsewhere = sqlite3.connect(path, timeout=0, isolation_level=None)
        with transaction.atomic():
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                elsewhere.execute("BEGIN IMMEDIATE")
            assert elsewhere.execute("SELECT count(*) FROM accounts_user").fetchone() == (0,)
        elsewhere.execute("BEGIN IMMEDIATE")  # free again after the commit
        elsewhere.execute("ROLLBACK")
        elsewhere.close()
        connection.close()


def test_make_run_settings_configure_sqlite_and_leave_postgresql_alone(tmp_path):
    """The settings module itself (not the test override), as `make run` starts it;
    options in DATABASE_URL win over the defaults."""
    code = (
        "from django.db import connection as c; o = c.settings_dict['OPTIONS'];"
        "print(o.get('transaction_mode'), o.get('timeout'), o.get('options'));"
        "print(c.vendor == 'sqlite' and [c.cursor().execute(f'PRAGMA {p}').fetchone()[0]"
        " for p in ('journal_mode', 'busy_timeout')])"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}

    def shell(url: str) -> list[str]:
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
            cwd=ROOT,
            env={
                **clean,
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "DJANGO_DEBUG": "True",
                "DATABASE_URL": url,
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()

    assert shell(f"sqlite:///{tmp_path / 'run.sqlite3'}") == ["IMMEDIATE 20 None", "['wal', 20000]"]
    assert shell(f"sqlite:///{tmp_path / 'slow.sqlite3'}?timeout=30")[0] == "IMMEDIATE 30 None"
    postgres = shell("postgres://u:p@db.example.id:5432/jembatan")
    assert postgres == ["None None -c jit=off", "False"]


# When the lock still cannot be had: "please try again", never a 500 -------------------

LOCKED = OperationalError("database is locked")


@pytest.mark.parametrize(
    ("vendor", "message", "handled"),
    [
        ("sqlite", "database is locked", True),
        ("sqlite", "database table is locked", True),
        ("sqlite", "no such table: marketplace_inquiry", False),
        ("postgresql", "database is locked", False),  # PostgreSQL waits for row locks
    ],
)
def test_only_sqlites_lock_timeout_means_try_again(monkeypatch, vendor, message, handled):
    monkeypatch.setattr(connection, "vendor", vendor)
    assert is_lock_timeout(OperationalError(message)) is handled


@pytest.fixture
def on_sqlite():
    """The handler acts on SQLite only (CI runs this file on SQLite too)."""
    if connection.vendor != "sqlite":
        pytest.skip("the 'database is locked' page is for SQLite; run without DATABASE_URL")


@pytest.fixture
def indonesian_buyer(db, on_sqlite):
    return BuyerFactory(language="id")


def inquiry_form_data(product, **extra):
    return {
        "quantity": "750",
        "unit": product.unit,
        "incoterm": "FOB",
        "destination_country": "NL",
        "destination_port": "Rotterdam",
        "message": "Mohon penawaran <b>750 pak</b> & contoh.",
        **extra,
    }


def resend_form(html: str, action: str) -> dict[str, list[str]] | None:
    """The hidden fields of the page's form that posts to ``action`` again, or None."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}">(.*?)</form>', html, re.S)
    if form is None:
        return None
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form[1]):
        fields.setdefault(name, []).append(unescape(value))
    return fields


def indonesian(text: str) -> str:
    """The words as the Indonesian catalogue gives them (the page is rendered through
    gettext in the person's language)."""
    with translation.override("id"):
        return gettext(text)


def test_locked_database_on_a_form_gives_a_translated_503_that_sends_the_input_again(
    client, indonesian_buyer, monkeypatch
):
    product = ListedProductFactory()
    url = reverse("marketplace:inquiry-create-product", args=[product.slug])
    client.force_login(indonesian_buyer)
    data = inquiry_form_data(product)

    with monkeypatch.context() as patched:
        patched.setattr("marketplace.services.inquiry_create", Mock(side_effect=LOCKED))
        response = client.post(url, data)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert [t.name for t in response.templates][:2] == ["503.html", "base.html"]
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert ">Katalog<" in html  # the site's own navigation, in Indonesian
    assert indonesian("The site is busy") in html
    assert indonesian("Send again") in html
    assert not Inquiry.objects.exists()  # nothing was saved

    # The page carries what was typed, escaped, with a fresh CSRF token.
    kept = resend_form(html, url)
    assert len(kept.pop("csrfmiddlewaretoken")) == 1
    assert kept == {name: [value] for name, value in data.items()}
    assert "<b>750" not in html

    # "Send again" posts the same entries, and this time the inquiry is stored once.
    resent = client.post(url, {name: values[0] for name, values in kept.items()})
    assert resent.status_code == 302
    inquiry = Inquiry.objects.get(buyer=indonesian_buyer)
    assert (inquiry.quantity, inquiry.destination_port) == (750, "Rotterdam")
    assert inquiry.messages.get().body == data["message"]


def test_locked_database_after_an_upload_asks_to_go_back_instead_of_dropping_the_file(
    client, indonesian_buyer, monkeypatch
):
    product = ListedProductFactory()
    url = reverse("marketplace:inquiry-create-product", args=[product.slug])
    client.force_login(indonesian_buyer)
    pdf = SimpleUploadedFile("quotation.pdf", PDF_BYTES, content_type="application/pdf")
    monkeypatch.setattr("marketplace.services.inquiry_create", Mock(side_effect=LOCKED))

    response = client.post(url, inquiry_form_data(product, attachment=pdf))

    assert response.status_code == 503
    html = response.content.decode()
    assert (
        indonesian(
            "Use the Back button of your browser: the form there still holds what you typed. "
            "Choose the file again and send the form once more."
        )
        in html
    )
    assert resend_form(html, url) is None  # no resend that would drop the file
    assert indonesian("Send again") not in html


def test_passwords_are_never_written_into_the_page(rf, on_sqlite):
    request = rf.post("/accounts/login/", {"login": "a@example.com", "password": "s3cret-Pass"})
    request.user = AnonymousUser()
    response = DatabaseBusyMiddleware(lambda r: None).process_exception(request, LOCKED)

    assert response.status_code == 503
    html = response.content.decode()
    assert "s3cret-Pass" not in html
    kept = resend_form(html, "/accounts/login/")
    assert kept.pop("csrfmiddlewaretoken")
    assert kept == {"login": ["a@example.com"]}
    assert gettext("Passwords are not kept: you will be asked for yours again.") in html


def test_locked_database_on_a_page_view_offers_to_load_it_again(
    client, indonesian_buyer, monkeypatch
):
    inquiry = InquiryFactory(buyer=indonesian_buyer)
    client.force_login(indonesian_buyer)
    monkeypatch.setattr("marketplace.services.inquiry_mark_read", Mock(side_effect=LOCKED))
    url = inquiry.get_absolute_url()

    response = client.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert (
        f'<a class="button" href="{url}">{indonesian("Try again")}</a>' in response.content.decode()
    )


def test_locked_database_in_the_api_answers_json_503_in_the_error_shape(
    indonesian_buyer, monkeypatch
):
    product = ListedProductFactory()
    api = APIClient()
    api.force_authenticate(indonesian_buyer)
    monkeypatch.setattr("marketplace.api.inquiry_create", Mock(side_effect=LOCKED))

    response = api.post(
        "/api/v1/inquiries/",
        {
            "supplier": product.business.slug,
            "product": product.slug,
            "quantity": 500,
            "unit": product.unit,
            "incoterm": "FOB",
            "destination_country": "NL",
            "message": "Please quote.",
        },
        format="json",
    )

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["errors"] == {}
    assert body["detail"] == indonesian(MSG_API_BUSY)  # the site's default language
    assert not Inquiry.objects.exists()


def test_other_database_errors_stay_errors(client, indonesian_buyer, monkeypatch):
    """Only the lock timeout is "try again"; anything else is a bug and is reported."""
    product = ListedProductFactory()
    client.force_login(indonesian_buyer)
    broken = OperationalError("no such table: marketplace_inquiry")
    monkeypatch.setattr("marketplace.services.inquiry_create", Mock(side_effect=broken))
    url = reverse("marketplace:inquiry-create-product", args=[product.slug])
    with pytest.raises(OperationalError, match="no such table"):
        client.post(url, inquiry_form_data(product))


# Write transactions stay short: uploads are stored before they open -------------------


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), "orange").save(buffer, "JPEG")
    return SimpleUploadedFile("IMG_1234.jpg", buffer.getvalue(), content_type="image/jpeg")


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("quotation.pdf", PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def stored_files(monkeypatch):
    """(top folder, whether a transaction was open) for every file written to disk."""
    written: list[tuple[str, bool]] = []
    real_save = FileSystemStorage._save

    def spy(storage, name, content):
        written.append((name.split("/")[0], connection.in_atomic_block))
        return real_save(storage, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", spy)
    return written


@pytest.mark.django_db(transaction=True)
def test_attachments_and_photos_are_stored_before_the_write_transaction(stored_files):
    product = ListedProductFactory()
    buyer = BuyerFactory()
    inquiry = marketplace_services.inquiry_create(
        buyer=buyer,
        business=product.business,
        product=product,
        quantity=500,
        unit=product.unit,
        incoterm="FOB",
        destination_country="NL",
        message="Please quote 500 packs.",
        attachment=pdf(),
    )
    marketplace_services.inquiry_message_create(
        inquiry=inquiry, author=product.business.owner, body="Attached.", attachment=pdf()
    )
    photo = umkm_services.product_image_add(
        product=product, upload=jpeg(), by=product.business.owner
    )

    assert [folder for folder, _open in stored_files][:3] == ["inquiries", "inquiries", "products"]
    assert [in_transaction for _folder, in_transaction in stored_files] == [False] * len(
        stored_files
    )
    stored = [m.attachment for m in inquiry.messages.order_by("pk")]
    assert all(f.storage.exists(f.name) for f in stored)
    assert stored[0].name.startswith(f"inquiries/new/{buyer.pk}/")
    assert stored[1].name.startswith(f"inquiries/{inquiry.pk}/")
    assert photo.image.storage.exists(photo.image.name)


@pytest.mark.django_db(transaction=True)
def test_certificates_and_logos_are_stored_before_the_write_transaction(stored_files):
    business = BusinessFactory()
    owner = business.owner
    certificate = umkm_services.certification_create(
        business=business,
        by=owner,
        kind="halal",
        number="ID-HALAL-0001",
        issued_on=date(2025, 1, 1),
        document=pdf(),
    )
    first = certificate.document.name
    umkm_services.certification_update(certification=certificate, by=owner, document=pdf())
    umkm_services.business_update(
        business=business, by=owner, logo=core_uploads.clean_logo_upload(jpeg())
    )

    assert [folder for folder, _open in stored_files] == ["certificates", "certificates", "logos"]
    assert not any(in_transaction for _folder, in_transaction in stored_files)
    certificate.refresh_from_db()
    business.refresh_from_db()
    assert certificate.document.name != first
    assert certificate.document.storage.exists(certificate.document.name)
    assert business.logo.storage.exists(business.logo.name)


@pytest.mark.django_db(transaction=True)
def test_a_refused_certificate_leaves_no_stored_file_behind(stored_files):
    business = BusinessFactory()
    with pytest.raises(ValidationError):
        umkm_services.certification_create(
            business=business,
            by=business.owner,
            kind="halal",
            number="ID-HALAL-0002",
            issued_on=date(2025, 1, 1),
            expires_on=date(2024, 1, 1),  # before it was issued
            document=pdf(),
        )
    [(folder, _open)] = stored_files  # stored before the transaction, then removed
    assert folder == "certificates"
    storage = Certification._meta.get_field("document").storage
    assert storage.listdir(f"certificates/{business.pk}") == ([], [])
    assert not Certification.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_refused_write_leaves_no_stored_file_behind(stored_files, tmp_path):
    product = ListedProductFactory()
    inquiry = InquiryFactory(business=product.business, status=Inquiry.Status.CLOSED)
    with pytest.raises(ValidationError):
        marketplace_services.inquiry_message_create(
            inquiry=inquiry, author=inquiry.buyer, body="One more thing.", attachment=pdf()
        )

    def photo_row(name):  # a photo of another upload (its file is not needed here)
        ProductImage.objects.create(
            product=product, image=f"products/{product.pk}/{name}.jpg", width=900, height=600
        )

    for index in range(ProductImage.MAX_PER_PRODUCT - 1):
        photo_row(index)
    real_clean = core_uploads.clean_image_upload

    def clean_while_another_upload_lands(upload):
        cleaned = real_clean(upload)
        photo_row("last")
        return cleaned

    # The last free place is taken while this photo is decoded: the count under the
    # product's lock refuses it after it was stored, and the file goes again.
    with (
        patch.object(core_uploads, "clean_image_upload", clean_while_another_upload_lands),
        pytest.raises(ValidationError),
    ):
        umkm_services.product_image_add(product=product, upload=jpeg(), by=product.business.owner)

    assert [folder for folder, _open in stored_files] == ["inquiries", "products"]
    assert not inquiry.messages.exclude(attachment="").exists()
    # Uploads of a test land under its tmp_path (conftest): nothing was left there.
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []
