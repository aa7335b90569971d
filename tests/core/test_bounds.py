"""Writes, once: a bad value gets the same translated refusal at every door.

The same bad values go to the web forms, the admin's add and change forms, CSV import,
the API and the services (which the demo seed calls); each door must refuse them with
the message the model itself gives, in the person's language, and store nothing. What
validation does not see, the database refuses: the CHECK constraints on SQLite and on
PostgreSQL. And the trainings pages work for viewers at both ends of the world's time
zones, with trainings at both ends of the allowed range.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from core.bounds import EARLIEST_MOMENT, LATEST_MOMENT, is_plausible
from marketplace.models import ExchangeRate, Inquiry, Quote
from mentoring.models import (
    ActionItem,
    CalendarFeed,
    MentorProfile,
    Registration,
    TrainingSession,
)
from mentoring.services import trainings as training_services
from umkm import csv_io
from umkm import services as umkm_services
from umkm.forms import PriceTierFormSet
from umkm.models import (
    SCALE_BANDS,
    Business,
    Certification,
    PriceTier,
    Product,
    scale_fits_figures_q,
    scale_for,
)

from ..factories import (
    BusinessFactory,
    BuyerFactory,
    BuyingRequestFactory,
    CertificationFactory,
    InquiryFactory,
    ListedProductFactory,
    MentorFactory,
    MentoringLogFactory,
    MentorshipFactory,
    OwnerFactory,
    ProductFactory,
    StaffFactory,
    SubCategoryFactory,
)
from ..support.forms_as_sent import admin_data, signed_in

PAGO_PAGO = "Pacific/Pago_Pago"  # UTC−11
KIRITIMATI = "Pacific/Kiritimati"  # UTC+14
LANGUAGES = ["en", "id"]
JOIN_LINK = "https://meet.example.com/bounds-room"


# Helpers ---------------------------------------------------------------------------------


def person(factory, lang: str, zone: str = "Asia/Jakarta", **kwargs):
    return factory(language=lang, timezone=zone, **kwargs)


def form_errors(response, field_name: str, key: str = "form") -> list[str]:
    """The form's errors on ``field_name``, which must be its only problem."""
    assert response.status_code == 200, "the bad value was accepted"
    errors = response.context[key].errors
    assert set(errors) == {field_name}, errors
    return [str(error) for error in errors[field_name]]


def admin_errors(response, field_name: str) -> list[str]:
    """The admin form's errors on ``field_name``, which must be its only problem."""
    assert response.status_code == 200, "the admin accepted the bad value"
    errors = response.context["adminform"].form.errors
    assert set(errors) == {field_name}, errors
    for inline in response.context["inline_admin_formsets"]:
        assert not any(inline.formset.errors), inline.formset.errors
    return [str(error) for error in errors[field_name]]


def service_errors(call, field_name: str, lang: str) -> list[str]:
    with translation.override(lang):
        with pytest.raises(ValidationError) as refused:
            call()
        errors = refused.value.message_dict
        assert set(errors) == {field_name}, errors
        return [str(m) for m in errors[field_name]]


def model_messages(instance, field_name: str, lang: str) -> list[str]:
    """What the model itself says about ``instance``'s ``field_name``: the message every
    door must give."""
    with translation.override(lang):
        with pytest.raises(ValidationError) as refused:
            instance.full_clean(validate_unique=False, validate_constraints=False)
        return [str(m) for m in refused.value.message_dict[field_name]]


@dataclass(frozen=True)
class Bad:
    """One bad value (or combination), as each door receives it."""

    field: str
    english: str  # the refusal in English, spelt out
    python: dict  # for the services and the model
    web: dict  # the web form's POST values
    admin: dict | None = None  # the admin form's POST values (default: ``web``)
    csv: dict | None = None  # CSV cells
    api: dict | None = None  # JSON
    doors: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    def admin_values(self) -> dict:
        return self.web if self.admin is None else self.admin


# Trainings ---------------------------------------------------------------------------------

START = "2030-01-15T09:00"


def _session_values() -> dict:
    starts = datetime(2030, 1, 15, 9, 0, tzinfo=ZoneInfo(PAGO_PAGO))
    return {
        "title": "Kemasan untuk ekspor",
        "topic": "packaging",
        "description_id": "Kemasan yang tahan perjalanan jauh.",
        "description_en": "Packaging that survives long journeys.",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "mode": TrainingSession.Mode.ONLINE,
        "venue": "",
        "city": "",
        "join_link": JOIN_LINK,
        "capacity": 20,
        "registration_deadline": starts - timedelta(hours=1),
        "audience": TrainingSession.Audience.ALL,
    }


def _session_post() -> dict:
    return {
        "title": "Kemasan untuk ekspor",
        "topic": "packaging",
        "description_id": "Kemasan yang tahan perjalanan jauh.",
        "description_en": "Packaging that survives long journeys.",
        "starts_at": START,
        "ends_at": "2030-01-15T11:00",
        "mode": "online",
        "venue": "",
        "city": "",
        "join_link": JOIN_LINK,
        "capacity": "20",
        "registration_deadline": "2030-01-15T08:00",
        "audience": "all",
    }


def _split(**values: str) -> dict:
    """``ends_at="2030-01-15T11:00"`` as the admin's two inputs."""
    out = {}
    for name, value in values.items():
        day, _t, clock = value.partition("T")
        out[f"{name}_0"], out[f"{name}_1"] = day, clock
    return out


def _admin_session_post(host) -> dict:
    post = _session_post()
    times = {n: post.pop(n) for n in ("starts_at", "ends_at", "registration_deadline")}
    return {**post, **_split(**times), "host": str(host.pk)}


def _training_door(door: str, bad: Bad, lang: str) -> list[str]:
    host = person(MentorFactory, lang, PAGO_PAGO)
    staff = person(StaffFactory, lang, PAGO_PAGO, is_superuser=True)
    if door == "web":
        response = signed_in(host).post(
            reverse("mentoring:session-create"), {**_session_post(), **bad.web}
        )
        errors = form_errors(response, bad.field)
        assert not TrainingSession.objects.exists()
    elif door == "admin-add":
        client = signed_in(staff)
        url = reverse("admin:mentoring_trainingsession_add")
        data = {**admin_data(client, url), **_admin_session_post(host), **bad.admin_values()}
        errors = admin_errors(client.post(url, data), bad.field)
        assert not TrainingSession.objects.exists()
    elif door == "admin-change":
        session = training_services.session_create(host=host, **_session_values())
        before = TrainingSession.objects.values().get(pk=session.pk)
        client = signed_in(staff)
        url = reverse("admin:mentoring_trainingsession_change", args=[session.pk])
        data = {**admin_data(client, url), **bad.admin_values()}
        errors = admin_errors(client.post(url, data), bad.field)
        assert TrainingSession.objects.values().get(pk=session.pk) == before
    else:
        assert door == "service"
        values = {**_session_values(), **bad.python}
        errors = service_errors(
            lambda: training_services.session_create(host=host, **values), bad.field, lang
        )
        assert not TrainingSession.objects.exists()
    return errors


def _training_expected(bad: Bad, lang: str) -> list[str]:
    session = TrainingSession(host=MentorFactory(), **{**_session_values(), **bad.python})
    return model_messages(session, bad.field, lang)


def _late(**delta) -> datetime:
    return _session_values()["starts_at"] + timedelta(**delta)


TRAINING_CASES = {
    "session ends in the year 9999": Bad(
        field="ends_at",
        english="Enter a date between 1 Jan 2000 and 31 Dec 2100.",
        python={"ends_at": datetime(9999, 12, 31, 23, 59, tzinfo=ZoneInfo(PAGO_PAGO))},
        web={"ends_at": "9999-12-31T23:59"},
        admin=_split(ends_at="9999-12-31T23:59"),
    ),
    "registration closes in 1999": Bad(
        field="registration_deadline",
        english="Enter a date between 1 Jan 2000 and 31 Dec 2100.",
        python={"registration_deadline": datetime(1999, 6, 1, 9, 0, tzinfo=UTC)},
        web={"registration_deadline": "1999-06-01T09:00"},
        admin=_split(registration_deadline="1999-06-01T09:00"),
    ),
    "session ends before it starts": Bad(
        field="ends_at",
        english="The session must end after it starts.",
        python={"ends_at": _late(hours=-1)},
        web={"ends_at": "2030-01-15T08:00"},
        admin=_split(ends_at="2030-01-15T08:00"),
    ),
    "session lasts 40 days": Bad(
        field="ends_at",
        english="A session lasts at most 31 days; check the end date.",
        python={"ends_at": _late(days=40)},
        web={"ends_at": "2030-02-24T09:00"},
        admin=_split(ends_at="2030-02-24T09:00"),
    ),
    "5000 seats": Bad(
        field="capacity",
        english="Ensure this value is less than or equal to 1000.",
        python={"capacity": 5000},
        web={"capacity": "5000"},
    ),
}
TRAINING_DOORS = ["web", "admin-add", "admin-change", "service"]


# Products ------------------------------------------------------------------------------------


TIERS = PriceTierFormSet.get_default_prefix()


def _product_values(category) -> dict:
    return {
        "name_id": "Kopi Liberika Meranti",
        "name_en": "Meranti Liberica Coffee",
        "category": category,
        "description_id": "Kopi liberika dari lahan gambut.",
        "description_en": "Liberica coffee from peatland.",
        "hs_code": "090111",
        "unit": Product.Unit.KG,
        "moq": 100,
        "price_idr": Decimal(120000),
        "fob_usd": Decimal("8.50"),
        "capacity_per_month": 2000,
        "lead_time_days": 21,
        "shelf_life_days": 365,
        "incoterms": ["FOB"],
        "port_of_loading": "Dumai",
    }


def _product_post(category) -> dict:
    return {
        "name_id": "Kopi Liberika Meranti",
        "name_en": "Meranti Liberica Coffee",
        "category": category.pk,
        "description_id": "Kopi liberika dari lahan gambut.",
        "description_en": "Liberica coffee from peatland.",
        "hs_code": "0901.11",
        "unit": "kg",
        "moq": "100",
        "price_idr": "120000",
        "fob_usd": "8.50",
        "capacity_per_month": "2000",
        "lead_time_days": "21",
        "shelf_life_days": "365",
        "incoterms": ["FOB"],
        "port_of_loading": "Dumai",
        f"{TIERS}-TOTAL_FORMS": "0",
        f"{TIERS}-INITIAL_FORMS": "0",
        f"{TIERS}-MIN_NUM_FORMS": "0",
        f"{TIERS}-MAX_NUM_FORMS": "1000",
    }


def _csv_row(category, cells: dict) -> str:
    values = {
        "name_id": "Kopi Liberika Meranti",
        "category": category.slug,
        "unit": "kg",
        "moq": "100",
        "fob_usd": "8.50",
        **cells,
    }
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_io.COLUMNS)
    writer.writerow([values.get(column, "") for column in csv_io.COLUMNS])
    return out.getvalue()


def _product_door(door: str, bad: Bad, lang: str) -> list[str]:
    category = SubCategoryFactory()
    owner = person(OwnerFactory, lang)
    business = BusinessFactory(owner=owner)
    if door == "web":
        url = reverse("umkm:product-create", args=[business.slug])
        response = signed_in(owner).post(url, {**_product_post(category), **bad.web})
        errors = form_errors(response, bad.field)
        assert not Product.objects.exists()
    elif door == "admin":
        product = ProductFactory(business=business, category=category)
        before = Product.objects.values().get(pk=product.pk)
        client = signed_in(person(StaffFactory, lang, is_superuser=True))
        url = reverse("admin:umkm_product_change", args=[product.pk])
        data = {**admin_data(client, url), **bad.admin_values()}
        errors = admin_errors(client.post(url, data), bad.field)
        assert Product.objects.values().get(pk=product.pk) == before
    elif door == "csv":
        upload = io.BytesIO(_csv_row(category, bad.csv).encode())
        with translation.override(lang):
            result = csv_io.import_csv(business=business, upload=upload, actor=owner)
        marker = f"({bad.field}): "
        errors = [m.split(marker, 1)[1] for _row, m in result.errors if marker in m]
        assert len(errors) == len(result.errors), result.errors
        assert result.created == 0 and not Product.objects.exists()
    else:
        assert door == "service"
        values = {**_product_values(category), **bad.python}
        errors = service_errors(
            lambda: umkm_services.product_create(business=business, actor=owner, **values),
            bad.field,
            lang,
        )
        assert not Product.objects.exists()
    return errors


def _product_expected(bad: Bad, lang: str) -> list[str]:
    category = SubCategoryFactory()
    product = Product(
        business=BusinessFactory(), slug="x", **{**_product_values(category), **bad.python}
    )
    return model_messages(product, bad.field, lang)


PRODUCT_CASES = {
    "MOQ of a trillion": Bad(
        field="moq",
        english="Ensure this value is less than or equal to 1000000000.",
        python={"moq": 10**12},
        web={"moq": str(10**12)},
        csv={"moq": str(10**12)},
    ),
    "negative price in rupiah": Bad(
        field="price_idr",
        english="Ensure this value is greater than or equal to 0.",
        python={"price_idr": Decimal(-1)},
        web={"price_idr": "-1"},
        csv={"price_idr": "-1"},
    ),
    "FOB price of two million dollars": Bad(
        field="fob_usd",
        english="Ensure this value is less than or equal to 1000000.",
        python={"fob_usd": Decimal("2000000.00")},
        web={"fob_usd": "2000000.00"},
        csv={"fob_usd": "2000000.00"},
    ),
    "shelf life of 5000 days": Bad(
        field="shelf_life_days",
        english="Ensure this value is less than or equal to 3650.",
        python={"shelf_life_days": 5000},
        web={"shelf_life_days": "5000"},
        csv={"shelf_life_days": "5000"},
    ),
    "description of 5001 characters": Bad(
        field="description_en",
        english="Ensure this value has at most 5000 characters (it has 5001).",
        python={"description_en": "x" * 5001},
        web={"description_en": "x" * 5001},
        csv={"description_en": "x" * 5001},
    ),
}
PRODUCT_DOORS = ["web", "admin", "csv", "service"]


# Businesses ------------------------------------------------------------------------------


def _business_values() -> dict:
    return {
        "name": "Keripik Nanas Bu Sri",
        "legal_form": Business.LegalForm.UD,
        "nib": "1234567890123",
        "sector": Business.Sector.FOOD,
        "assets_idr": Decimal(300_000_000),
        "annual_turnover_idr": Decimal(900_000_000),
        "scale": Business.Scale.MICRO,
        "province": "Riau",
        "city": "Pekanbaru",
        "founded_year": 2016,
        "employees": 5,
        "description_id": "Keripik nanas dari Kampar.",
        "description_en": "Pineapple chips from Kampar.",
    }


def _business_post() -> dict:
    return {
        "name": "Keripik Nanas Bu Sri",
        "legal_form": "ud",
        "nib": "1234567890123",
        "sector": "food",
        "assets_idr": "300000000",
        "annual_turnover_idr": "900000000",
        "scale": "mikro",
        "province": "Riau",
        "city": "Pekanbaru",
        "founded_year": "2016",
        "employees": "5",
        "description_id": "Keripik nanas dari Kampar.",
        "description_en": "Pineapple chips from Kampar.",
    }


def _business_door(door: str, bad: Bad, lang: str) -> list[str]:
    if door == "web":
        owner = person(OwnerFactory, lang)
        response = signed_in(owner).post(
            reverse("umkm:business-create"), {**_business_post(), **bad.web}
        )
        errors = form_errors(response, bad.field)
        assert not Business.objects.exists()
    elif door == "admin":
        business = BusinessFactory()
        before = Business.objects.values().get(pk=business.pk)
        client = signed_in(person(StaffFactory, lang, is_superuser=True))
        url = reverse("admin:umkm_business_change", args=[business.pk])
        data = {**admin_data(client, url), **bad.admin_values()}
        errors = admin_errors(client.post(url, data), bad.field)
        assert Business.objects.values().get(pk=business.pk) == before
    else:
        assert door == "service"  # what the demo seed calls
        owner = OwnerFactory()
        values = {**_business_values(), **bad.python}
        errors = service_errors(
            lambda: umkm_services.business_create(owner=owner, **values), bad.field, lang
        )
        assert not Business.objects.exists()
    return errors


def _business_expected(bad: Bad, lang: str) -> list[str]:
    business = Business(owner=OwnerFactory(), slug="x", **{**_business_values(), **bad.python})
    return model_messages(business, bad.field, lang)


BUSINESS_CASES = {
    "micro scale with a medium business's figures": Bad(
        field="scale",
        english=(
            "With these assets and turnover the business is Medium (menengah) (micro: assets "
            "up to Rp 1 billion or turnover up to Rp 2 billion; small: up to Rp 5 / 15 "
            "billion; medium: up to Rp 10 / 50 billion)."
        ),
        python={
            "assets_idr": Decimal(8_000_000_000),
            "annual_turnover_idr": Decimal(40_000_000_000),
        },
        web={"assets_idr": "8000000000", "annual_turnover_idr": "40000000000"},
    ),
    "founded in 1500": Bad(
        field="founded_year",
        english="Ensure this value is greater than or equal to 1900.",
        python={"founded_year": 1500},
        web={"founded_year": "1500"},
    ),
    "founded in 2500": Bad(
        field="founded_year",
        english="The founding year cannot be in the future.",
        python={"founded_year": 2500},
        web={"founded_year": "2500"},
    ),
    "a city outside the province": Bad(
        field="city",
        english="Bandung is not in Riau.",
        python={"city": "Bandung"},
        web={"city": "Bandung"},
    ),
    "assets of a quadrillion rupiah": Bad(
        field="assets_idr",
        english="Ensure this value is less than or equal to 10000000000000.",
        python={"assets_idr": Decimal(10**15)},
        web={"assets_idr": str(10**15)},
    ),
}
BUSINESS_DOORS = ["web", "admin", "service"]


# Certificates and inquiries -----------------------------------------------------------------


def _certificate_door(door: str, bad: Bad, lang: str) -> list[str]:
    owner = person(OwnerFactory, lang)
    business = BusinessFactory(owner=owner)
    if door == "web":
        data = {
            "kind": "pirt",
            "number": "PIRT-2061471010123",
            "issuer": "Dinas Kesehatan",
            "issued_on": "2024-03-01",
            "expires_on": "2029-03-01",
            **bad.web,
        }
        url = reverse("umkm:certification-list", args=[business.slug])
        errors = form_errors(signed_in(owner).post(url, data), bad.field)
        assert not Certification.objects.exists()
    else:
        assert door == "admin"
        certificate = CertificationFactory(business=business)
        before = Certification.objects.values().get(pk=certificate.pk)
        client = signed_in(person(StaffFactory, lang, is_superuser=True))
        url = reverse("admin:umkm_certification_change", args=[certificate.pk])
        data = {**admin_data(client, url), **bad.admin_values()}
        errors = admin_errors(client.post(url, data), bad.field)
        assert Certification.objects.values().get(pk=certificate.pk) == before
    return errors


def _certificate_expected(bad: Bad, lang: str) -> list[str]:
    values = {"kind": "pirt", "number": "P-1", "issued_on": date(2024, 3, 1), **bad.python}
    return model_messages(Certification(business=BusinessFactory(), **values), bad.field, lang)


CERTIFICATE_CASES = {
    "issued in 1999": Bad(
        field="issued_on",
        english="Enter a date between 1 Jan 2000 and 31 Dec 2100.",
        python={"issued_on": date(1999, 6, 1)},
        web={"issued_on": "1999-06-01", "expires_on": ""},
    ),
    "expiring before it was issued": Bad(
        field="expires_on",
        english="The expiry date must be after the issue date.",
        python={"expires_on": date(2023, 1, 1)},
        web={"expires_on": "2023-01-01"},
    ),
}
CERTIFICATE_DOORS = ["web", "admin"]


def _inquiry_door(door: str, bad: Bad, lang: str) -> list[str]:
    product = ListedProductFactory()
    buyer = person(BuyerFactory, lang)
    if door == "web":
        data = {
            "quantity": "500",
            "unit": "pack",
            "target_price_usd": "1.80",
            "incoterm": "FOB",
            "destination_country": "NL",
            "destination_port": "Rotterdam",
            "message": "Please quote 500 packs of pineapple chips, FOB Dumai.",
            "website_url": "",
            **bad.web,
        }
        url = reverse("marketplace:inquiry-create-product", args=[product.slug])
        errors = form_errors(signed_in(buyer).post(url, data), bad.field)
    else:
        assert door == "api"
        client = APIClient()
        client.force_authenticate(buyer)
        payload = {
            "supplier": product.business.slug,
            "product": product.slug,
            "quantity": 500,
            "unit": "pack",
            "incoterm": "FOB",
            "destination_country": "NL",
            "target_price_usd": "1.80",
            "message": "Please quote 500 packs, FOB Dumai.",
            **bad.api,
        }
        response = client.post(
            "/api/v1/inquiries/", payload, format="json", HTTP_ACCEPT_LANGUAGE=lang
        )
        assert response.status_code == 400, response.content
        errors = response.json()["errors"]
        assert set(errors) == {bad.field}, errors
        errors = errors[bad.field]
    assert not Inquiry.objects.exists()
    return errors


def _inquiry_expected(bad: Bad, lang: str) -> list[str]:
    fields = {
        "subject": "x",
        "quantity": 500,
        "unit": "pack",
        "incoterm": "FOB",
        "destination_country": "NL",
        **bad.python,
    }
    inquiry = Inquiry(buyer=BuyerFactory(), business=BusinessFactory(), **fields)
    return model_messages(inquiry, bad.field, lang)


INQUIRY_CASES = {
    "a target price of nothing": Bad(
        field="target_price_usd",
        english="Enter a target price per unit from 0.01 to 1,000,000.00 USD.",
        python={"target_price_usd": Decimal(0)},
        web={"target_price_usd": "0"},
        api={"target_price_usd": "0"},
    ),
    "a quantity beyond any order": Bad(
        field="quantity",
        english="Enter a quantity from 1 to 1,000,000,000.",
        python={"quantity": 10**12},
        web={"quantity": str(10**12)},
        api={"quantity": 10**12},
    ),
}
INQUIRY_DOORS = ["web", "api"]


# The same refusal at every door ------------------------------------------------------------

KINDS = {
    "training": (TRAINING_CASES, TRAINING_DOORS, _training_door, _training_expected),
    "product": (PRODUCT_CASES, PRODUCT_DOORS, _product_door, _product_expected),
    "business": (BUSINESS_CASES, BUSINESS_DOORS, _business_door, _business_expected),
    "certificate": (
        CERTIFICATE_CASES,
        CERTIFICATE_DOORS,
        _certificate_door,
        _certificate_expected,
    ),
    "inquiry": (INQUIRY_CASES, INQUIRY_DOORS, _inquiry_door, _inquiry_expected),
}
DOOR_CASES = [
    pytest.param(kind, case, door, id=f"{kind}: {case} | {door}")
    for kind, (cases, doors, _door, _expected) in KINDS.items()
    for case in cases
    for door in doors
]


@pytest.mark.no_cover  # a matrix: see the README, "Coverage"
@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("kind", "case", "door"), DOOR_CASES)
def test_every_door_refuses_a_bad_value_with_the_models_message(kind, case, door, lang):
    cases, _doors, submit, expected = KINDS[kind]
    bad = cases[case]
    want = expected(bad, lang)
    if lang == "en":
        assert want == [bad.english]
    assert submit(door, bad, lang) == want


@pytest.mark.django_db
def test_the_model_messages_are_translated():
    """The Indonesian doors above say it in Indonesian (where a translation exists)."""
    bad = PRODUCT_CASES["MOQ of a trillion"]
    assert _product_expected(bad, "id") == [
        "Pastikan nilai ini lebih kecil dari atau sama dengan 1000000000."
    ]
    bad = BUSINESS_CASES["founded in 2500"]
    with translation.override("id"):
        indonesian = str(translation.gettext("The founding year cannot be in the future."))
    assert _business_expected(bad, "id") == [indonesian]


# A training ending in the year 9999, everywhere ---------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("zone", [PAGO_PAGO, KIRITIMATI, "Asia/Jakarta"])
def test_a_training_ending_in_9999_is_refused_and_the_session_is_unchanged(zone):
    """Moving a published session's end to 9999-12-31 23:59 (in the host's zone, west or
    east of UTC) through the edit page and the service is refused, nothing is stored,
    and the pages that load the session keep working."""
    host = person(MentorFactory, "en", zone)
    client = signed_in(host)
    assert client.post(reverse("mentoring:session-create"), _session_post()).status_code == 302
    session = TrainingSession.objects.get()
    training_services.session_publish(session=session, actor=host)
    before = TrainingSession.objects.values().get(pk=session.pk)
    edit = reverse("mentoring:session-edit", args=[session.pk])
    response = client.post(edit, {**_session_post(), "ends_at": "9999-12-31T23:59"})
    assert form_errors(response, "ends_at") == ["Enter a date between 1 Jan 2000 and 31 Dec 2100."]
    with pytest.raises(training_services.TrainingError) as refused:
        training_services.session_update(
            session=session,
            editor=host,
            ends_at=datetime(9999, 12, 31, 23, 59, tzinfo=ZoneInfo(zone)),
        )
    assert list(refused.value.message_dict) == ["ends_at"]
    assert TrainingSession.objects.values().get(pk=session.pk) == before
    for url in (
        reverse("mentoring:session-list"),
        session.get_absolute_url(),
        edit,
        reverse("mentoring:session-ics", args=[session.pk]),
        "/api/v1/trainings/",
        reverse("mentoring:dashboard"),
    ):
        assert client.get(url).status_code == 200, url


# Viewers at both ends of the world's time zones ----------------------------------------------


@dataclass
class Edges:
    late: TrainingSession  # published, on 31 December 2100 in Pago Pago
    early: TrainingSession  # done, on 1 January 2000 in Kiritimati
    host: object
    owner: object
    staff: object


@pytest.fixture
def edges(db) -> Edges:
    host = person(MentorFactory, "en", PAGO_PAGO)
    client = signed_in(host)
    data = _session_post()
    data.update(
        starts_at="2100-12-31T20:00",
        ends_at="2100-12-31T23:59",
        registration_deadline="2100-12-31T19:00",
    )
    response = client.post(reverse("mentoring:session-create"), data)
    assert response.status_code == 302, response.context["form"].errors
    late = TrainingSession.objects.get()
    assert late.ends_at == datetime(2101, 1, 1, 10, 59, tzinfo=UTC)  # stored in UTC
    training_services.session_publish(session=late, actor=host)
    owner = person(OwnerFactory, "en")
    business = BusinessFactory(owner=owner)
    MentorshipFactory(mentor=host, business=business)
    training_services.registration_create(session=late, business=business, attendee="Sri")

    first_moment = datetime(2000, 1, 1, tzinfo=ZoneInfo(KIRITIMATI))
    assert first_moment == EARLIEST_MOMENT
    early = TrainingSession.objects.create(
        host=host,
        title="The first training",
        topic="export",
        starts_at=first_moment,
        ends_at=first_moment + timedelta(hours=2),
        registration_deadline=first_moment,
        mode=TrainingSession.Mode.ONLINE,
        join_link=JOIN_LINK,
        capacity=10,
        status=TrainingSession.Status.DONE,
    )
    Registration.objects.create(
        session=early,
        business=business,
        attendee_name="Sri",
        status=Registration.Status.ATTENDED,
        created_at=first_moment - timedelta(days=1),
        checked_in_at=first_moment,
    )
    staff = person(StaffFactory, "en", is_superuser=True)
    return Edges(late=late, early=early, host=host, owner=owner, staff=staff)


def _pages(edges: Edges, role: str, feed: CalendarFeed | None) -> list[str]:
    late, early = edges.late, edges.early
    pages = [
        reverse("mentoring:session-list"),
        late.get_absolute_url(),
        early.get_absolute_url(),
        reverse("mentoring:session-ics", args=[late.pk]),
        reverse("mentoring:session-ics", args=[early.pk]),
        "/api/v1/trainings/",
        f"/api/v1/trainings/{late.pk}/",
    ]
    if role == "owner":
        pages += [
            reverse("umkm:dashboard"),
            reverse("mentoring:registration-list"),
            reverse("mentoring:calendar-feed"),
        ]
    elif role == "mentor":
        pages += [
            reverse("mentoring:dashboard"),
            reverse("mentoring:session-mine"),
            reverse("mentoring:session-edit", args=[late.pk]),
            reverse("mentoring:calendar-feed"),
            *(
                reverse("mentoring:session-month", args=[year, month])
                for year, month in [(1999, 12), (2000, 1), (2100, 12), (2101, 1)]
            ),
        ]
    elif role == "staff":
        changelist = reverse("admin:mentoring_trainingsession_changelist")
        pages += [
            changelist,
            f"{changelist}?starts_at__year=2101",
            f"{changelist}?starts_at__year=1999",
            reverse("admin:mentoring_trainingsession_change", args=[late.pk]),
            reverse("admin:mentoring_trainingsession_change", args=[early.pk]),
            reverse("backoffice:staff-dashboard"),
        ]
    if feed is not None:
        pages.append(reverse("mentoring:calendar-feed-ics", args=[feed.token]))
    return pages


@pytest.mark.parametrize("zone", [KIRITIMATI, PAGO_PAGO])
@pytest.mark.parametrize("role", ["anonymous", "owner", "mentor", "staff"])
def test_viewers_at_both_ends_of_the_time_zones_see_trainings_at_the_edges(edges, zone, role):
    viewer = {"owner": edges.owner, "mentor": edges.host, "staff": edges.staff}.get(role)
    client, feed = Client(), None
    if viewer is not None:
        viewer.timezone = zone
        viewer.save(update_fields=["timezone"])
        client.force_login(viewer)
        feed = training_services.calendar_feed_regenerate(user=viewer)
    for url in _pages(edges, role, feed):
        response = client.get(url, follow=True)
        assert response.status_code == 200, (url, response.status_code)
    if viewer is not None:
        # 2101-01-01 07:00 UTC: New Year's Day 2101 in Kiritimati, New Year's Eve in Pago Pago
        page = client.get(edges.late.get_absolute_url()).content.decode()
        local = timezone.localtime(edges.late.starts_at, ZoneInfo(zone))
        assert local.year == (2101 if zone == KIRITIMATI else 2100)
        assert f'datetime="{local.isoformat()}"' in page


@pytest.mark.django_db
def test_the_last_moment_of_the_range_shows_in_every_zone():
    """Every moment the bounds allow stays a valid local time in UTC−12 … UTC+14."""
    for moment in (EARLIEST_MOMENT, LATEST_MOMENT - timedelta(microseconds=1)):
        assert is_plausible(moment)
        for zone in ("Etc/GMT+12", PAGO_PAGO, "UTC", KIRITIMATI, "Etc/GMT-14"):
            local = timezone.localtime(moment, ZoneInfo(zone))
            assert date(1999, 12, 30) <= local.date() <= date(2101, 1, 2)
    assert not is_plausible(LATEST_MOMENT)
    assert not is_plausible(EARLIEST_MOMENT - timedelta(microseconds=1))
    # a person typing any time of 31 December 2100 or 1 January 2000, in any zone
    for zone in ("Etc/GMT+12", PAGO_PAGO, KIRITIMATI, "Etc/GMT-14"):
        assert is_plausible(datetime(2100, 12, 31, 23, 59, tzinfo=ZoneInfo(zone)))
        assert is_plausible(datetime(2000, 1, 1, 0, 0, tzinfo=ZoneInfo(zone)))


# The database refuses what validation does not see --------------------------------------------


def _bad_session(**fields):
    starts = timezone.now() + timedelta(days=7)
    values = {
        "host": MentorFactory(),
        "title": "Bad",
        "topic": "export",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "registration_deadline": starts,
        "mode": TrainingSession.Mode.ONLINE,
        "capacity": 10,
        **fields,
    }
    return TrainingSession.objects.create(**values)


def _bad_business(**fields):
    return BusinessFactory(**fields)


CONSTRAINT_CASES = {
    # name: (constraint, how to write the bad row)
    "training ends in 9999": (
        "session_times_in_range",
        lambda: _bad_session(ends_at=datetime(9999, 12, 31, 9, 59, tzinfo=UTC)),
    ),
    "training starts in 1999": (
        "session_times_in_range",
        lambda: _bad_session(
            starts_at=datetime(1999, 1, 1, tzinfo=UTC),
            ends_at=datetime(1999, 1, 1, 2, tzinfo=UTC),
            registration_deadline=datetime(1999, 1, 1, tzinfo=UTC),
        ),
    ),
    "training updated to end on 30 December 9999": (
        "session_times_in_range",
        lambda: TrainingSession.objects.filter(pk=_bad_session().pk).update(
            ends_at=datetime(9999, 12, 30, 23, 59, tzinfo=ZoneInfo(PAGO_PAGO))
        ),
    ),
    "training ends before it starts": (
        "session_ends_after_start",
        lambda: _bad_session(ends_at=timezone.now()),
    ),
    "training with 0 seats": ("session_capacity_range", lambda: _bad_session(capacity=0)),
    "training with 5000 seats": ("session_capacity_range", lambda: _bad_session(capacity=5000)),
    "product MOQ of two billion": (
        "product_quantities_in_range",
        lambda: ProductFactory(moq=2_000_000_000),
    ),
    "product MOQ of 0": ("product_quantities_in_range", lambda: ProductFactory(moq=0)),
    "product with a negative price": (
        "product_prices_in_range",
        lambda: ProductFactory(price_idr=Decimal(-1)),
    ),
    "product with a free FOB price": (
        "product_prices_in_range",
        lambda: ProductFactory(fob_usd=Decimal(0)),
    ),
    "product updated to a lead time of 1000 days": (
        "product_facts_in_range",
        lambda: Product.objects.filter(pk=ProductFactory().pk).update(lead_time_days=1000),
    ),
    "price tier of a free dollar": (
        "price_tier_values_in_range",
        lambda: PriceTier.objects.create(
            product=ProductFactory(), min_quantity=1, price_usd=Decimal(0)
        ),
    ),
    "business scale contradicting its figures": (
        "business_scale_fits_figures",
        lambda: _bad_business(
            scale="mikro",
            assets_idr=Decimal(8_000_000_000),
            annual_turnover_idr=Decimal(40_000_000_000),
        ),
    ),
    "business updated to a scale that fits none": (
        "business_scale_fits_figures",
        lambda: Business.objects.filter(pk=BusinessFactory().pk).update(
            assets_idr=Decimal(20_000_000_000), annual_turnover_idr=Decimal(90_000_000_000)
        ),
    ),
    "business founded in 1500": (
        "business_founded_year_range",
        lambda: _bad_business(founded_year=1500),
    ),
    "business with negative assets": (
        "business_figures_in_range",
        lambda: _bad_business(assets_idr=Decimal(-1)),
    ),
    "certificate issued in 1999": (
        "certification_dates_in_range",
        lambda: CertificationFactory(issued_on=date(1999, 12, 31)),
    ),
    "certificate expiring in 9999": (
        "certification_dates_in_range",
        lambda: CertificationFactory(expires_on=date(9999, 12, 31)),
    ),
    "action item due in 2101": (
        "action_item_due_in_range",
        lambda: ActionItem.objects.create(
            mentorship=MentorshipFactory(), title="Later", due_on=date(2101, 1, 1)
        ),
    ),
    "mentoring log of 30 hours": (
        "mentoring_log_values_in_range",
        lambda: MentoringLogFactory(duration_hours=Decimal(30)),
    ),
    "mentor with 51 mentees": (
        "mentor_capacity_sane",
        lambda: MentorProfile.objects.create(user=MentorFactory(), capacity=51),
    ),
    "inquiry for two billion units": (
        "inquiry_quantity_range",
        lambda: InquiryFactory(quantity=2_000_000_000),
    ),
    "inquiry for 0 units": ("inquiry_quantity_range", lambda: InquiryFactory(quantity=0)),
    "inquiry with a negative target price": (
        "inquiry_prices_positive",
        lambda: InquiryFactory(target_price_usd=Decimal("-0.01")),
    ),
    "buying request valid until 2101": (
        "buying_request_values_in_range",
        lambda: BuyingRequestFactory(valid_until=date(2101, 1, 1)),
    ),
    "quote with a lead time of 400 days": (
        "quote_values_in_range",
        lambda: Quote.objects.create(
            request=BuyingRequestFactory(),
            business=BusinessFactory(),
            price_usd=Decimal("2.00"),
            moq=100,
            lead_time_days=400,
            message="x",
        ),
    ),
    "exchange rate below 1": (
        "exchange_rate_values_in_range",
        lambda: ExchangeRate.objects.create(idr_per_usd=Decimal("0.50")),
    ),
}
CONSTRAINTS = [pytest.param(*value, id=name) for name, value in CONSTRAINT_CASES.items()]


def _refused(constraint: str, write) -> None:
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        write()
    assert constraint in str(refused.value)


@pytest.mark.django_db
@pytest.mark.parametrize(("constraint", "write"), CONSTRAINTS)
def test_check_constraints_refuse_direct_writes(constraint, write):
    _refused(constraint, write)


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(("constraint", "write"), CONSTRAINTS)
def test_check_constraints_refuse_direct_writes_on_postgresql(postgres_db, constraint, write):
    assert connection.vendor == "postgresql"
    _refused(constraint, write)


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_refuses_the_year_10000_that_a_west_of_utc_9999_end_becomes(postgres_db):
    """The original bug: 9999-12-31 23:59 in Pago Pago is 10000-01-01 10:59 UTC, which
    PostgreSQL would store and then fail to hand back. Now the CHECK refuses it."""
    session = _bad_session()
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        TrainingSession.objects.filter(pk=session.pk).update(
            ends_at=datetime(9999, 12, 31, 23, 59, tzinfo=ZoneInfo(PAGO_PAGO))
        )
    assert "session_times_in_range" in str(refused.value)
    assert TrainingSession.objects.get(pk=session.pk).ends_at == session.ends_at


@pytest.mark.django_db
def test_the_scale_constraint_is_the_scale_rule():
    """The CHECK (``scale_fits_figures_q``) and the Python rule (``scale_for``, which
    ``Business.clean`` uses) agree, at the bands' edges and either side of them."""
    edges = sorted({Decimal(v) for band in SCALE_BANDS.values() for v in band})
    figures = sorted({*edges, *(e + 1 for e in edges), Decimal(10**13)})
    rows = Business.objects.filter(pk=BusinessFactory().pk)
    for assets in figures:
        for turnover in figures[::3]:
            fitting = scale_for(assets=assets, turnover=turnover)
            for scale in SCALE_BANDS:
                try:
                    with transaction.atomic():
                        rows.update(scale=scale, assets_idr=assets, annual_turnover_idr=turnover)
                except IntegrityError:
                    stored = False
                else:
                    stored = True
                    assert rows.filter(scale_fits_figures_q()).exists()
                assert stored == (scale in fitting), (scale, assets, turnover)


# Seeds and repairs ------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_repair_migration_makes_a_year_10000_training_readable_again(postgres_db):
    """A training stored before the bounds as '9999-12-31 23:59' in Pago Pago (year 10000
    in UTC, unreadable) is moved inside the range, and its pages answer again."""
    import importlib

    from django.apps import apps

    repair = importlib.import_module("mentoring.migrations.0004_repair_out_of_range_values")
    session = _bad_session()
    client = signed_in(person(StaffFactory, "en", is_superuser=True))
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks before ALTER
        cursor.execute(
            "ALTER TABLE mentoring_trainingsession DROP CONSTRAINT session_times_in_range"
        )
        cursor.execute(
            "UPDATE mentoring_trainingsession SET ends_at = %s::timestamptz WHERE id = %s",
            ["9999-12-31 23:59:00-11:00", session.pk],
        )
        cursor.execute(
            "SELECT extract(year FROM ends_at AT TIME ZONE 'UTC') FROM mentoring_trainingsession"
            " WHERE id = %s",
            [session.pk],
        )
        assert cursor.fetchone()[0] == 10000
    with pytest.raises((DataError, ValueError)), transaction.atomic():  # the bug: unreadable
        TrainingSession.objects.get(pk=session.pk)
    repair.repair(apps, None)
    session.refresh_from_db()
    assert is_plausible(session.ends_at) and session.ends_at > session.starts_at
    assert client.get(session.get_absolute_url()).status_code == 200
    assert client.get("/api/v1/trainings/").status_code == 200


@pytest.mark.django_db
def test_price_tiers_given_to_the_product_service_are_checked_by_the_model():
    """The demo and any other caller of ``product_create``/``product_update`` pass tiers as
    data; the model's bounds apply to them as to the web formset's."""
    category = SubCategoryFactory()
    business = BusinessFactory()
    values = _product_values(category)
    for tier, field_name in [
        ({"min_quantity": 10, "max_quantity": None, "price_usd": "0.00"}, "price_usd"),
        ({"min_quantity": 10**10, "max_quantity": None, "price_usd": "1.00"}, "min_quantity"),
        ({"min_quantity": 10, "max_quantity": 5, "price_usd": "1.00"}, "__all__"),
    ]:
        with pytest.raises(ValidationError) as refused:
            umkm_services.product_create(
                business=business, actor=business.owner, price_tiers=[tier], **values
            )
        assert field_name in refused.value.message_dict
    assert not Product.objects.exists() and not PriceTier.objects.exists()
    product = ProductFactory(business=business)
    with pytest.raises(ValidationError):
        umkm_services.product_update(
            product=product,
            actor=business.owner,
            price_tiers=[{"min_quantity": 1, "max_quantity": None, "price_usd": "-1"}],
        )
    assert not PriceTier.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_repair_migration_fixes_scales_and_certificate_dates(postgres_db):
    """Rows saved before the bounds (through the admin, which checked neither): a scale
    that contradicts the figures gets the smallest one they fit; an expiry long past
    stays past, a typed 9999 becomes "does not expire"; nothing breaks the order."""
    import importlib

    from django.apps import apps

    repair = importlib.import_module("umkm.migrations.0007_repair_out_of_range_values")
    business = BusinessFactory()
    old = CertificationFactory(business=business, number="OLD")
    forever = CertificationFactory(business=business, number="FOREVER")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, constraint in [
            ("umkm_business", "business_scale_fits_figures"),
            ("umkm_certification", "certification_dates_in_range"),
        ]:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}")
    Business.objects.filter(pk=business.pk).update(
        scale="mikro", assets_idr=Decimal(8_000_000_000), annual_turnover_idr=Decimal(4 * 10**10)
    )
    Certification.objects.filter(pk=old.pk).update(
        issued_on=date(1990, 1, 1), expires_on=date(1995, 1, 1)
    )
    Certification.objects.filter(pk=forever.pk).update(expires_on=date(9999, 12, 31))
    repair.repair(apps, None)
    business.refresh_from_db()
    assert business.scale == "menengah"  # assets of 8 and turnover of 40 billion: medium
    assert Certification.objects.values_list("issued_on", "expires_on").get(pk=old.pk) == (
        date(2000, 1, 1),
        date(2000, 1, 1),
    )
    forever.refresh_from_db()
    assert forever.expires_on is None


@pytest.mark.django_db
def test_overlapping_price_tiers_are_refused_by_the_service_as_by_the_formset():
    """The rule lives beside the model (``validate_tiers_do_not_overlap``): the web
    formset, the admin (the same formset) and the services' callers share it."""
    category = SubCategoryFactory()
    business = BusinessFactory()
    overlapping = [
        {"min_quantity": 10, "max_quantity": 100, "price_usd": "2.00"},
        {"min_quantity": 50, "max_quantity": None, "price_usd": "1.80"},
    ]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        umkm_services.product_create(
            business=business,
            actor=business.owner,
            price_tiers=overlapping,
            **_product_values(category),
        )
    with translation.override("en"):
        assert refused.value.messages == ["Price tiers must not overlap."]
    assert not Product.objects.exists() and not PriceTier.objects.exists()
    umkm_services.product_create(
        business=business,
        actor=business.owner,
        price_tiers=[overlapping[0], {**overlapping[1], "min_quantity": 101}],
        **_product_values(category),
    )
    assert PriceTier.objects.count() == 2
