"""The listing workflow, readiness and certificate expiry (services and selectors)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from mentoring.readiness.selectors import business_readiness, product_readiness
from notifications.models import Notification
from umkm import services
from umkm.models import (
    Business,
    Certification,
    Product,
    ProductImage,
    format_hs_code,
    normalise_hs_code,
    scale_for,
)

from ..factories import (
    AttendedRegistrationFactory,
    BusinessFactory,
    CertificationFactory,
    MentorFactory,
    MentorshipFactory,
    OwnerFactory,
    ProductFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def business():
    return BusinessFactory()


@pytest.fixture
def their_mentor(business):
    return MentorshipFactory(business=business).mentor


def kinds_for(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# HS codes and scale ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored", "shown"),
    [
        ("0901.11", "090111", "0901.11"),
        ("0901 11 90", "09011190", "0901.11.90"),
        ("4602", "4602", "4602"),
    ],
)
def test_hs_code_is_stored_normalised_and_shown_with_dots(raw, stored, shown):
    assert normalise_hs_code(raw) == stored
    assert format_hs_code(stored) == shown


@pytest.mark.parametrize(
    ("assets", "turnover", "expected"),
    [
        (500_000_000, 1_500_000_000, {"mikro"}),
        (3_000_000_000, 1_000_000_000, {"kecil", "mikro"}),
        (8_000_000_000, 40_000_000_000, {"menengah"}),
        (0, 0, {"mikro"}),
    ],
)
def test_scale_bands_follow_assets_or_turnover(assets, turnover, expected):
    assert scale_for(assets=Decimal(assets), turnover=Decimal(turnover)) == expected


# Workflow ----------------------------------------------------------------------------


def test_submit_notifies_the_active_mentors_only(
    business, their_mentor, django_capture_on_commit_callbacks
):
    other_mentor = MentorFactory()
    MentorshipFactory(business=business, mentor=other_mentor, status="completed")
    product = ProductFactory(business=business)
    with django_capture_on_commit_callbacks(execute=True):
        services.product_submit(product=product, actor=business.owner)
    product.refresh_from_db()
    assert product.status == Product.Status.SUBMITTED
    assert kinds_for(their_mentor) == ["product_submitted"]
    assert kinds_for(other_mentor) == []
    assert [m.to for m in mail.outbox] == [[their_mentor.email]]
    transition = product.transitions.get()
    assert (transition.from_status, transition.to_status, transition.actor) == (
        "draft",
        "submitted",
        business.owner,
    )


def test_submit_without_mentor_notifies_staff(business):
    staff = StaffFactory()
    product = ProductFactory(business=business)
    services.product_submit(product=product, actor=business.owner)
    assert kinds_for(staff) == ["product_submitted"]


def test_mentor_approves_and_the_owner_is_told_in_their_language(business, their_mentor):
    product = ProductFactory(business=business, name_id="Keripik Nanas")
    services.product_submit(product=product, actor=business.owner)
    services.product_approve(product=product, reviewer=their_mentor, comment="Bagus")
    product.refresh_from_db()
    assert product.status == Product.Status.LISTED
    assert product.is_listed and product.listed_at
    assert product in Product.objects.listed()
    notification = Notification.objects.get(recipient=business.owner, kind="product_approved")
    with translation.override("id"):
        assert "Keripik Nanas" in notification.title
    assert product.transitions.first().comment == "Bagus"


def test_request_changes_needs_a_comment_and_tells_the_owner(business, their_mentor):
    product = ProductFactory(business=business)
    services.product_submit(product=product, actor=business.owner)
    with pytest.raises(ValidationError):
        services.product_request_changes(product=product, reviewer=their_mentor, comment="  ")
    product.refresh_from_db()
    assert product.status == Product.Status.SUBMITTED
    services.product_request_changes(
        product=product, reviewer=their_mentor, comment="Tambahkan foto kemasan"
    )
    product.refresh_from_db()
    assert product.status == Product.Status.CHANGES_REQUESTED
    notification = Notification.objects.get(
        recipient=business.owner, kind="product_changes_requested"
    )
    assert "Tambahkan foto kemasan" in notification.body
    # The owner fixes and submits again.
    services.product_submit(product=product, actor=business.owner)
    product.refresh_from_db()
    assert product.status == Product.Status.SUBMITTED


@pytest.mark.parametrize(
    "reviewer_kind", ["stranger_mentor", "owner", "pending_mentor_of_business"]
)
def test_only_an_active_mentor_or_staff_can_approve(business, reviewer_kind):
    product = ProductFactory(business=business)
    services.product_submit(product=product, actor=business.owner)
    if reviewer_kind == "stranger_mentor":
        reviewer = MentorFactory()
    elif reviewer_kind == "owner":
        reviewer = business.owner
    else:
        reviewer = MentorFactory(mentor_approved_at=None)
        MentorshipFactory(business=business, mentor=reviewer)
    with pytest.raises(services.TransitionError):
        services.product_approve(product=product, reviewer=reviewer)
    product.refresh_from_db()
    assert product.status == Product.Status.SUBMITTED
    assert not product.is_listed


def test_staff_can_approve_any_product(business):
    product = ProductFactory(business=business)
    services.product_submit(product=product, actor=business.owner)
    services.product_approve(product=product, reviewer=StaffFactory())
    product.refresh_from_db()
    assert product.is_listed


@pytest.mark.parametrize(
    ("status", "step"),
    [
        ("draft", "approve"),
        ("draft", "request_changes"),
        ("listed", "submit"),
        ("listed", "approve"),
        ("changes_requested", "approve"),
        ("archived", "submit"),
        ("archived", "archive"),
        ("draft", "restore"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(business, their_mentor, status, step):
    product = ProductFactory(business=business, status=status, is_listed=status == "listed")
    call = {
        "submit": lambda: services.product_submit(product=product, actor=business.owner),
        "approve": lambda: services.product_approve(product=product, reviewer=their_mentor),
        "request_changes": lambda: services.product_request_changes(
            product=product, reviewer=their_mentor, comment="x"
        ),
        "archive": lambda: services.product_archive(product=product, actor=business.owner),
        "restore": lambda: services.product_restore(product=product, actor=business.owner),
    }[step]
    with pytest.raises(services.TransitionError):
        call()
    product.refresh_from_db()
    assert product.status == status
    assert not product.transitions.exists()


def test_archive_hides_and_restore_returns_a_draft(business):
    product = ProductFactory(business=business, status="listed", is_listed=True)
    services.product_archive(product=product, actor=business.owner)
    product.refresh_from_db()
    assert product.status == "archived" and not product.is_listed
    assert product not in Product.objects.listed()
    services.product_restore(product=product, actor=business.owner)
    product.refresh_from_db()
    assert product.status == "draft" and not product.is_listed


def test_editing_a_listed_products_export_facts_goes_back_to_review_and_keeps_the_public_version(
    business, their_mentor
):
    product = ProductFactory(business=business, fob_usd=Decimal("2.10"), moq=100)
    services.product_submit(product=product, actor=business.owner)
    services.product_approve(product=product, reviewer=their_mentor)
    services.product_update(
        product=product,
        actor=business.owner,
        fob_usd=Decimal("1.95"),
        moq=200,
        price_idr=Decimal(30000),  # not an export fact: applies at once
    )
    product.refresh_from_db()
    # Still public with the approved facts; the edit waits.
    assert product.status == Product.Status.SUBMITTED
    assert product.is_listed
    assert product in Product.objects.listed()
    assert product.fob_usd == Decimal("2.10")
    assert product.moq == 100
    assert product.price_idr == Decimal(30000)
    assert product.pending_changes == {"fob_usd": "1.95", "moq": 200}
    assert kinds_for(their_mentor).count("product_submitted") == 2
    assert services.pending_value(product, "fob_usd") == Decimal("1.95")
    # Approval applies the pending facts.
    services.product_approve(product=product, reviewer=their_mentor)
    product.refresh_from_db()
    assert (product.fob_usd, product.moq, product.pending_changes) == (Decimal("1.95"), 200, {})
    assert product.status == Product.Status.LISTED


def test_editing_a_listed_product_without_changing_facts_stays_listed(business):
    product = ProductFactory(business=business, status="listed", is_listed=True)
    services.product_update(
        product=product, actor=business.owner, fob_usd=product.fob_usd, weight_grams=250
    )
    product.refresh_from_db()
    assert product.status == Product.Status.LISTED
    assert product.weight_grams == 250
    assert product.pending_changes == {}


def test_category_change_on_a_listed_product_is_held_as_an_id(business):
    from ..factories import SubCategoryFactory

    product = ProductFactory(business=business, status="listed", is_listed=True)
    old = product.category
    new = SubCategoryFactory()
    services.product_update(product=product, actor=business.owner, category=new)
    product.refresh_from_db()
    assert product.category == old
    assert product.pending_changes == {"category": new.pk}
    assert services.pending_value(product, "category") == new
    services.product_approve(product=product, reviewer=StaffFactory())
    product.refresh_from_db()
    assert product.category == new


def test_draft_edits_apply_at_once(business):
    product = ProductFactory(business=business)
    services.product_update(product=product, actor=business.owner, hs_code="0901.11", moq=5)
    product.refresh_from_db()
    assert (product.hs_code, product.moq, product.status) == ("090111", 5, "draft")


def test_invalid_edit_changes_nothing(business):
    product = ProductFactory(business=business, hs_code="200899")
    with pytest.raises(ValidationError):
        services.product_update(product=product, actor=business.owner, hs_code="12")
    product.refresh_from_db()
    assert product.hs_code == "200899"


def test_inactive_business_products_are_never_listed(business):
    product = ProductFactory(business=business, status="listed", is_listed=True)
    Business.objects.filter(pk=business.pk).update(is_active=False)
    assert product not in Product.objects.listed()


# Readiness ---------------------------------------------------------------------------


def _ready_food_business():
    business = BusinessFactory(verified_at=timezone.now())
    CertificationFactory(business=business, kind=Certification.Kind.PIRT)
    CertificationFactory(business=business, kind=Certification.Kind.HALAL)
    MentorshipFactory(business=business)
    AttendedRegistrationFactory(business=business)
    return business


def _add_images(product, n):
    # bulk_create skips reading the (absent) files for their dimensions.
    ProductImage.objects.bulk_create(
        ProductImage(product=product, image=f"products/x{i}.jpg", position=i, width=4, height=3)
        for i in range(n)
    )


def test_a_complete_food_product_scores_100():
    product = ProductFactory(business=_ready_food_business())
    _add_images(product, 3)
    readiness = product_readiness(product)
    assert readiness.missing == []
    assert readiness.score == 100


def test_missing_items_are_named_with_a_link_to_fix_them():
    business = BusinessFactory(verified_at=None)
    product = ProductFactory(business=business, name_en="", hs_code="", fob_usd=None)
    _add_images(product, 1)
    readiness = product_readiness(product)
    missing = {item.key for item in readiness.missing}
    assert missing == {
        "english",
        "photos",
        "hs_code",
        "fob",
        "food_permit",
        "halal",
        "nib",
        "mentor",
        "training",
    }
    assert len(readiness.items) == 11
    assert readiness.score == 18  # MOQ and capacity/lead time done: 2 of 11
    fix = {item.key: item.fix_url for item in readiness.missing}
    assert fix["hs_code"] == f"/umkm/products/{product.pk}/edit/#id_hs_code"
    assert fix["photos"] == f"/umkm/products/{product.pk}/photos/"
    certs = f"/umkm/business/{business.slug}/certifications/"
    assert fix["halal"] == f"{certs}?kind=halal#add-certificate"


def test_expired_or_unverified_certificates_do_not_count():
    business = BusinessFactory(verified_at=timezone.now())
    today = timezone.localdate()
    CertificationFactory(
        business=business,
        kind=Certification.Kind.HALAL,
        issued_on=today - timedelta(days=800),
        expires_on=today - timedelta(days=1),
    )
    CertificationFactory(business=business, kind=Certification.Kind.PIRT, verified_at=None)
    product = ProductFactory(business=business)
    missing = {item.key for item in product_readiness(product).missing}
    assert {"food_permit", "halal"} <= missing


def test_non_food_products_need_no_food_certificates():
    from ..factories import CategoryFactory

    crafts = CategoryFactory(parent=CategoryFactory(), is_food=False)
    product = ProductFactory(category=crafts)
    keys = {item.key for item in product_readiness(product).items}
    assert "halal" not in keys and "food_permit" not in keys


def test_business_readiness_lists_its_own_gaps():
    business = BusinessFactory(description_en="", verified_at=None, phone="", whatsapp="")
    readiness = business_readiness(business)
    missing = {item.key for item in readiness.missing}
    assert {"english", "nib", "mentor", "listed", "contact"} <= missing
    assert 0 <= readiness.score < 50


# Verification and certificates -------------------------------------------------------


def test_verifying_a_business_records_who_and_when_and_tells_the_owner(business):
    Business.objects.filter(pk=business.pk).update(verified_at=None)
    business.refresh_from_db()
    staff = StaffFactory()
    reason = "Checked in the OSS register"  # the factory uploads no NIB document
    assert services.business_verify(business=business, staff=staff, reason=reason) is True
    business.refresh_from_db()
    assert business.verified_by == staff and business.verified_at
    assert kinds_for(business.owner) == ["business_verified"]
    assert services.business_verify(business=business, staff=staff, reason=reason) is False
    assert kinds_for(business.owner) == ["business_verified"]


def test_a_business_without_nib_cannot_be_verified():
    business = BusinessFactory(nib="")
    with pytest.raises(ValidationError):
        services.business_verify(business=business, staff=StaffFactory())


def test_one_business_per_owner():
    owner = OwnerFactory()
    BusinessFactory(owner=owner)
    with pytest.raises(ValidationError):
        services.business_create(owner=owner, name="Second")


def test_staff_can_transfer_a_business_to_another_owner(business):
    new_owner = OwnerFactory()
    services.business_transfer(business=business, new_owner=new_owner, staff=StaffFactory())
    business.refresh_from_db()
    assert business.owner == new_owner
    with pytest.raises(ValidationError):
        services.business_transfer(
            business=business, new_owner=MentorFactory(), staff=StaffFactory()
        )


@pytest.mark.parametrize(("days_left", "threshold"), [(30, 30), (12, 30), (7, 7), (1, 7)])
def test_expiry_warning_is_sent_once_per_threshold(business, days_left, threshold):
    today = timezone.localdate()
    cert = CertificationFactory(
        business=business,
        issued_on=today - timedelta(days=300),
        expires_on=today + timedelta(days=days_left),
    )
    assert services.certifications_warn_expiring(today=today) == 1
    assert services.certifications_warn_expiring(today=today) == 0  # run twice: once
    notification = Notification.objects.get(recipient=business.owner, kind="certification_expiring")
    assert notification.dedupe_key == f"cert-expiry:{cert.pk}:{threshold}:{cert.expires_on}"
    assert str(days_left) in notification.body


def test_expiry_job_sends_the_7_day_warning_after_the_30_day_one(business):
    today = timezone.localdate()
    CertificationFactory(
        business=business,
        issued_on=today - timedelta(days=300),
        expires_on=today + timedelta(days=30),
    )
    assert services.certifications_warn_expiring(today=today) == 1
    assert services.certifications_warn_expiring(today=today + timedelta(days=23)) == 1
    assert Notification.objects.filter(kind="certification_expiring").count() == 2


def test_expiry_job_ignores_far_and_past_expiry(business):
    today = timezone.localdate()
    CertificationFactory(
        business=business,
        issued_on=today - timedelta(days=900),
        expires_on=today + timedelta(days=31),
    )
    CertificationFactory(
        business=business,
        issued_on=today - timedelta(days=900),
        expires_on=today - timedelta(days=1),
    )
    assert services.certifications_warn_expiring(today=today) == 0


def test_expiry_task_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["certifications-expiry"]
    assert entry["task"] == "umkm.tasks.warn_expiring_certifications"
    from umkm import tasks

    assert tasks.warn_expiring_certifications.apply().get() == 0


def test_price_tiers_and_certificates_of_a_listed_product_wait_for_review(business):
    from umkm.models import PriceTier

    product = ProductFactory(business=business, status="listed", is_listed=True)
    PriceTier.objects.create(product=product, min_quantity=100, price_usd=Decimal("2.10"))
    halal = CertificationFactory(business=business)
    services.product_update(
        product=product,
        actor=business.owner,
        price_tiers=[{"min_quantity": 100, "max_quantity": None, "price_usd": Decimal("0.50")}],
        certifications=[halal],
    )
    product.refresh_from_db()
    # The public keeps the approved tier and no certificate; both wait for review.
    assert list(product.price_tiers.values_list("price_usd", flat=True)) == [Decimal("2.10")]
    assert not product.certifications.exists()
    assert product.status == Product.Status.SUBMITTED
    assert services.pending_display(product, "price_tiers") == "100+: US$ 0.50"
    services.product_approve(product=product, reviewer=StaffFactory())
    assert list(product.price_tiers.values_list("price_usd", flat=True)) == [Decimal("0.50")]
    assert list(product.certifications.all()) == [halal]


def test_draft_price_tiers_apply_at_once(business):
    product = ProductFactory(business=business)
    services.product_update(
        product=product,
        actor=business.owner,
        price_tiers=[
            {"min_quantity": 500, "max_quantity": None, "price_usd": "1.85"},
            {"min_quantity": 100, "max_quantity": 499, "price_usd": "2.10"},
        ],
    )
    assert list(product.price_tiers.values_list("min_quantity", "price_usd")) == [
        (100, Decimal("2.10")),
        (500, Decimal("1.85")),
    ]


def test_reviewers_are_approved_mentors_only_else_staff(business):
    from ..factories import PendingMentorFactory

    MentorshipFactory(business=business, mentor=PendingMentorFactory())
    staff = StaffFactory()
    assert services.reviewers_for(business) == [staff]
