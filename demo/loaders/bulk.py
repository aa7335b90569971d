"""Scale mode (``seed_demo --products N``): benchmark rows in proportion to N.

A benchmark on N products meets a proportionate site: one business per 40 products,
one mentor per ten businesses, one training per two mentors, one inquiry per 20
products and one buyer per ten inquiries. The product names come from the demo's own
product lines (``products.csv``) with the variants of ``bulk.yaml``. These are plain
bulk inserts, not the services: 100,000 products take a minute or two, not hours; no
workflow and no notifications (nobody is emailed about benchmark rows). Every function
is idempotent for the same N and adds only the difference for a larger one.
"""

from __future__ import annotations

import json
import operator
import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from marketplace.models import BuyerProfile, Inquiry, InquiryMessage
from mentoring.models import MentoringLog, MentorProfile, Mentorship, Registration, TrainingSession
from umkm import facet_counts, search_rows, services
from umkm.models import Business, Category, Certification, Product, normalise_hs_code

from .accounts import DEMO_PASSWORD, DEMO_STAFF_EMAIL, demo_user
from .files import read_yaml
from .mentoring import _link
from .umkm import BULK_SLUG_PREFIX, _money, _usd, bulk_products, product_lines, seed_categories

Topic = MentorProfile.Topic

PRODUCTS_PER_BULK_BUSINESS = 40
BULK_EMAIL_DOMAIN = "bench.jembatan.id"
BULK_BUSINESS_SLUG_RE = r"^bulk-[0-9]{5}-"
BUSINESSES_PER_BULK_MENTOR = 10
BULK_MENTORS_PER_SESSION = 2
BULK_REGISTRANTS = 20
BULK_TOPICS = [str(topic) for topic in Topic]
PRODUCTS_PER_BULK_INQUIRY = 20
INQUIRIES_PER_BULK_BUYER = 10
BULK_BUYER_TYPES = [str(t) for t in BuyerProfile.BuyerType]


@dataclass(frozen=True)
class ProductSpec:
    """A row of ``products.csv``, typed: what a benchmark product is made from."""

    name_id: str
    name_en: str
    category: str
    hs_code: str
    unit: str
    moq: int
    price_idr: int
    weight_grams: int
    size: str
    shelf_life_days: int | None
    capacity_per_month: int
    lead_time_days: int
    description_id: str
    description_en: str

    @classmethod
    def from_row(cls, row: dict[str, str]) -> ProductSpec:
        def number(name):
            return int(row[name]) if row[name] else None

        return cls(
            name_id=row["name_id"],
            name_en=row["name_en"],
            category=row["category"],
            hs_code=row["hs_code"],
            unit=row["unit"],
            moq=number("moq"),
            price_idr=number("price_idr"),
            weight_grams=number("weight_grams"),
            size=row["size"],
            shelf_life_days=number("shelf_life_days"),
            capacity_per_month=number("capacity_per_month"),
            lead_time_days=number("lead_time_days"),
            description_id=row["description_id"],
            description_en=row["description_en"],
        )


def bulk_vocabulary() -> dict:
    return read_yaml("bulk.yaml")


def bulk_target(n_products: int, per: int) -> int:
    """How many rows of a table ``n_products`` benchmark products call for (one per ``per``)."""
    return -(-n_products // per) if n_products > 0 else 0


def bulk_businesses():
    """The benchmark businesses seed_bulk_businesses made (slug ``bulk-00001-…``)."""
    return Business.objects.filter(
        slug__startswith=BULK_SLUG_PREFIX, slug__regex=BULK_BUSINESS_SLUG_RE
    )


def bulk_mentors():
    return User.objects.filter(
        role=User.Role.MENTOR, email__startswith="bulk.mentor", email__endswith=BULK_EMAIL_DOMAIN
    )


def bulk_buyers():
    return User.objects.filter(
        role=User.Role.BUYER, email__startswith="bulk.buyer", email__endswith=BULK_EMAIL_DOMAIN
    )


def bulk_password_hash() -> str:
    """One hash for every benchmark account (hashing 2,500 times would take minutes)."""
    return make_password(DEMO_PASSWORD)


# --------------------------------------------------------------------------- products


def seed_bulk_products(n: int, *, chunk: int = 10_000) -> int:
    """Make sure ``n`` benchmark products exist: plain listed products, no photos.

    Spread over the active businesses (matching their sector where possible) and the
    leaf categories; bulk-inserted, so 100,000 take a minute or two, not hours.
    Returns how many were added (0 when ``n`` already exist).
    """
    missing = n - bulk_products().count()
    if missing <= 0:
        return 0
    seed_categories()
    vocabulary = bulk_vocabulary()
    terms = read_yaml("products.yaml")
    incoterm_sets, ports = terms["incoterm_sets"], terms["ports"]
    variants = [(v["id"], v["en"]) for v in vocabulary["variants"]]
    businesses = list(Business.objects.active().only("pk", "name", "city", "sector"))
    if not businesses:
        raise ValueError("seed_bulk_products needs active businesses; run seed_businesses first.")
    categories = {c.slug: c for c in Category.objects.select_related("parent")}
    pools = {
        top: [b for b in businesses if b.sector in sectors] or businesses
        for top, sectors in vocabulary["sectors_by_top"].items()
    }
    templates = [ProductSpec.from_row(row) for line in product_lines().values() for row in line]
    slugs = {
        (t, v): slugify(f"{spec.name_en} {variant[1]}")[:150]
        for t, spec in enumerate(templates)
        for v, variant in enumerate(variants)
    }
    last = bulk_products().order_by("-slug").values_list("slug", flat=True).first()
    start = int(last[len(BULK_SLUG_PREFIX) : len(BULK_SLUG_PREFIX) + 7]) if last else 0
    rng = random.Random(start)  # noqa: S311  # nosec B311 # demo data, not security
    now = timezone.now()
    added = 0
    write = _copy_products if connection.vendor == "postgresql" else _insert_products
    # What ``services.product_search_text`` makes of each product, in parts computed once
    # per product line and variant, per business and per HS code (a million products
    # share a few hundred of each; building a model instance per row took most of the
    # time).
    heads: dict[tuple[int, int], str] = {}
    suppliers = {b.pk: " ".join(p for p in (b.name, b.city) if p).lower() for b in businesses}
    hs_codes = [normalise_hs_code(spec.hs_code) for spec in templates]
    # Each business's key in the facets, which its products carry (on PostgreSQL the
    # product trigger would set it, and a large load switches the triggers off).
    keys = _business_keys(businesses)
    with transaction.atomic(), _bulk_load(big=missing >= BULK_LOAD_MODE_FROM):
        while added < missing:
            batch = []
            for number in range(start + added + 1, start + min(missing, added + chunk) + 1):
                t = number % len(templates)
                v = (number // len(templates)) % len(variants)
                spec, (variant_id, variant_en) = templates[t], variants[v]
                category = categories[spec.category]
                top = category.parent.slug if category.parent_id else category.slug
                factor = 0.85 + rng.random() * 0.4
                price = _money(spec.price_idr * factor)
                business = rng.choice(pools[top])
                name_id = f"{spec.name_id} {variant_id}".strip()
                name_en = f"{spec.name_en} {variant_en}".strip()
                head = heads.get((t, v))
                if head is None:
                    parent = category.parent
                    parts = [
                        name_en,
                        name_id,
                        spec.description_en,
                        spec.description_id,
                        category.name_en,
                        category.name_id,
                        parent.name_en if parent else "",
                        parent.name_id if parent else "",
                    ]
                    head = heads[t, v] = " ".join(p for p in parts if p).lower()
                search_text = " ".join(
                    p for p in (head, suppliers[business.pk], hs_codes[t].lower()) if p
                )
                batch.append(
                    {
                        "business_id": business.pk,
                        "category_id": category.pk,
                        "slug": f"{BULK_SLUG_PREFIX}{number:07d}-{slugs[t, v]}",
                        "name_id": name_id,
                        "name_en": name_en,
                        "description_id": spec.description_id,
                        "description_en": spec.description_en,
                        "hs_code": hs_codes[t],
                        "unit": spec.unit,
                        "moq": spec.moq,
                        "price_idr": price,
                        "fob_usd": max(_usd(float(price) * 0.8 / 16_300), Decimal("0.05")),
                        "sample_available": number % 3 != 0,
                        "sample_price_usd": None,
                        "capacity_per_month": spec.capacity_per_month,
                        "lead_time_days": spec.lead_time_days,
                        "weight_grams": spec.weight_grams,
                        "size": spec.size,
                        "shelf_life_days": spec.shelf_life_days,
                        "incoterms": incoterm_sets[number % len(incoterm_sets)],
                        "port_of_loading": ports[number % len(ports)],
                        "status": Product.Status.LISTED,
                        "is_listed": True,
                        "listed_at": now - timedelta(minutes=(number * 37) % (365 * 24 * 60)),
                        "pending_changes": {},
                        "search_text": search_text,
                        "facet_province": keys[business.pk][0],
                        "facet_cert_mask": keys[business.pk][1],
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            write(batch)
            added += len(batch)
    return added


# A load this large drops the product table's secondary indexes and foreign keys and
# switches its statement triggers off, then builds the keys, the indexes, the catalogue
# words, the listed counts and the facet counts once at the end (much faster than
# keeping them row by row).
BULK_LOAD_MODE_FROM = 50_000
_KEPT_INDEXES = ("umkm_product_pkey", "umkm_product_slug_key")


def _business_keys(businesses: list[Business]) -> dict[int, tuple[str, int]]:
    """Each of ``businesses``' (province, valid certificate kinds) as the facet triggers
    work them out on PostgreSQL (``facet_counts.business_keys``); on SQLite, which never
    reads them, the columns' defaults."""
    keys = dict.fromkeys((b.pk for b in businesses), ("", 0))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(facet_counts.business_keys())
            keys.update((pk, (province, mask)) for pk, province, mask in cursor.fetchall())
    return keys


def _insert_products(batch: list[dict]) -> None:
    Product.objects.bulk_create([Product(**row) for row in batch], batch_size=2000)


_COPY_FIELDS = [
    f
    for f in Product._meta.concrete_fields
    if not f.primary_key and not getattr(f, "generated", False)
]


def _copy_products(batch: list[dict]) -> None:
    """PostgreSQL: the rows through ``COPY`` (several times faster than INSERTs). A
    JSON value goes as its text, written once for each distinct value (a million rows
    share a few incoterm lists and one empty dict of pending changes)."""
    columns = ", ".join(f'"{f.column}"' for f in _COPY_FIELDS)
    json_fields = [i for i, f in enumerate(_COPY_FIELDS) if f.get_internal_type() == "JSONField"]
    values = operator.itemgetter(*(f.attname for f in _COPY_FIELDS))
    texts: dict[str, str] = {}
    with (
        connection.cursor() as cursor,
        cursor.copy(
            f"COPY umkm_product ({columns}) FROM STDIN"  # the model's own column names
        ) as copy,
    ):
        for row in batch:
            row = list(values(row))
            for i in json_fields:
                key = repr(row[i])
                text = texts.get(key)
                if text is None:
                    text = texts[key] = json.dumps(row[i])
                row[i] = text
            copy.write_row(row)


@contextmanager
def _bulk_load(*, big: bool):
    """PostgreSQL and ``big``: the product table without its secondary indexes,
    statement triggers and foreign keys for the load; afterwards the keys and indexes
    are added again from their own definitions, and the search rows, catalogue words,
    listed counts and facet counts (through ``listed_counts_rebuild``) rebuilt once."""
    if not big or connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'umkm_product' "
            "AND indexname <> ALL(%s)",
            [list(_KEPT_INDEXES)],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'umkm_product'::regclass "
            "AND NOT tgisinternal"
        )
        triggers = [name for (name,) in cursor.fetchall()]
        # Its foreign keys too: checked row by row, a million deferred checks took 9 s;
        # added again, each is checked by one join.
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'umkm_product'::regclass AND contype = 'f'"
        )
        foreign_keys = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for name in triggers:
            cursor.execute(f'ALTER TABLE umkm_product DISABLE TRIGGER "{name}"')
        # (Deferred checks still pending on the businesses would forbid the drop.)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE umkm_product DROP CONSTRAINT "{name}"')
    yield
    with connection.cursor() as cursor:
        # Other tables' deferred checks first: no index is built over pending events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Memory enough to build the search index in one pass (256 MB took 14 s).
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE umkm_product ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cursor.execute(definition)
        for name in triggers:
            cursor.execute(f'ALTER TABLE umkm_product ENABLE TRIGGER "{name}"')
        # The search rows, which the product trigger keeps, once for the whole load.
        for sql in search_rows.refill():
            cursor.execute(sql)
    services.listed_counts_rebuild()
    services.catalogue_words_rebuild()


# --------------------------------------------------------------------------- businesses


def seed_bulk_businesses(n_products: int) -> int:
    """Make sure there is one benchmark business per 40 benchmark products.

    Each is active and has an owner account, an NIB certificate and, by sector, the
    papers the catalogue filters on (food: P-IRT and Halal, some BPOM; wood: SVLK); seven
    in ten are verified with their papers. Returns how many were added.
    """
    target = bulk_target(n_products, PRODUCTS_PER_BULK_BUSINESS)
    existing = bulk_businesses().count()
    if existing >= target:
        return 0
    staff = demo_user(DEMO_STAFF_EMAIL)
    password_hash = bulk_password_hash()
    now = timezone.now()
    today = timezone.localdate()
    vocabulary = bulk_vocabulary()
    sectors = [name for name, weight in vocabulary["sectors"].items() for _k in range(weight)]
    cities, words = vocabulary["cities"], vocabulary["sector_words"]
    prefix, place = vocabulary["name_prefixes"], vocabulary["name_places"]
    numbers = range(existing + 1, target + 1)
    with transaction.atomic():
        owners = User.objects.bulk_create(
            [
                User(
                    email=f"bulk.owner{i:05d}@{BULK_EMAIL_DOMAIN}",
                    full_name=f"Pemilik Usaha {i:05d}",
                    role=User.Role.OWNER,
                    language="id",
                    password=password_hash,
                    date_joined=now - timedelta(days=30 + i % 700),
                )
                for i in numbers
            ],
            batch_size=1000,
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in owners],
            batch_size=1000,
        )
        businesses = []
        for i, owner in zip(numbers, owners, strict=True):
            sector = sectors[i % len(sectors)]
            name = (
                f"{prefix[i % len(prefix)]} {place[(i // 7) % len(place)]} {words[sector]} {i:05d}"
            )
            verified = i % 10 < 7
            businesses.append(
                Business(
                    owner=owner,
                    name=name,
                    slug=f"{BULK_SLUG_PREFIX}{i:05d}-{slugify(name)}"[:170],
                    legal_form=Business.LegalForm.UD if i % 3 else Business.LegalForm.CV,
                    nib=f"92{i:011d}",
                    assets_idr=Decimal(150_000_000 + (i % 50) * 10_000_000),
                    annual_turnover_idr=Decimal(400_000_000 + (i % 80) * 15_000_000),
                    scale=Business.Scale.MICRO,
                    sector=sector,
                    province="Riau",
                    city=cities[i % len(cities)],
                    founded_year=2000 + i % 24,
                    employees=2 + i % 30,
                    description_id=f"Usaha {words[sector].lower()} binaan di Riau.",
                    description_en="A Riau small business in the export programme.",
                    contact_email=owner.email,
                    has_exported=i % 4 == 0,
                    is_active=True,
                    verified_at=now - timedelta(days=i % 300) if verified else None,
                    verified_by=staff if verified else None,
                )
            )
        businesses = Business.objects.bulk_create(businesses, batch_size=1000)
        certificates = []
        for i, business in zip(numbers, businesses, strict=True):
            verified_at = business.verified_at
            papers = [(Certification.Kind.NIB, business.nib, None)]
            if business.sector == "food":
                papers += [
                    (Certification.Kind.PIRT, f"P-IRT 2{i % 99:02d}1471{i:05d}", 5),
                    (Certification.Kind.HALAL, f"ID14110000{i:07d}", None),
                ]
                if i % 5 == 0:
                    papers.append((Certification.Kind.BPOM_MD, f"BPOM RI MD 29{i:09d}", 5))
            elif business.sector in {"furniture", "crafts"} and i % 2 == 0:
                papers.append((Certification.Kind.SVLK, f"MAL-VLK-9{i:05d}", 6))
            for kind, number, years in papers:
                certificates.append(
                    Certification(
                        business=business,
                        kind=kind,
                        number=number,
                        issuer="Demo (benchmark)",
                        issued_on=today - timedelta(days=200 + i % 300),
                        expires_on=today + timedelta(days=365 * years - i % 300) if years else None,
                        verified_at=verified_at,
                        verified_by=staff if verified_at else None,
                    )
                )
        Certification.objects.bulk_create(certificates, batch_size=2000)
    return len(businesses)


# --------------------------------------------------------------------------- mentoring


def seed_bulk_mentoring(n_products: int) -> dict[str, int]:
    """Mentors, mentorships and trainings in proportion to the benchmark businesses.

    One approved mentor per ten benchmark businesses; seven businesses in ten have an
    active mentorship (with one log) and one in ten a pending request; one training per
    two mentors, every other one done (with 20 attendees) and the rest published in the
    coming weeks (20 confirmed). Plain bulk inserts, no notifications; idempotent for
    the same ``n_products``. Returns how many rows of each kind were added.
    """
    businesses = list(
        bulk_businesses().order_by("slug").only("pk", "slug", "owner_id", "sector", "name")
    )
    added = {"mentors": 0, "mentorships": 0, "sessions": 0, "registrations": 0}
    if not businesses:
        return added
    now = timezone.now()
    staff = demo_user(DEMO_STAFF_EMAIL)
    with transaction.atomic():
        have = bulk_mentors().count()
        target = bulk_target(len(businesses), BUSINESSES_PER_BULK_MENTOR)
        if have < target:
            password_hash = bulk_password_hash()
            new = User.objects.bulk_create(
                [
                    User(
                        email=f"bulk.mentor{i:04d}@{BULK_EMAIL_DOMAIN}",
                        full_name=f"Mentor Bandung {i:04d}",
                        role=User.Role.MENTOR,
                        language="id",
                        password=password_hash,
                        date_joined=now - timedelta(days=400),
                        mentor_approved_at=now - timedelta(days=300 - i % 200),
                        mentor_approved_by=staff,
                    )
                    for i in range(have + 1, target + 1)
                ],
                batch_size=1000,
            )
            EmailAddress.objects.bulk_create(
                [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in new]
            )
            MentorProfile.objects.bulk_create(
                [
                    MentorProfile(
                        user=u,
                        topics=[
                            BULK_TOPICS[k % len(BULK_TOPICS)],
                            BULK_TOPICS[(k + 3) % len(BULK_TOPICS)],
                        ],
                        bio_id="Pendamping UMKM dari Bandung.",
                        bio_en="A small-business mentor from Bandung.",
                        organisation="Relawan Jembatan UMKM",
                        capacity=12,
                    )
                    for k, u in enumerate(new, start=have)
                ]
            )
            added["mentors"] = len(new)
        mentors = list(bulk_mentors().order_by("email"))

        # Mentorships: business n goes to mentor (n - 1) // 10, like a staff assignment.
        mentored = set(
            Mentorship.objects.filter(business__in=businesses).values_list("business_id", flat=True)
        )
        mentorships = []
        for n, business in enumerate(businesses, start=1):
            if business.pk in mentored or n % 10 >= 8:
                continue
            active = n % 10 < 7
            started = now - timedelta(days=10 + n % 200)
            mentorships.append(
                Mentorship(
                    mentor=mentors[((n - 1) // BUSINESSES_PER_BULK_MENTOR) % len(mentors)],
                    business=business,
                    status=Mentorship.Status.ACTIVE if active else Mentorship.Status.REQUESTED,
                    message="Mohon pendampingan untuk persiapan ekspor.",
                    started_at=started if active else None,
                    assigned_by=staff if active else None,
                )
            )
        mentorships = Mentorship.objects.bulk_create(mentorships, batch_size=1000)
        MentoringLog.objects.bulk_create(
            [
                MentoringLog(
                    mentorship=m,
                    date=timezone.localdate(m.started_at) + timedelta(days=3),
                    mode=MentoringLog.Mode.VISIT,
                    duration_hours=Decimal("1.5"),
                    notes="Kunjungan pertama: kemasan, label bahasa Inggris, harga FOB.",
                )
                for m in mentorships
                if m.status == Mentorship.Status.ACTIVE
            ],
            batch_size=1000,
        )
        added["mentorships"] = len(mentorships)

        # Trainings: session k registers the 20 businesses after session k - 1's.
        hosted = TrainingSession.objects.filter(host__in=mentors).count()
        target = bulk_target(len(mentors), BULK_MENTORS_PER_SESSION)
        sessions = []
        for k in range(hosted, target):
            past = k % 2 == 0
            topic = Topic(BULK_TOPICS[k % len(BULK_TOPICS)])
            starts = now + timedelta(days=-(5 + k % 300) if past else 3 + k % 60, hours=k % 8)
            sessions.append(
                TrainingSession(
                    host=mentors[(k * BULK_MENTORS_PER_SESSION) % len(mentors)],
                    title=f"Kelas ekspor {k + 1:04d}: {topic.label}",
                    topic=topic,
                    description_id="Pelatihan untuk UMKM binaan (data benchmark).",
                    description_en="A training for the programme's businesses (benchmark data).",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=3),
                    mode=TrainingSession.Mode.ONLINE,
                    join_link=_link(f"bulk-{k + 1:04d}"),
                    capacity=BULK_REGISTRANTS + 10,
                    registration_deadline=starts - timedelta(hours=3),
                    audience=TrainingSession.Audience.ALL,
                    status=TrainingSession.Status.DONE
                    if past
                    else TrainingSession.Status.PUBLISHED,
                )
            )
        sessions = TrainingSession.objects.bulk_create(sessions, batch_size=1000)
        registrations = []
        for k, session in enumerate(sessions, start=hosted):
            past = session.status == TrainingSession.Status.DONE
            for j in range(min(BULK_REGISTRANTS, len(businesses))):
                business = businesses[(k * BULK_REGISTRANTS + j) % len(businesses)]
                registrations.append(
                    Registration(
                        session=session,
                        business=business,
                        attendee_name=business.name[:150],
                        status=(
                            Registration.Status.ATTENDED if past else Registration.Status.CONFIRMED
                        ),
                        created_at=session.starts_at - timedelta(days=2, minutes=j),
                        checked_in_at=session.starts_at if past else None,
                    )
                )
        Registration.objects.bulk_create(registrations, batch_size=2000)
        added["sessions"] = len(sessions)
        added["registrations"] = len(registrations)
    return added


# --------------------------------------------------------------------------- marketplace


def seed_bulk_marketplace(n_products: int) -> dict[str, int]:
    """Buyers and inquiry threads in proportion to the benchmark products.

    One inquiry per 20 benchmark products (on a benchmark product, to its supplier) and
    one buyer per ten inquiries; six threads in ten have the supplier's reply. Plain bulk
    inserts, no notifications; idempotent for the same ``n_products``. Returns how many
    rows of each kind were added.
    """
    added = {"buyers": 0, "inquiries": 0, "messages": 0}
    target = bulk_target(n_products, PRODUCTS_PER_BULK_INQUIRY)
    have = Inquiry.objects.filter(buyer__in=bulk_buyers()).count()
    if have >= target:
        return added
    # In the order of their numbers, which is their slugs' and their rows' (the primary
    # key's index reads it; sorting a million slugs took 4 s).
    products = list(
        bulk_products().order_by("pk").values_list("pk", "business_id", "name_en", "moq", "unit")
    )
    if not products:
        return added
    owners = dict(Business.objects.values_list("pk", "owner_id"))
    now = timezone.now()
    with transaction.atomic():
        buyers_have = bulk_buyers().count()
        buyers_target = bulk_target(target, INQUIRIES_PER_BULK_BUYER)
        if buyers_have < buyers_target:
            countries = bulk_vocabulary()["buyer_countries"]
            password_hash = bulk_password_hash()
            new = User.objects.bulk_create(
                [
                    User(
                        email=f"bulk.buyer{i:04d}@{BULK_EMAIL_DOMAIN}",
                        full_name=f"Buyer {i:04d}",
                        role=User.Role.BUYER,
                        language="en",
                        timezone="UTC",
                        password=password_hash,
                        date_joined=now - timedelta(days=100 + i % 200),
                    )
                    for i in range(buyers_have + 1, buyers_target + 1)
                ],
                batch_size=1000,
            )
            EmailAddress.objects.bulk_create(
                [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in new]
            )
            BuyerProfile.objects.bulk_create(
                [
                    BuyerProfile(
                        user=u,
                        company=f"Benchmark Trading {k:04d}",
                        country=countries[k % len(countries)],
                        buyer_type=BULK_BUYER_TYPES[k % len(BULK_BUYER_TYPES)],
                    )
                    for k, u in enumerate(new, start=buyers_have + 1)
                ]
            )
            added["buyers"] = len(new)
        buyers = list(bulk_buyers().select_related("buyer_profile").order_by("email"))
        inquiries = []
        for n in range(have, target):
            pk, business_id, name_en, moq, unit = products[(n * 17) % len(products)]
            buyer = buyers[n % len(buyers)]
            replied = n % 10 < 6
            sent = now - timedelta(hours=6 + (n * 7) % (24 * 120))
            inquiries.append(
                Inquiry(
                    buyer=buyer,
                    business_id=business_id,
                    product_id=pk,
                    subject=f"Inquiry: {name_en}"[:200],
                    quantity=(moq or 1) * (2 + n % 5),
                    unit=unit,
                    target_price_usd=None,
                    incoterm="FOB",
                    destination_country=buyer.buyer_profile.country,
                    status=Inquiry.Status.REPLIED if replied else Inquiry.Status.OPEN,
                    first_reply_at=sent + timedelta(hours=2 + n % 40) if replied else None,
                    last_message_at=sent + timedelta(hours=2 + n % 40) if replied else sent,
                )
            )
        inquiries = Inquiry.objects.bulk_create(inquiries, batch_size=2000)
        messages = []
        for inquiry in inquiries:
            messages.append(
                InquiryMessage(
                    inquiry=inquiry,
                    author=inquiry.buyer,
                    author_role=InquiryMessage.Role.BUYER,
                    body="Please send your best FOB price, packing details and lead time.",
                )
            )
            if inquiry.first_reply_at:
                messages.append(
                    InquiryMessage(
                        inquiry=inquiry,
                        author_id=owners[inquiry.business_id],
                        author_role=InquiryMessage.Role.SUPPLIER,
                        body="Thank you for your interest; our quotation is below.",
                    )
                )
        InquiryMessage.objects.bulk_create(messages, batch_size=2000)
        # auto_now_add stamped "now": move the threads to when they happened.
        new_pks = [i.pk for i in inquiries]
        Inquiry.objects.filter(pk__in=new_pks, first_reply_at__isnull=True).update(
            created_at=F("last_message_at")
        )
        Inquiry.objects.filter(pk__in=new_pks, first_reply_at__isnull=False).update(
            created_at=F("first_reply_at") - timedelta(hours=3)
        )
        sent_at = Inquiry.objects.filter(pk=OuterRef("inquiry_id"))
        InquiryMessage.objects.filter(inquiry__in=new_pks, author_role="buyer").update(
            created_at=Subquery(sent_at.values("created_at")[:1])
        )
        InquiryMessage.objects.filter(inquiry__in=new_pks, author_role="supplier").update(
            created_at=Subquery(sent_at.values("first_reply_at")[:1])
        )
        added["inquiries"] = len(inquiries)
        added["messages"] = len(messages)
    return added
