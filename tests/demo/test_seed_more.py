"""The mentoring and marketplace parts of ``seed_demo``.

One real seed (photos left out: they are ``test_seed_umkm``'s business and the slow
part), checked from every side and then run again; and one cheap check that the two
seeding functions do nothing without the demo businesses.
"""

import io
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from demo.loaders import umkm as umkm_demo
from demo.loaders.accounts import DEMO_ACCOUNTS
from demo.loaders.marketplace import seed_marketplace
from demo.loaders.mentoring import seed_mentoring
from marketplace.models import (
    BuyerProfile,
    BuyingRequest,
    ExchangeRate,
    Inquiry,
    InquiryMessage,
    Quote,
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
from umkm.models import Business

pytestmark = pytest.mark.django_db

COUNTED = [
    User,
    EmailAddress,
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
    Notification,
]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_builds_mentoring_and_marketplace_and_a_second_run_changes_nothing(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    monkeypatch.setattr(umkm_demo, "_add_photos", lambda *args, **kwargs: None)
    with django_capture_on_commit_callbacks(execute=True):  # email delivery included
        output = seed()
    now, today = timezone.now(), timezone.localdate()

    # The printout names the new logins and counts what was made.
    assert "mentor1@ … mentor7@demo.jembatan.id" in output
    assert "buyer1@ … buyer5@demo.jembatan.id" in output
    assert "Mentoring: 8 approved mentors" in output
    assert "Marketplace: 6 buyers in 6 countries" in output

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
    assert {message.to[0] for message in mail.outbox} <= {s["email"] for s in DEMO_ACCOUNTS}
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

    # A second run creates nothing new and sends nothing.
    before, sent = counts(), len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        seed()
    assert counts() == before
    assert len(mail.outbox) == sent


def test_mentoring_and_marketplace_seeds_need_the_businesses(settings):
    settings.DEBUG = True
    seed_mentoring()
    seed_marketplace()
    assert not User.objects.exists()
    assert not TrainingSession.objects.exists()
    assert not Inquiry.objects.exists()
