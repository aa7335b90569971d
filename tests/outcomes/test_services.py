"""Baselines with their history, shipments with their verification, monthly rates and
the budget: the services every door calls."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from notifications.models import Notification
from outcomes import services
from outcomes.models import Baseline, BaselineChange, Shipment

from ..factories import (
    BaselineFactory,
    MonthlyRateFactory,
    ShipmentFactory,
    invoice_pdf,
)
from ..support.pdfs import catalog, pdf_file

pytestmark = pytest.mark.usefixtures("english_texts")


ANSWERS = {
    "revenue_band": "lt300m",
    "women_paid": 2,
    "men_paid": 1,
    "women_unpaid": 1,
    "men_unpaid": 0,
    "export_status": "never",
    "markets": "Pekanbaru",
    "certificates": ["pirt"],
}


def _shipment(cast, by=None, **overrides):
    values = {
        "business": cast.business,
        "by": by or cast.owner,
        "shipped_on": timezone.localdate() - dt.timedelta(days=3),
        "buyer_country": "MY",
        "products": "keripik nanas",
        "value_usd": Decimal("1250.50"),
        "incoterm": "FOB",
        "document_kind": "invoice",
        "document": invoice_pdf(),
    }
    values.update(overrides)
    return services.shipment_record(**values)


class TestBaseline:
    def test_owner_gives_it_once_and_the_first_answers_are_history(self, cast):
        baseline = services.baseline_give(business=cast.business, by=cast.owner, **ANSWERS)
        change = BaselineChange.objects.get(baseline=baseline)
        assert change.changed_by == cast.owner
        assert change.before == {}
        assert change.after == ANSWERS
        with pytest.raises(ValidationError, match="already given"):
            services.baseline_give(business=cast.business, by=cast.owner, **ANSWERS)
        assert Baseline.objects.count() == 1

    @pytest.mark.parametrize("who", ["other_owner", "mentor", "buyer"])
    def test_nobody_else_gives_it(self, cast, who):
        with pytest.raises(PermissionDenied):
            services.baseline_give(business=cast.business, by=cast[who], **ANSWERS)
        assert not Baseline.objects.exists()

    def test_staff_correct_it_and_the_change_is_kept(self, cast):
        baseline = services.baseline_give(business=cast.business, by=cast.owner, **ANSWERS)
        services.baseline_update(baseline=baseline, by=cast.staff, **{**ANSWERS, "men_paid": 3})
        change = baseline.changes.first()  # newest first
        assert change.changed_by == cast.staff
        assert (change.before["men_paid"], change.after["men_paid"]) == (1, 3)
        assert change.changed_fields() == ["men_paid"]
        # Saving the same answers again writes no history row.
        services.baseline_update(baseline=baseline, by=cast.staff, **{**ANSWERS, "men_paid": 3})
        assert baseline.changes.count() == 2

    def test_the_owner_cannot_correct_it(self, cast):
        baseline = BaselineFactory(business=cast.business)
        with pytest.raises(PermissionDenied):
            services.baseline_update(baseline=baseline, by=cast.owner, men_paid=9)

    def test_a_bad_value_changes_nothing(self, cast):
        with pytest.raises(ValidationError):
            services.baseline_give(
                business=cast.business, by=cast.owner, **{**ANSWERS, "certificates": ["fake"]}
            )
        assert not Baseline.objects.exists()


class TestShipments:
    def test_owner_records_and_staff_verify_and_the_owner_is_told(
        self, cast, django_capture_on_commit_callbacks, mailoutbox
    ):
        shipment = _shipment(cast)
        assert shipment.status == Shipment.Status.SUBMITTED
        assert shipment.document.name.endswith(".pdf")
        with django_capture_on_commit_callbacks(execute=True):
            services.shipment_verify(shipment=shipment, by=cast.staff)
        shipment.refresh_from_db()
        assert shipment.status == Shipment.Status.VERIFIED
        assert shipment.reviewed_by == cast.staff
        note = Notification.objects.get(recipient=cast.owner, kind="shipment_verified")
        assert "1,250.50" in note.body or "1.250,50" in note.body
        assert len(mailoutbox) == 1

    def test_the_active_mentor_records_too(self, cast):
        assert _shipment(cast, by=cast.mentor).recorded_by == cast.mentor

    @pytest.mark.parametrize("who", ["other_owner", "unassigned_mentor", "buyer", "staff"])
    def test_nobody_else_records(self, cast, who):
        with pytest.raises(PermissionDenied):
            _shipment(cast, by=cast[who])
        assert not Shipment.objects.exists()

    def test_reject_needs_a_reason_and_tells_the_owner(self, cast):
        shipment = _shipment(cast)
        with pytest.raises(ValidationError):
            services.shipment_reject(shipment=shipment, by=cast.staff, reason="  ")
        services.shipment_reject(shipment=shipment, by=cast.staff, reason="Invoice unreadable")
        shipment.refresh_from_db()
        assert shipment.status == Shipment.Status.REJECTED
        note = Notification.objects.get(recipient=cast.owner, kind="shipment_rejected")
        assert "Invoice unreadable" in note.body
        with pytest.raises(ValidationError, match="already reviewed"):
            services.shipment_verify(shipment=shipment, by=cast.staff)

    def test_only_staff_verify(self, cast):
        shipment = _shipment(cast)
        for who in ("owner", "mentor"):
            with pytest.raises(PermissionDenied):
                services.shipment_verify(shipment=shipment, by=cast[who])

    def test_a_pdf_with_javascript_is_refused_and_nothing_is_stored(self, cast):
        evil = pdf_file(
            catalog(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
            b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj",
            b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj",
        )
        upload = SimpleUploadedFile("invoice.pdf", evil, content_type="application/pdf")
        with pytest.raises(ValidationError):
            _shipment(cast, document=upload)
        assert not Shipment.objects.exists()

    def test_a_future_date_is_refused(self, cast):
        with pytest.raises(ValidationError):
            _shipment(cast, shipped_on=timezone.localdate() + dt.timedelta(days=2))


class TestRates:
    def test_idr_at_the_rate_of_the_shipments_month(self, cast):
        day = timezone.localdate() - dt.timedelta(days=3)
        MonthlyRateFactory(month=day.replace(day=1), idr_per_usd=Decimal("16000"))
        shipment = _shipment(cast, shipped_on=day, value_usd=Decimal("1250.50"))
        # 1,250.50 × 16,000 = 20,008,000
        assert shipment.value_idr == Decimal(20_008_000)
        assert shipment.idr_per_usd == Decimal("16000")

    def test_missing_rate_leaves_idr_empty_until_staff_enter_it(self, cast):
        day = dt.date(2026, 3, 15)
        shipment = _shipment(cast, shipped_on=day, value_usd=Decimal("100.25"))
        other_month = ShipmentFactory(business=cast.business, shipped_on=dt.date(2026, 4, 1))
        assert shipment.value_idr is None
        services.monthly_rate_set(
            month=dt.date(2026, 3, 20), idr_per_usd=Decimal("15500.00"), by=cast.staff
        )
        shipment.refresh_from_db()
        other_month.refresh_from_db()
        # 100.25 × 15,500 = 1,553,875
        assert shipment.value_idr == Decimal(1_553_875)
        assert other_month.value_idr is None  # April has no rate

    def test_only_staff_set_rates(self, cast):
        with pytest.raises(PermissionDenied):
            services.monthly_rate_set(
                month=dt.date(2026, 3, 1), idr_per_usd=Decimal(1), by=cast.owner
            )


class TestBudget:
    def test_periods_may_not_overlap(self, cast):
        services.budget_period_add(
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 6, 30),
            amount_idr=Decimal(100),
            by=cast.staff,
        )
        with pytest.raises(ValidationError, match="overlaps"):
            services.budget_period_add(
                starts_on=dt.date(2026, 6, 1),
                ends_on=dt.date(2026, 12, 31),
                amount_idr=Decimal(100),
                by=cast.staff,
            )

    def test_end_before_start_is_refused(self, cast):
        with pytest.raises(ValidationError):
            services.budget_period_add(
                starts_on=dt.date(2026, 6, 1),
                ends_on=dt.date(2026, 1, 1),
                amount_idr=Decimal(100),
                by=cast.staff,
            )
