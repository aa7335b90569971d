"""``seed_demo``: one real seed, shared by this module's tests.

A full seed draws and stores a few hundred photos and takes most of a minute, so it runs
once for the module (a module-scoped fixture, committed, with the thumbnails and the
email delivery as in the demo) and every test here reads it: the UMKM part (businesses,
papers, products, photos), the mentoring and marketplace parts, a second run that
changes nothing, and ``--products`` on top (each test's own writes are rolled back). The
database is emptied when the module is done.
"""

import io
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from demo.loaders import umkm as demo
from demo.loaders.accounts import DEMO_ACCOUNTS
from demo.loaders.photos import PHOTO_SIZE
from marketplace.models import (
    BuyerProfile,
    BuyingRequest,
    ExchangeRate,
    Inquiry,
    InquiryMessage,
    Quotation,
    Quote,
    SampleRequest,
    ShortlistItem,
)
from mentoring.models import (
    ActionItem,
    MentoringLog,
    MentorProfile,
    Mentorship,
    Registration,
    TrainingSession,
)
from mentoring.services.trainings import certificate_find
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

from ..support.media import media_under

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
    MentorProfile,
    Mentorship,
    MentoringLog,
    ActionItem,
    TrainingSession,
    Registration,
    BuyerProfile,
    ExchangeRate,
    ShortlistItem,
    Inquiry,
    InquiryMessage,
    BuyingRequest,
    Quote,
    Quotation,
    SampleRequest,
    Notification,
]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@dataclass
class Seed:
    output: str  # what seed_demo printed
    now: datetime  # just after it finished
    mail: list  # the emails it sent


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, demo_media):
    """One real ``seed_demo`` for the whole module, committed; emptied afterwards."""
    with django_db_blocker.unblock(), override_settings(DEBUG=True), media_under(demo_media):
        mail.outbox = []
        # One transaction (a commit per statement is many times slower on PostgreSQL);
        # its on-commit callbacks run when it commits: the thumbnails and the email
        # delivery happen, as in the demo.
        with transaction.atomic():
            output = seed()
        seeded = Seed(output=output, now=timezone.now(), mail=list(mail.outbox))
    yield seeded
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _media_root(demo_media):
    """The seed's photos stay where the seed stored them (instead of each test's folder)."""
    with media_under(demo_media):
        yield


def test_seed_demo_builds_the_umkm_demo(seeded):
    assert re.search(r"32 businesses \(\d+ verified, 30 active\)", seeded.output)

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
    assert {message.to[0] for message in seeded.mail} <= demo_emails
    assert not Notification.objects.filter(email_status=Notification.EmailStatus.PENDING).exists()


def test_seed_demo_builds_mentoring_and_marketplace(seeded):
    now, today = seeded.now, timezone.localtime(seeded.now).date()

    # The printout names the new logins and counts what was made.
    assert "mentor1@ … mentor7@demo.jembatan.id" in seeded.output
    assert "buyer1@ … buyer5@demo.jembatan.id" in seeded.output
    assert "Mentoring: 8 approved mentors" in seeded.output
    assert "Marketplace: 6 buyers in 6 countries" in seeded.output

    # Mentors: eight approved Bandung mentors with bilingual profiles.
    mentors = User.objects.filter(role=User.Role.MENTOR, mentor_approved_at__isnull=False)
    assert mentors.count() >= 8
    for number in range(1, 8):
        mentor = User.objects.get(email=f"mentor{number}@demo.jembatan.id")
        assert mentor.is_approved_mentor and mentor.check_password("jembatan-demo")
        assert EmailAddress.objects.get(user=mentor).verified
    for profile in MentorProfile.objects.filter(user__in=mentors):
        assert profile.city == "Bandung"
        assert profile.bio_id and profile.bio_en and profile.organisation
        assert profile.topics and set(profile.topics) <= set(MentorProfile.Topic.values)
    capacities = MentorProfile.objects.exclude(user__email="mentor@demo.jembatan.id")
    assert set(capacities.values_list("capacity", flat=True)) <= set(range(3, 9))
    organisations = " ".join(MentorProfile.objects.values_list("organisation", flat=True))
    for name in ("ITB", "Padjadjaran", "Telkom University", "Rumah BUMN", "KADIN"):
        assert name in organisations
    assert not User.objects.get(email="mentor.pending@demo.jembatan.id").is_approved_mentor

    # Mentorships in every state; most verified businesses have a mentor, none above
    # the mentor's capacity.
    states = set(Mentorship.objects.values_list("status", flat=True))
    assert {"active", "requested", "declined", "completed"} <= states
    declined = Mentorship.objects.get(status="declined")
    assert len(declined.decline_reason) > 40
    verified = Business.objects.verified().active()
    mentored = verified.filter(mentorships__status="active").distinct()
    assert mentored.count() >= 0.8 * verified.count()
    for profile in MentorProfile.objects.all():
        assert Mentorship.objects.active().filter(mentor=profile.user).count() <= profile.capacity
    demo_mentor = User.objects.get(email="mentor@demo.jembatan.id")
    assert Mentorship.objects.active().filter(mentor=demo_mentor).count() == 9  # kept
    assert Mentorship.objects.filter(mentor=demo_mentor, status="requested").exists()

    # Logs and action items: every active mentorship has some; done, open and overdue
    # items, some tied to a readiness gap.
    for mentorship in Mentorship.objects.active():
        assert mentorship.logs.exists(), mentorship
        assert mentorship.action_items.exists(), mentorship
        assert mentorship.readiness_at_start is not None
    assert not MentoringLog.objects.filter(date__gt=today).exists()
    assert {"visit", "call", "video"} <= set(MentoringLog.objects.values_list("mode", flat=True))
    items = ActionItem.objects.all()
    assert items.filter(done_at__isnull=False).exists()
    assert items.filter(done_at__isnull=True, due_on__gte=today).exists()
    assert items.filter(done_at__isnull=True, due_on__lt=today).exists()
    assert items.exclude(readiness_key="").filter(done_at__isnull=True).count() >= 5

    # Trainings: past and future, every state, capacities 10-40.
    sessions = TrainingSession.objects.all()
    assert sessions.count() >= 12
    assert sessions.filter(starts_at__lt=now).count() >= 4
    assert sessions.filter(starts_at__gt=now).count() >= 6
    assert set(sessions.values_list("status", flat=True)) == set(TrainingSession.Status.values)
    assert set(sessions.values_list("mode", flat=True)) == set(TrainingSession.Mode.values)
    assert all(10 <= c <= 40 for c in sessions.values_list("capacity", flat=True))
    assert not sessions.filter(status="done", ends_at__gt=now).exists()
    assert not sessions.filter(status="published", starts_at__lt=now).exists()
    cancelled = sessions.get(status="cancelled")
    assert cancelled.cancel_reason
    assert not sessions.exclude(mode="offline").filter(join_link="").exists()
    assert sessions.filter(mode="offline", venue__contains="Aula Disperindag Pekanbaru").exists()
    # A full session with a waiting list.
    waitlisted = Registration.objects.filter(status="waitlisted")
    assert waitlisted.exists()
    full = waitlisted.first().session
    assert full.registrations.filter(status="confirmed").count() == full.capacity
    # Attendance, feedback and certificates after the done sessions.
    for session in sessions.filter(status="done"):
        statuses = set(session.registrations.values_list("status", flat=True))
        assert statuses <= {"attended", "no_show"}
        assert "attended" in statuses
    attended = Registration.objects.filter(status="attended")
    assert not attended.filter(certificate_code="").exists()
    assert not Registration.objects.exclude(status="attended").exclude(certificate_code="").exists()
    assert Registration.objects.filter(status="no_show").exists()
    rated = attended.exclude(feedback_rating=None)
    assert rated.count() >= 10
    assert set(rated.values_list("feedback_rating", flat=True)) <= {3, 4, 5}
    assert not rated.filter(feedback_comment="").exists()
    assert certificate_find(code=attended.first().certificate_code) == attended.first()

    # The demo owner: an upcoming seat, an attended session with a certificate, an
    # inquiry waiting, mentor's advice in it.
    siti = Business.objects.get(owner__email="owner@demo.jembatan.id")
    upcoming = siti.registrations.filter(status="confirmed", session__starts_at__gt=now)
    assert upcoming.filter(session__status="published").exists()
    done = siti.registrations.get(status="attended")
    assert done.certificate_code and done.session.status == "done"
    waiting = Inquiry.objects.filter(business=siti, status="open")
    assert waiting.exists()
    assert InquiryMessage.objects.filter(
        inquiry__in=waiting, author_role="advisor", author=demo_mentor
    ).exists()

    # Buyers: six companies in six countries; the demo buyer has one too.
    assert BuyerProfile.objects.values("country").distinct().count() >= 4
    assert BuyerProfile.objects.get(user__email="buyer@demo.jembatan.id").company
    for number in range(1, 6):
        buyer = User.objects.get(email=f"buyer{number}@demo.jembatan.id")
        assert buyer.role == User.Role.BUYER and buyer.language == "en"
        assert buyer.check_password("jembatan-demo")
        assert EmailAddress.objects.get(user=buyer).verified
        assert buyer.buyer_profile.categories.exists()
    rate = ExchangeRate.objects.first()
    assert rate.idr_per_usd == 16250 and rate.set_by.email == "staff@demo.jembatan.id"
    assert ShortlistItem.objects.count() >= 10

    # Inquiries in every state and outcome, with threads and varied reply times.
    inquiries = Inquiry.objects.all()
    assert set(inquiries.values_list("status", flat=True)) == set(Inquiry.Status.values)
    assert {"no_deal", "sample_sent", "deal_won"} <= set(
        inquiries.values_list("outcome", flat=True)
    )
    won = inquiries.filter(outcome="deal_won")
    assert not won.filter(deal_value_usd=None).exists()
    assert (
        inquiries.filter(status="replied", messages__isnull=False)
        .exclude(first_reply_at=None)
        .exists()
    )
    assert max(i.messages.count() for i in inquiries) >= 4
    replies = {
        round((i.first_reply_at - i.created_at).total_seconds() / 3600)
        for i in inquiries.filter(quote=None).exclude(first_reply_at=None)
    }
    assert len(replies) >= 6 and max(replies) >= 48
    assert not inquiries.filter(created_at__gt=now).exists()
    assert not InquiryMessage.objects.filter(created_at__gt=now).exists()
    for inquiry in inquiries.exclude(first_reply_at=None):
        assert inquiry.first_reply_at >= inquiry.created_at
        assert inquiry.last_message_at >= inquiry.first_reply_at
    # Buying requests with quotes from matching businesses; one expired and closed.
    requests = BuyingRequest.objects.all()
    assert requests.filter(status="open", quotes__isnull=False).distinct().count() >= 3
    closed = requests.get(status="closed")
    assert closed.valid_until < today and closed.quotes.exists()
    assert Quote.objects.filter(inquiry__isnull=False).count() == Quote.objects.count()

    # Quiet: the seed's notifications stay in the app; only the demo accounts' welcome
    # emails went out. Past events are not news.
    assert {message.to[0] for message in seeded.mail} <= {s["email"] for s in DEMO_ACCOUNTS}
    assert not Notification.objects.filter(email_status="pending").exists()
    assert not Notification.objects.filter(created_at__gt=now).exists()
    assert Notification.objects.filter(created_at__lt=now - timedelta(days=30)).exists()

    # The dashboards show what the demo is about.
    client = Client()
    client.force_login(User.objects.get(email="owner@demo.jembatan.id"))
    assert waiting.first().subject in client.get("/umkm/dashboard/").content.decode()
    response = client.get(reverse("mentoring:registration-certificate", args=[done.pk]))
    assert response.status_code == 200
    client.force_login(demo_mentor)
    assert "Keripik Pak Usman" in client.get("/mentoring/dashboard/").content.decode()


def test_seed_demo_writes_deal_pipelines_at_different_stages(seeded):
    """The deal pipelines of ``demo/data/deals.yaml``, written through the services at
    their stages (a second seed adds none: the test below counts them)."""
    statuses = set(Quotation.objects.values_list("status", flat=True))
    assert statuses == {"sent", "revision", "accepted", "declined"}
    assert SampleRequest.objects.filter(status="sent").exists()
    assert SampleRequest.objects.filter(status="requested").exists()
    accepted = Quotation.objects.filter(status="accepted").order_by("pk")
    assert all(q.proforma_number.startswith("PI-") for q in accepted)
    won = Inquiry.objects.get(quotations__in=accepted, outcome="deal_won")
    assert won.deal_value_usd == won.quotations.get(status="accepted").total_usd
    assert Inquiry.objects.filter(lost_reason="price").exists()


def test_a_second_run_of_seed_demo_changes_nothing_and_sends_nothing(
    seeded, settings, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    before, sent = counts(), len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        seed()
    assert counts() == before
    assert len(mail.outbox) == sent


def test_seed_demo_products_adds_listed_products_only_once(seeded, settings, monkeypatch):
    settings.DEBUG = True
    # Photos are the full seed's business; leaving them out keeps this one fast.
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
