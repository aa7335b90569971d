"""The programme dashboard's hand-counted data set (March 2026 against February 2026);
the figures it should give are counted by hand in test_programme_figures."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from mentoring.models import Mentorship, Registration, TrainingSession
from umkm.models import Business, Certification, Product, ProductImage

from ..factories import (
    BusinessFactory,
    BuyingRequestFactory,
    CategoryFactory,
    CertificationFactory,
    DoneSessionFactory,
    InquiryFactory,
    ListedProductFactory,
    MentorFactory,
    MentoringLogFactory,
    MentorshipFactory,
    PendingMentorFactory,
    ProductFactory,
    QuoteFactory,
    SubCategoryFactory,
)


def at(year, month, day, hour=10, minute=0):
    """An aware datetime in the site's zone (Asia/Jakarta)."""
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def add_photos(product, count=3):
    ProductImage.objects.bulk_create(
        ProductImage(
            product=product,
            image=f"products/{product.pk}/{n}.jpg",
            width=1200,  # stored sizes: nothing reads the (absent) file
            height=900,
            position=n,
        )
        for n in range(count)
    )


def business(name, *, city, sector, created, verified=None, **extra):
    made = BusinessFactory(name=name, city=city, sector=sector, verified_at=verified, **extra)
    Business.objects.filter(pk=made.pk).update(created_at=created)
    made.refresh_from_db()
    return made


def session(host, starts, *, status=TrainingSession.Status.DONE, capacity=10):
    return DoneSessionFactory(
        host=host,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        registration_deadline=starts - dt.timedelta(hours=1),
        status=status,
        capacity=capacity,
    )


def register(session, business, status, rating=None):
    return Registration.objects.create(
        session=session,
        business=business,
        attendee_name="Peserta",
        status=status,
        feedback_rating=rating,
    )


@dataclass
class World:
    a: Business
    b: Business
    c: Business
    d: Business
    e: Business
    f: Business
    m1: object
    m2: object
    m3: object


def build_world() -> World:
    m1 = MentorFactory(full_name="Mentor Satu", mentor_approved_at=at(2025, 12, 1))
    m2 = MentorFactory(full_name="Mentor Dua", mentor_approved_at=at(2026, 3, 2))
    m3 = MentorFactory(full_name="Mentor Tiga", mentor_approved_at=at(2026, 4, 10))
    PendingMentorFactory()

    a = business(
        "A",
        city="Pekanbaru",
        sector="food",
        created=at(2026, 1, 10),
        verified=at(2026, 2, 5),
    )
    b = business(
        "B",
        city="Pekanbaru",
        sector="crafts",
        created=at(2026, 2, 10),
        verified=at(2026, 3, 5),
        phone="0761 123456",
        contact_email="b@example.com",
    )
    c = business("C", city="Dumai", sector="food", created=at(2026, 3, 3))
    d = business(
        "D",
        city="Dumai",
        sector="crafts",
        created=at(2026, 3, 20),
        verified=at(2026, 3, 25),
        description_en="",
    )
    e = business("E", city="Pekanbaru", sector="food", created=at(2026, 1, 5), is_active=False)
    f = business("F", city="Pekanbaru", sector="food", created=at(2026, 4, 2))

    # A's food permits (valid: no expiry), for A's export-ready product.
    CertificationFactory(business=a, kind=Certification.Kind.PIRT)
    CertificationFactory(business=a, kind=Certification.Kind.HALAL)

    # Mentorships.
    a_m1 = MentorshipFactory(
        mentor=m1, business=a, started_at=at(2026, 1, 15), readiness_at_start=50
    )
    b_m2 = MentorshipFactory(
        mentor=m2,
        business=b,
        status=Mentorship.Status.COMPLETED,
        started_at=at(2026, 2, 20),
        ended_at=at(2026, 3, 10),
        readiness_at_start=40,
    )
    b_m1 = MentorshipFactory(
        mentor=m1, business=b, started_at=at(2026, 3, 15), readiness_at_start=60
    )
    e_m2 = MentorshipFactory(
        mentor=m2, business=e, started_at=at(2026, 1, 20), readiness_at_start=10
    )
    MentorshipFactory(  # declined: never started
        mentor=m2, business=c, status=Mentorship.Status.DECLINED, started_at=None
    )

    # Mentoring logs.
    MentoringLogFactory(mentorship=a_m1, date=dt.date(2026, 3, 5), duration_hours=Decimal("2.0"))
    MentoringLogFactory(mentorship=a_m1, date=dt.date(2026, 2, 10), duration_hours=Decimal("1.5"))
    MentoringLogFactory(mentorship=b_m2, date=dt.date(2026, 3, 8), duration_hours=Decimal("1.0"))
    MentoringLogFactory(mentorship=b_m1, date=dt.date(2026, 3, 20), duration_hours=Decimal("0.5"))
    MentoringLogFactory(mentorship=e_m2, date=dt.date(2026, 3, 10), duration_hours=Decimal("3.0"))
    MentoringLogFactory(mentorship=a_m1, date=dt.date(2026, 4, 2), duration_hours=Decimal("4.0"))

    # Trainings.
    s1 = session(m1, at(2026, 3, 10), capacity=10)
    register(s1, a, "attended", rating=5)
    register(s1, b, "no_show")
    register(s1, c, "attended", rating=4)
    register(s1, d, "cancelled")
    register(s1, e, "attended", rating=1)
    s2 = session(m2, at(2026, 3, 25), capacity=5)  # nobody checked in
    register(s2, d, "confirmed")
    register(s2, a, "waitlisted")
    s3 = session(m1, at(2026, 2, 12), capacity=8)
    register(s3, a, "attended", rating=3)
    s4 = session(m1, at(2026, 3, 15), status=TrainingSession.Status.CANCELLED)
    register(s4, a, "confirmed")
    session(m2, at(2026, 4, 5), status=TrainingSession.Status.PUBLISHED)

    # Products.
    food = SubCategoryFactory(parent__name_id="Makanan", parent__name_en="Food")
    crafts = CategoryFactory(name_id="Kerajinan", name_en="Crafts", is_food=False)
    pa1 = ListedProductFactory(business=a, category=food, listed_at=at(2026, 3, 12))
    add_photos(pa1)
    pa2 = ListedProductFactory(business=a, category=food, listed_at=at(2026, 2, 20))
    pb1 = ListedProductFactory(business=b, category=crafts, listed_at=at(2026, 3, 18))
    add_photos(pb1)
    ProductFactory(business=c, category=food)  # a draft
    ProductFactory(
        business=d,
        category=crafts,
        status=Product.Status.ARCHIVED,
        is_listed=False,
        listed_at=at(2026, 3, 28),
    )
    ListedProductFactory(business=e, category=food, listed_at=at(2026, 3, 12))

    # Inquiries and buying requests.
    InquiryFactory(
        business=a,
        product=pa1,
        created_at=at(2026, 3, 2, 10),
        first_reply_at=at(2026, 3, 2, 14),
        status="closed",
        outcome="deal_won",
        deal_value_usd=Decimal("1200.00"),
    )
    InquiryFactory(
        business=a,
        product=pa2,
        created_at=at(2026, 3, 5, 10),
        first_reply_at=at(2026, 3, 6, 10),
        status="replied",
    )
    InquiryFactory(
        business=b,
        created_at=at(2026, 3, 20, 10),
        first_reply_at=at(2026, 3, 20, 11),
        status="replied",
    )
    InquiryFactory(business=b, created_at=at(2026, 3, 25))
    InquiryFactory(business=c, created_at=at(2026, 3, 10), status="spam")
    InquiryFactory(
        business=a,
        created_at=at(2026, 2, 15, 10),
        first_reply_at=at(2026, 2, 15, 12),
        status="closed",
        outcome="deal_won",
        deal_value_usd=Decimal("300.00"),
    )
    br1 = BuyingRequestFactory(category=crafts, created_at=at(2026, 3, 22))
    quote = QuoteFactory(request=br1, business=d)
    InquiryFactory(
        business=d,
        quote=quote,
        created_at=at(2026, 3, 26),
        first_reply_at=at(2026, 3, 26),
        status="closed",
        outcome="deal_won",
        deal_value_usd=Decimal("500.00"),
    )
    InquiryFactory(business=e, created_at=at(2026, 3, 3))
    BuyingRequestFactory(category=food, created_at=at(2026, 3, 5))
    BuyingRequestFactory(category=food, created_at=at(2026, 2, 10))
    return World(a, b, c, d, e, f, m1, m2, m3)
