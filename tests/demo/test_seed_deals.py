"""The demo's deal pipelines (``demo/data/deals.yaml``): written through the services at
their stages, and a second seed changes nothing."""

import io

import pytest
from django.core.management import call_command

from demo.loaders import umkm as umkm_demo
from marketplace.models import Inquiry, Quotation, SampleRequest
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_seed_writes_pipelines_at_different_stages_once(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(umkm_demo, "_add_photos", lambda *args, **kwargs: None)
    call_command("seed_demo", stdout=io.StringIO())
    statuses = set(Quotation.objects.values_list("status", flat=True))
    assert statuses == {"sent", "revision", "accepted", "declined"}
    assert SampleRequest.objects.filter(status="sent").exists()
    assert SampleRequest.objects.filter(status="requested").exists()
    accepted = Quotation.objects.filter(status="accepted").order_by("pk")
    assert all(q.proforma_number.startswith("PI-") for q in accepted)
    won = Inquiry.objects.get(quotations__in=accepted, outcome="deal_won")
    assert won.deal_value_usd == won.quotations.get(status="accepted").total_usd
    assert Inquiry.objects.filter(lost_reason="price").exists()
    counts = (
        Quotation.objects.count(),
        SampleRequest.objects.count(),
        Notification.objects.count(),
    )
    call_command("seed_demo", stdout=io.StringIO())
    assert (
        Quotation.objects.count(),
        SampleRequest.objects.count(),
        Notification.objects.count(),
    ) == counts
