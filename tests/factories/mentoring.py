"""Mentorships, mentor profiles, trainings and registrations, mentoring logs."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from mentoring.models import (
    MentoringLog,
    MentorProfile,
    Mentorship,
    Registration,
    TrainingSession,
)

from .accounts import MentorFactory
from .umkm import BusinessFactory

JOIN_LINK = "https://meet.example.com/secret-room-123"
SECRET = "secret-room-123"


class MentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentorship

    mentor = factory.SubFactory(MentorFactory)
    business = factory.SubFactory(BusinessFactory)
    status = Mentorship.Status.ACTIVE
    started_at = factory.LazyFunction(timezone.now)


class MentorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorProfile

    user = factory.SubFactory(MentorFactory)
    topics = factory.LazyFunction(lambda: ["export", "packaging"])
    bio_id = "Mentor ekspor dari Bandung."
    bio_en = "Export mentor from Bandung."
    organisation = "Universitas Padjadjaran"
    capacity = 5


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    """A published hybrid session a week from now."""

    class Meta:
        model = TrainingSession

    host = factory.SubFactory(MentorFactory)
    title = factory.Sequence(lambda n: f"Pelatihan ekspor {n}")
    topic = "export"
    description_id = "Cara mengekspor keripik ke Malaysia."
    description_en = "How to export chips to Malaysia."
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    registration_deadline = factory.LazyAttribute(lambda o: o.starts_at - timedelta(hours=2))
    mode = TrainingSession.Mode.HYBRID
    venue = "Gedung Disperindag"
    city = "Pekanbaru"
    join_link = JOIN_LINK
    capacity = 10
    status = TrainingSession.Status.PUBLISHED


class DraftSessionFactory(TrainingSessionFactory):
    status = TrainingSession.Status.DRAFT


class PastSessionFactory(TrainingSessionFactory):
    """Ended an hour ago, not yet marked done."""

    starts_at = factory.LazyFunction(
        lambda: (timezone.now() - timedelta(hours=3)).replace(second=0, microsecond=0)
    )


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(TrainingSessionFactory)
    business = factory.SubFactory(BusinessFactory)
    attendee_name = factory.Faker("name")
    status = Registration.Status.CONFIRMED


class DoneSessionFactory(factory.django.DjangoModelFactory):
    """A training that took place last week."""

    class Meta:
        model = TrainingSession

    host = factory.SubFactory(MentorFactory)
    title = factory.Sequence(lambda n: f"Pelatihan pengemasan {n}")
    topic = "packaging"
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    registration_deadline = factory.LazyAttribute(lambda o: o.starts_at - timedelta(hours=1))
    mode = TrainingSession.Mode.OFFLINE
    venue = "Aula Disperindag Pekanbaru"
    city = "Pekanbaru"
    capacity = 20
    status = TrainingSession.Status.DONE


class AttendedRegistrationFactory(factory.django.DjangoModelFactory):
    """The business completed a training (counts for export readiness)."""

    class Meta:
        model = Registration

    session = factory.SubFactory(DoneSessionFactory)
    business = factory.SubFactory(BusinessFactory)
    attendee_name = factory.Faker("name")
    status = Registration.Status.ATTENDED


class MentoringLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentoringLog

    mentorship = factory.SubFactory(MentorshipFactory)
    date = factory.LazyFunction(timezone.localdate)
    mode = MentoringLog.Mode.VISIT
    duration_hours = Decimal("1.5")
    notes = "Membahas kemasan dan label bahasa Inggris."
