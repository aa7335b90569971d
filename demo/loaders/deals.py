"""Deal pipelines on the demo inquiries (``deals.yaml``), through the marketplace
services, each step dated after the inquiry's first message. Idempotent: an inquiry that
already has a sample request or a quotation is left alone."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from marketplace import services
from marketplace.models import Inquiry, Quotation, SampleRequest
from umkm.models import Business, Product

from .backdate import date_notifications, last_notification_pk
from .files import read_yaml


def _product(business: Business, name_start: str) -> Product | None:
    listed = Product.objects.listed().filter(business=business)
    return listed.filter(name_en__startswith=name_start).first() or listed.order_by("pk").first()


def _inquiry(row: dict) -> Inquiry | None:
    return (
        Inquiry.objects.filter(
            buyer__email=row["buyer"],
            business__owner__email=row["owner"],
            product__name_en__startswith=row["product"],
            quote__isnull=True,
        )
        .select_related("business__owner", "buyer")
        .first()
    )


def _step(inquiry: Inquiry, step: dict, *, now: datetime) -> None:
    kind = step["step"]
    buyer, owner = inquiry.buyer, inquiry.business.owner
    last = inquiry.quotations.order_by("-round").first()
    if kind == "sample":
        services.sample_request_create(
            inquiry=inquiry, buyer=buyer, quantity=step["quantity"], note=step.get("note", "")
        )
    elif kind == "sample_sent":
        sample = inquiry.sample_requests.order_by("-pk").first()
        services.sample_request_send(
            sample=sample,
            owner=owner,
            fee_usd=Decimal(step["fee"]),
            courier=step["courier"],
            tracking_number=step.get("tracking", ""),
        )
    elif kind == "quotation":
        services.quotation_create(
            inquiry=inquiry,
            author=owner,
            lines=[
                {
                    "product": _product(inquiry.business, line["product"]),
                    "quantity": line["quantity"],
                    "unit_price_usd": Decimal(line["price"]),
                }
                for line in step["lines"]
            ],
            incoterm=step["incoterm"],
            port=step["port"],
            payment_term=step["payment"],
            lead_time_days=step["lead_days"],
            valid_until=timezone.localdate(now) + timedelta(days=step["valid_days"]),
            notes=step.get("notes", ""),
        )
    elif kind == "revise":
        services.quotation_request_revision(quotation=last, buyer=buyer, note=step["note"])
    elif kind == "accept":
        services.quotation_accept(quotation=last, buyer=buyer)
    elif kind == "decline":
        services.quotation_decline(
            quotation=last, buyer=buyer, reason=step["reason"], note=step.get("note", "")
        )
    elif kind == "won":
        services.deal_close(inquiry=inquiry, owner=owner, won=True)
    else:  # pragma: no cover - a typo in deals.yaml
        raise ValueError(f"Unknown deal step {kind!r}")


def seed_deals(*, now: datetime | None = None) -> int:
    """The pipelines of ``deals.yaml``; returns how many were written now."""
    now = now or timezone.now()
    written = 0
    for row in read_yaml("deals.yaml")["deals"]:
        inquiry = _inquiry(row)
        if inquiry is None or (inquiry.quotations.exists() or inquiry.sample_requests.exists()):
            continue
        start = inquiry.created_at
        for step in row["steps"]:
            when = min(start + timedelta(hours=step["hours"]), now - timedelta(minutes=5))
            since = last_notification_pk()
            before = inquiry.last_message_at, inquiry.first_reply_at
            _step(inquiry, step, now=now)
            if step["step"] == "quotation":  # a quotation answers like a message
                Inquiry.objects.filter(pk=inquiry.pk).update(
                    last_message_at=max(before[0], when), first_reply_at=before[1] or when
                )
            inquiry.refresh_from_db()
            # Dated as it happened (the services write "now").
            Quotation.objects.filter(inquiry=inquiry, created_at__gt=when).filter(
                answered_at__isnull=True
            ).update(created_at=when)
            Quotation.objects.filter(inquiry=inquiry, answered_at__gt=when).update(answered_at=when)
            SampleRequest.objects.filter(inquiry=inquiry, created_at__gt=when).update(
                created_at=when
            )
            SampleRequest.objects.filter(inquiry=inquiry, sent_at__gt=when).update(sent_at=when)
            date_notifications(since, when, read=step is not row["steps"][-1])
        written += 1
    return written


def deals_summary() -> str:
    quotations = Quotation.objects.all()
    return (
        f"{SampleRequest.objects.count()} sample requests, {quotations.count()} quotations "
        f"({quotations.filter(proforma_sequence__isnull=False).count()} with a proforma "
        "invoice)"
    )
