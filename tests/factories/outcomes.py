"""Baselines, follow-ups, shipments, monthly rates and budget periods."""

import datetime as dt
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from outcomes.models import Baseline, BudgetPeriod, FollowUp, MonthlyRate, Shipment

from ..support.pdfs import pdf_file
from .umkm import BusinessFactory


def invoice_pdf(name: str = "invoice.pdf") -> ContentFile:
    """A small passive PDF (an empty A4 page), as a shipment's document."""
    return ContentFile(pdf_file(), name=name)


class BaselineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Baseline

    business = factory.SubFactory(BusinessFactory)
    revenue_band = "lt300m"
    women_paid = 2
    men_paid = 1
    women_unpaid = 1
    men_unpaid = 0
    export_status = "never"
    markets = "Pekanbaru"
    certificates = factory.LazyFunction(lambda: ["pirt"])


class FollowUpFactory(factory.django.DjangoModelFactory):
    """A 6-month round due a week ago, sent, not answered."""

    class Meta:
        model = FollowUp

    business = factory.SubFactory(BusinessFactory)
    months = 6
    due_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=7))
    sent_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=7))


class AnsweredFollowUpFactory(FollowUpFactory):
    revenue_band = "lt2b"
    women_paid = 3
    men_paid = 2
    women_unpaid = 1
    men_unpaid = 0
    export_status = "direct"
    markets = "Pekanbaru, Malaysia"
    certificates = factory.LazyFunction(lambda: ["pirt", "halal"])
    attribution = "no"
    channel = "link"
    answered_at = factory.LazyFunction(timezone.now)


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    business = factory.SubFactory(BusinessFactory)
    shipped_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    buyer_country = "MY"
    products = "500 kg keripik nanas"
    value_usd = Decimal("1000.00")
    incoterm = "FOB"
    document_kind = "invoice"
    document = factory.LazyFunction(invoice_pdf)


class VerifiedShipmentFactory(ShipmentFactory):
    status = Shipment.Status.VERIFIED
    reviewed_at = factory.LazyFunction(timezone.now)


class MonthlyRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlyRate
        django_get_or_create = ["month"]

    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    idr_per_usd = Decimal("16000.00")


class BudgetPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetPeriod

    starts_on = dt.date(2026, 1, 1)
    ends_on = dt.date(2026, 6, 30)
    amount_idr = Decimal(100_000_000)
