"""The UMKM part of ``seed_demo``: businesses, papers, products, photos, bulk products.

A full seed draws and stores a few hundred photos, so the checks are grouped into few
tests: one real seed (thumbnails included) that is then run again, and one for
``--products`` that leaves the photos out.
"""

import io
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from demo.loaders import umkm as demo
from demo.loaders.accounts import DEMO_ACCOUNTS
from demo.loaders.photos import PHOTO_SIZE
from mentoring.models import Mentorship
from notifications.models import Notification
from umkm.models import (
    Business,
    Category,
    Certification,
    PriceTier,
    Product,
    ProductImage,
    ProductTransition,
    scale_for,
)

pytestmark = pytest.mark.django_db

COUNTED = [
    User,
    EmailAddress,
    Business,
    Certification,
    Category,
    Product,
    ProductImage,
    PriceTier,
    ProductTransition,
    Mentorship,
    Notification,
]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def test_seed_demo_builds_the_umkm_demo_and_a_second_run_changes_nothing(
    settings, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):  # thumbnails, as in the demo
        output = seed()
    assert re.search(r"32 businesses \(\d+ verified, 30 active\)", output)

    # Businesses: at least 30 active ones in Riau, mostly Pekanbaru, in every sector.
    active = Business.objects.active()
    assert active.count() >= 30
    assert Business.objects.filter(is_active=False).count() == 2
    assert set(Business.objects.values_list("province", flat=True)) == {"Riau"}
    cities = list(Business.objects.values_list("city", flat=True))
    assert cities.count("Pekanbaru") > len(cities) / 2
    assert {"Siak", "Kampar", "Dumai", "Kepulauan Meranti"} <= set(cities)
    assert {"food", "crafts", "fashion", "furniture", "agriculture"} <= set(
        active.values_list("sector", flat=True)
    )
    verified = Business.objects.verified().count()
    assert 0.6 <= verified / Business.objects.count() <= 0.75
    assert Business.objects.filter(has_exported=True).exclude(export_markets="").count() >= 5

    nibs = list(Business.objects.values_list("nib", flat=True))
    assert all(re.fullmatch(r"\d{13}", nib) for nib in nibs)
    assert len(set(nibs)) == len(nibs)
    for business in Business.objects.all():
        scales = scale_for(assets=business.assets_idr, turnover=business.annual_turnover_idr)
        assert business.scale in scales, business.name
        assert business.description_id and business.description_en
        assert business.owner.role == User.Role.OWNER

    # Every owner can sign in: verified address, the demo password.
    owner7 = User.objects.get(email="owner7@demo.jembatan.id")
    assert owner7.check_password("jembatan-demo")
    assert EmailAddress.objects.get(user=owner7).verified

    # The demo owner's business, mentored by the demo mentor (and eight more).
    siti = Business.objects.get(owner__email="owner@demo.jembatan.id")
    assert siti.name == "Keripik Nanas Siti"
    mentor = User.objects.get(email="mentor@demo.jembatan.id")
    mentorship = Mentorship.objects.get(mentor=mentor, business=siti)
    assert mentorship.status == Mentorship.Status.ACTIVE
    assert mentorship.started_at is not None
    assert Mentorship.objects.active().filter(mentor=mentor).count() == 9
    assert set(siti.products.values_list("status", flat=True)) == set(Product.Status.values)

    # Certificates: an NIB for all, food permits, some expired or expiring soon.
    today = timezone.localdate()
    for business in Business.objects.all():
        kinds = set(business.certifications.values_list("kind", flat=True))
        assert Certification.Kind.NIB in kinds
        if business.sector == Business.Sector.FOOD:
            assert kinds & {Certification.Kind.PIRT, Certification.Kind.BPOM_MD}
            assert Certification.Kind.HALAL in kinds
        if business.sector == Business.Sector.FURNITURE:
            assert Certification.Kind.SVLK in kinds
    assert Certification.objects.filter(expires_on__lt=today).count() >= 2
    soon = Certification.objects.filter(
        expires_on__gte=today, expires_on__lte=today + timedelta(days=30)
    )
    assert soon.count() >= 2
    assert Certification.objects.filter(verified_at__isnull=False).exists()
    assert Certification.objects.filter(verified_at__isnull=True).exists()
    assert not Certification.objects.exclude(document="").exists()

    # Products: bilingual, in every workflow state, 3 to 6 per business.
    assert set(Product.objects.values_list("status", flat=True)) == set(Product.Status.values)
    assert not Product.objects.filter(name_id="").exists()
    assert not Product.objects.filter(name_en="").exists()
    for business in Business.objects.all():
        assert 3 <= business.products.count() <= 6, business.name
    listed = Product.objects.filter(status=Product.Status.LISTED)
    assert listed.count() > Product.objects.count() / 2
    assert listed.filter(is_listed=True, listed_at__isnull=False).count() == listed.count()
    assert not listed.filter(fob_usd__isnull=True).exists()
    assert not listed.filter(hs_code="").exists()
    assert PriceTier.objects.exists()
    assert not Product.objects.filter(category__parent__isnull=True).exists()
    food = Product.objects.filter(category__is_food=True)
    assert not food.filter(shelf_life_days__isnull=True).exists()
    assert food.filter(status=Product.Status.LISTED, certifications__kind="halal").exists()

    # Every state was reached through the workflow, by people allowed to take the step.
    staff = User.objects.get(email="staff@demo.jembatan.id")
    for product in listed.select_related("business"):
        approval = product.transitions.get(to_status=Product.Status.LISTED)
        mentored = product.business.mentorships.filter(mentor=mentor, status="active").exists()
        assert approval.actor == (mentor if mentored else staff)
    for product in Product.objects.filter(status=Product.Status.CHANGES_REQUESTED):
        request = product.transitions.get(to_status=Product.Status.CHANGES_REQUESTED)
        assert len(request.comment) > 40
    for product in Product.objects.filter(status=Product.Status.ARCHIVED):
        assert not product.is_listed
        assert product.transitions.filter(to_status=Product.Status.LISTED).exists()
    assert (
        not Product.objects.filter(status=Product.Status.DRAFT).exclude(transitions=None).exists()
    )

    # Photos: drawn, checked, with their thumbnails made on commit.
    for product in listed.prefetch_related("images"):
        photos = list(product.images.all())
        assert 1 <= len(photos) <= 4, product.name_en
        assert all(photo.thumbnails_ready and photo.alt_text for photo in photos)
    photo = ProductImage.objects.filter(product__status=Product.Status.LISTED).first()
    assert (photo.width, photo.height) == PHOTO_SIZE
    assert photo.thumb_small.storage.exists(photo.thumb_small.name)
    assert photo.image.name.endswith(".jpg")

    # The programme has run for a while: businesses joined over the past year, before
    # their mentorship started, were verified after joining and listed products since.
    months = {(b.created_at.year, b.created_at.month) for b in Business.objects.all()}
    assert len(months) >= 8
    for business in Business.objects.filter(verified_at__isnull=False):
        assert business.verified_at > business.created_at, business.name
        assert business.owner.date_joined == business.created_at
    for mentorship in Mentorship.objects.filter(started_at__isnull=False).select_related(
        "business"
    ):
        assert mentorship.business.created_at < mentorship.started_at
    for product in Product.objects.filter(
        listed_at__isnull=False, business__owner__email__endswith="@demo.jembatan.id"
    ).select_related("business")[:200]:
        assert product.business.created_at < product.listed_at < timezone.now()

    # The workflow's notifications stay in the app; only the welcome emails went out.
    demo_emails = {spec["email"] for spec in DEMO_ACCOUNTS}
    assert {message.to[0] for message in mail.outbox} <= demo_emails
    assert not Notification.objects.filter(email_status=Notification.EmailStatus.PENDING).exists()

    # A second run creates nothing new.
    before, sent = counts(), len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        seed()
    assert counts() == before
    assert len(mail.outbox) == sent


def test_seed_demo_products_adds_listed_products_only_once(settings, monkeypatch):
    settings.DEBUG = True
    # Photos are the first test's business; leaving them out keeps this one fast.
    monkeypatch.setattr(demo, "_add_photos", lambda *args, **kwargs: None)
    output = seed(products=500)
    assert "Benchmark products: 500 added" in output

    bulk = demo.bulk_products()
    assert bulk.count() == 500
    assert (
        bulk.filter(status=Product.Status.LISTED, is_listed=True, listed_at__isnull=False).count()
        == 500
    )
    assert Product.objects.listed().filter(pk__in=bulk.values("pk")).count() == 500
    assert not bulk.filter(search_text="").exists()
    assert not bulk.filter(name_en="").exists()
    assert bulk.values("business").distinct().count() > 10
    assert bulk.values("category").distinct().count() > 10
    assert not bulk.filter(business__is_active=False).exists()
    assert (
        not bulk.filter(category__parent__slug="food-beverages")
        .exclude(business__sector="food")
        .exists()
    )

    total = Product.objects.count()
    assert "Benchmark products: 0 added" in seed(products=500)
    assert Product.objects.count() == total

    seed(products=520)  # only the difference
    assert bulk.count() == 520
    assert Product.objects.count() == total + 20

    with pytest.raises(CommandError, match="--products: must be zero or more"):
        call_command("seed_demo", "--products=-1")
