"""``seed_demo --products N`` scale mode: the rest of the site grows with the catalogue.

The demo businesses are left out (they are ``test_seed_demo``'s business and the slow
part); the benchmark rows only need the demo accounts and categories.
"""

import io

import pytest
from django.core.management import call_command

from accounts.models import User
from demo.loaders import bulk as demo
from demo.loaders.umkm import bulk_products
from demo.management.commands import seed_demo
from marketplace.models import BuyerProfile, Inquiry, InquiryMessage
from mentoring.models import MentoringLog, MentorProfile, Mentorship, Registration, TrainingSession
from notifications.models import Notification
from umkm.models import Certification, Product

pytestmark = pytest.mark.django_db


def seed(products: int) -> str:
    out = io.StringIO()
    call_command("seed_demo", f"--products={products}", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [
        User,
        Product,
        Certification,
        MentorProfile,
        Mentorship,
        MentoringLog,
        TrainingSession,
        Registration,
        BuyerProfile,
        Inquiry,
        InquiryMessage,
        Notification,
    ]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def no_demo_businesses(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr(seed_demo, "seed_businesses", lambda: [])


def test_products_bring_proportionate_businesses_mentors_trainings_and_inquiries(
    no_demo_businesses,
):
    output = seed(400)
    assert "Benchmark products: 400 added" in output
    assert (
        "Benchmark scale added: 10 businesses, 1 mentors, 8 mentorships, 1 sessions, "
        "10 registrations, 2 buyers, 20 inquiries, 32 messages" in output
    )

    businesses = demo.bulk_businesses()
    assert businesses.count() == 10  # one per 40 products
    assert businesses.filter(is_active=True).count() == 10
    assert businesses.filter(verified_at__isnull=False).count() == 7
    assert set(businesses.values_list("province", flat=True)) == {"Riau"}
    # Every benchmark product is public and belongs to a benchmark business.
    bulk = bulk_products()
    assert Product.objects.listed().filter(pk__in=bulk.values("pk")).count() == 400
    assert not bulk.exclude(business__in=businesses).exists()
    # The catalogue's certification filter has something to find.
    halal = Certification.objects.filter(
        business__in=businesses, kind="halal", verified_at__isnull=False
    )
    assert halal.exists()
    assert bulk.filter(business__certifications__in=halal).exists()

    mentor = User.objects.get(email__startswith="bulk.mentor")
    assert mentor.is_approved_mentor
    assert mentor.mentor_profile.capacity == 12
    assert Mentorship.objects.filter(mentor=mentor, status="active").count() == 7
    assert Mentorship.objects.filter(mentor=mentor, status="requested").count() == 1
    assert MentoringLog.objects.filter(mentorship__mentor=mentor).count() == 7
    session = TrainingSession.objects.get(host=mentor)
    assert session.status == "done"
    assert session.registrations.filter(status="attended").count() == 10

    inquiries = Inquiry.objects.filter(buyer__email__startswith="bulk.buyer")
    assert inquiries.count() == 20  # one per 20 products
    assert BuyerProfile.objects.filter(user__email__startswith="bulk.buyer").count() == 2
    assert not inquiries.exclude(product__in=bulk).exists()
    replied = inquiries.filter(status="replied")
    assert replied.count() == 12
    for inquiry in replied:
        assert inquiry.created_at < inquiry.first_reply_at == inquiry.last_message_at
        buyer_message, supplier_message = inquiry.messages.all()
        assert buyer_message.created_at == inquiry.created_at
        assert supplier_message.author == inquiry.business.owner
    # Nobody is notified about benchmark rows.
    assert not Notification.objects.exclude(kind="welcome").exists()


def test_the_scale_mode_adds_only_the_difference(no_demo_businesses):
    seed(400)
    before = counts()
    assert "Benchmark products: 0 added" in seed(400)
    assert counts() == before

    seed(800)
    after = counts()
    assert demo.bulk_businesses().count() == 20
    assert after["Product"] == before["Product"] + 400
    assert after["MentorProfile"] == before["MentorProfile"] + 1
    assert after["Inquiry"] == before["Inquiry"] + 20
    assert after["BuyerProfile"] == before["BuyerProfile"] + 2
    assert after["TrainingSession"] == before["TrainingSession"]  # one per two mentors
    # The second block of businesses got mentors too, none twice.
    assert Mentorship.objects.filter(business__in=demo.bulk_businesses()).count() == 16
