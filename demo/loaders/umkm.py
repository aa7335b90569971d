"""Demo categories, businesses, certifications and products.

Thirty-two Riau UMKM (``businesses.yaml``), most of them in Pekanbaru (the demo owner's
included), with their papers and products. Each business uploads its products as a
spreadsheet through the real CSV importer (``umkm.csv_io``), rows of ``products.csv``
in the importer's own format; then the listing workflow in ``umkm.services`` takes each
product to its state, so that every state and history row is one the application itself
could have written. Photos are drawn (``photos``); nothing is downloaded.

Everything is keyed by a stable email, slug or certificate kind, so running the seed
twice creates nothing new.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts import services as account_services
from accounts.models import User
from mentoring.models import Mentorship
from notifications.models import Notification
from umkm import csv_io, services
from umkm.models import Business, Category, Certification, Product, scale_for

from .accounts import (
    DEMO_MENTOR_EMAIL,
    DEMO_OWNER_EMAIL,
    DEMO_STAFF_EMAIL,
    demo_password_hash,
    demo_user,
)
from .files import read_csv, read_yaml
from .photos import PHOTO_VIEWS, logo_picture, product_photo

BULK_SLUG_PREFIX = "bulk-"
BULK_SLUG_RE = r"^bulk-[0-9]{7}-"

# --------------------------------------------------------------------------- categories


def seed_categories() -> None:
    """Create or refresh the two-level bilingual category tree (keyed by slug)."""
    with transaction.atomic():
        for position, top in enumerate(read_yaml("categories.yaml")["categories"]):
            parent, _created = Category.objects.update_or_create(
                slug=top["slug"],
                defaults={
                    "name_en": top["name_en"],
                    "name_id": top["name_id"],
                    "is_food": top["is_food"],
                    "parent": None,
                    "position": position,
                },
            )
            for child_position, child in enumerate(top["children"]):
                Category.objects.update_or_create(
                    slug=child["slug"],
                    defaults={
                        "name_en": child["name_en"],
                        "name_id": child["name_id"],
                        "is_food": child.get("is_food", top["is_food"]),
                        "parent": parent,
                        "position": child_position,
                    },
                )


# --------------------------------------------------------------------------- products


def product_lines() -> dict[str, list[dict[str, str]]]:
    """``products.csv`` by product line (what a kind of business makes), in file order.

    Each row is in the importer's format (``umkm.csv_io.COLUMNS``) plus its ``line``.
    """
    lines: dict[str, list[dict[str, str]]] = {}
    for row in read_csv("products.csv"):
        lines.setdefault(row["line"], []).append(row)
    return lines


# --------------------------------------------------------------------------- businesses


@dataclass(frozen=True, kw_only=True)
class BusinessSpec:
    """One business of ``businesses.yaml`` (its header explains the fields)."""

    email: str
    owner_name: str
    name: str
    legal_form: str
    sector: str
    city: str
    address: str
    founded_year: int
    employees: int
    assets: int
    turnover: int
    description_id: str
    description_en: str
    line: str
    states: str
    picks: tuple[int, ...] = ()
    export_markets: str = ""
    verified: bool = True
    active: bool = True
    mentored: bool = False
    certs: str = ""
    story_id: str = ""
    story_en: str = ""
    capacity_id: str = ""
    capacity_en: str = ""


@functools.cache
def business_specs() -> tuple[BusinessSpec, ...]:
    return tuple(
        BusinessSpec(**{**row, "picks": tuple(row.get("picks", ()))})
        for row in read_yaml("businesses.yaml")["businesses"]
    )


# BPS regency codes, used in P-IRT and Halal numbers.
REGENCY_CODES = {
    "Pekanbaru": "1471",
    "Dumai": "1473",
    "Kampar": "1406",
    "Siak": "1405",
    "Kepulauan Meranti": "1410",
}


def _nib(index: int) -> str:
    """A stable, unique 13-digit NIB per demo business (7919 is prime: no collisions)."""
    return f"91{(index * 7919 + 1_020_304) % 10**11:011d}"


def _phone(index: int) -> str:
    prefix = ("812", "813", "852", "853")[index % 4]
    return f"+62 {prefix}-{7100 + (index * 379) % 2900:04d}-{(index * 7919 + 4321) % 10000:04d}"


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _usd(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _scale(spec: BusinessSpec) -> str:
    scales = scale_for(assets=_money(spec.assets), turnover=_money(spec.turnover))
    if len(scales) != 1:  # a data error in businesses.yaml, not a runtime condition
        raise ValueError(f"{spec.name}: assets and turnover fall into {sorted(scales)}")
    return scales.pop()


def _owner_account(spec: BusinessSpec, password_hash: str) -> User:
    user, _created = User.objects.get_or_create(
        email=spec.email,
        defaults={"full_name": spec.owner_name, "role": User.Role.OWNER, "language": "id"},
    )
    if user.email != DEMO_OWNER_EMAIL:  # seed_accounts looks after the demo owner
        user.full_name = spec.owner_name
        user.role = User.Role.OWNER
        user.language = "id"
        user.timezone = "Asia/Jakarta"
        user.is_active = True
        user.password = password_hash
        user.save(
            update_fields=["full_name", "role", "language", "timezone", "is_active", "password"]
        )
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        account_services.user_email_verified(user=user)
    return user


def _certificate_fields(
    code: str, *, index: int, business: Business, spec: BusinessSpec, today
) -> tuple[str, dict]:
    """A certificate's kind and fields from its code in ``certs`` ("halal:soon").

    Numbers are made up from the business's position, stable from run to run; issuers
    are the real Indonesian authorities for each kind of paper.
    """
    kind, _sep, state = code.partition(":")
    reg = REGENCY_CODES.get(spec.city, "1471")
    seq = index * 137 + 29
    regency = "Kota" if spec.city in ("Pekanbaru", "Dumai") else "Kabupaten"
    if kind == "nib":
        issued = today.replace(year=max(2019, min(today.year - 1, spec.founded_year + 3)), day=1)
        return Certification.Kind.NIB, {
            "number": business.nib,
            "issuer": "Lembaga OSS (Kementerian Investasi/BKPM)",
            "issued_on": issued,
            "expires_on": None,
        }
    catalogue = {
        "pirt": (
            Certification.Kind.PIRT,
            f"P-IRT 2{(index % 15) + 1:02d}{reg}{seq:04d}",
            f"Dinas Kesehatan {regency} {spec.city}",
            5,
        ),
        "bpom_md": (
            Certification.Kind.BPOM_MD,
            f"BPOM RI MD 2{(index * 7919) % 10**11:011d}",
            "Badan Pengawas Obat dan Makanan RI",
            5,
        ),
        "halal": (
            Certification.Kind.HALAL,
            f"ID{reg[:2]}110000{seq:07d}",
            "BPJPH Kementerian Agama RI",
            None,
        ),
        "svlk": (
            Certification.Kind.SVLK,
            f"MAL-VLK-{seq:04d}",
            "PT Mutu Agung Lestari (LVLK)",
            6,
        ),
        "haccp": (
            Certification.Kind.HACCP,
            f"SCI-HACCP-{seq:05d}",
            "PT Sucofindo (Persero)",
            3,
        ),
        "organic": (
            Certification.Kind.ORGANIC,
            f"LSO-SCI-ORG-{seq:04d}",
            "LSO PT Sucofindo (Persero)",
            3,
        ),
        "ispo": (
            Certification.Kind.OTHER,
            f"ISPO-MAL-{seq:04d} (ISPO)",
            "Komisi ISPO, audit PT Mutu Agung Lestari",
            5,
        ),
        "bpom_na": (
            Certification.Kind.OTHER,
            f"NA18{(index * 104729) % 10**9:09d} (notifikasi kosmetik BPOM)",
            "Badan Pengawas Obat dan Makanan RI",
            3,
        ),
    }
    kind_value, number, issuer, years = catalogue[kind]
    if state == "expired":
        expires = today - timedelta(days=20 + index)
        years = years or 4  # an old MUI-era Halal certificate had an end date
        issuer = "LPPOM MUI Provinsi Riau" if kind == "halal" else issuer
    elif state == "soon":
        expires = today + timedelta(days=9 + index % 15)
        years = years or 4
        issuer = "LPPOM MUI Provinsi Riau" if kind == "halal" else issuer
    elif years:
        expires = today + timedelta(days=365 * years - 400 - 30 * (index % 12))
    else:
        expires = None
    issued = (expires or today + timedelta(days=365 * 4)) - timedelta(days=365 * (years or 4))
    issued = min(issued, today - timedelta(days=60))
    return kind_value, {
        "number": number,
        "issuer": issuer,
        "issued_on": issued,
        "expires_on": expires,
    }


DEMO_VERIFICATION_NOTE = "Demo data: the NIB was checked in the OSS register."


def _seed_certifications(
    business: Business, spec: BusinessSpec, index: int, staff: User
) -> list[Certification]:
    today = timezone.localdate()
    certificates = []
    for code in ["nib", *spec.certs.split()]:
        kind, fields = _certificate_fields(
            code, index=index, business=business, spec=spec, today=today
        )
        # Keyed by business and kind: stable even if the seed runs on another day.
        certificate = business.certifications.filter(kind=kind).first()
        if certificate is None:
            certificate = services.certification_create(
                business=business, by=staff, kind=kind, **fields
            )
            if spec.verified and not code.endswith(":pending"):
                services.certification_verify(certification=certificate, staff=staff)
        certificates.append(certificate)
    return certificates


def _ensure_mentorship(business: Business, mentor: User, index: int) -> None:
    if Mentorship.objects.active().filter(mentor=mentor, business=business).exists():
        return
    Mentorship.objects.create(
        mentor=mentor,
        business=business,
        status=Mentorship.Status.ACTIVE,
        message=read_yaml("businesses.yaml")["mentorship_message"],
        started_at=timezone.now() - timedelta(days=20 + 9 * index),
    )


WOOD_CATEGORIES = {"wood-carving", "indoor-furniture", "rattan-furniture"}
FOOD_CERT_KINDS = {
    Certification.Kind.PIRT,
    Certification.Kind.BPOM_MD,
    Certification.Kind.HALAL,
    Certification.Kind.HACCP,
    Certification.Kind.ORGANIC,
}


def _product_certificates(category: Category, certificates: list[Certification]):
    """The business's papers that apply to a product of this category."""
    if category.is_food:
        return [c for c in certificates if c.kind in FOOD_CERT_KINDS]
    if category.slug in WOOD_CATEGORIES:
        return [c for c in certificates if c.kind == Certification.Kind.SVLK]
    if category.parent and category.parent.slug == "herbal-cosmetics":
        return [c for c in certificates if c.kind in {Certification.Kind.OTHER, "halal"}]
    return []


def _product_fields(row: dict[str, str], *, state: str, n: int) -> dict[str, str]:
    """A ``products.csv`` row as one business offers it (still in the importer's format).

    The CSV holds what the product is and costs; its terms of sale differ from business
    to business (``n`` numbers the product across the demo): the incoterms and port of
    loading rotate (``products.yaml``), every fourth product offers no samples, and
    every third listed one keeps its price tiers. Drafts are unfinished: no English
    description or export price yet.
    """
    terms = read_yaml("products.yaml")
    incoterm_sets, ports = terms["incoterm_sets"], terms["ports"]
    fields = {column: row[column] for column in csv_io.COLUMNS}
    fields["incoterms"] = ";".join(incoterm_sets[n % len(incoterm_sets)])
    fields["port_of_loading"] = ports[n % len(ports)]
    if n % 4 == 3:
        fields["sample_available"], fields["sample_price_usd"] = "no", ""
    if state not in "LA" or n % 3 != 0:
        fields["tiers"] = ""
    if state == "D":
        fields["description_en"], fields["fob_usd"] = "", ""
    return fields


def _products_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=csv_io.COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _add_photos(product: Product, category: Category, count: int, *, by: User) -> None:
    for k in range(count):
        data = product_photo(
            title=product.name_en,
            category=category,
            unit=product.unit,
            size=product.size,
            variant=k,
        )
        label, what = PHOTO_VIEWS[k % len(PHOTO_VIEWS)]
        services.product_image_add(
            product=product,
            upload=SimpleUploadedFile(f"{product.slug}-{label}.jpg", data, "image/jpeg"),
            alt_text=f"{product.name_en}: {what}"[:200],
            by=by,
        )


def _seed_products(
    business: Business,
    spec: BusinessSpec,
    index: int,
    *,
    owner: User,
    reviewer: User,
    certificates: list[Certification],
) -> None:
    """The owner uploads the business's products as a CSV, then takes each to its state."""
    if business.products.exists():
        return
    line = product_lines()[spec.line]
    picks = spec.picks or tuple(range(len(spec.states)))
    rows = [
        _product_fields(line[pick % len(line)], state=state, n=index * 7 + j)
        for j, (pick, state) in enumerate(zip(picks, spec.states, strict=True))
    ]
    result = csv_io.import_csv(
        business=business,
        upload=SimpleUploadedFile("products.csv", _products_csv(rows), "text/csv"),
        actor=owner,
    )
    if result.errors:  # a data error in products.csv or businesses.yaml
        raise ValueError(f"{spec.name}: the importer refused its products: {result.errors}")
    products = business.products.select_related("category__parent").order_by("pk")
    for j, (product, state) in enumerate(zip(products, spec.states, strict=True)):
        n = index * 7 + j
        category = product.category
        papers = _product_certificates(category, certificates)
        if papers:
            product = services.product_update(product=product, actor=owner, certifications=papers)
        if state in "LA":
            photos = 2 if n % 5 == 0 else 3 + n % 2
        elif state in "SC":
            photos = 2
        else:
            photos = 1
        _add_photos(product, category, photos, by=owner)
        if state == "D":
            continue
        product = services.product_submit(product=product, actor=owner)
        if state == "C":
            change_requests = read_yaml("products.yaml")["change_requests"]
            services.product_request_changes(
                product=product,
                reviewer=reviewer,
                comment=change_requests[n % len(change_requests)],
            )
        elif state in "LA":
            product = services.product_approve(product=product, reviewer=reviewer)
            if state == "A":
                services.product_archive(product=product, actor=owner)


WORKSHOP_VIEWS = [
    ("Our production kitchen", "Dapur produksi kami"),
    ("Packing for shipment", "Pengemasan untuk pengiriman"),
    ("The team", "Tim kami"),
]


def _seed_profile(business: Business, spec: BusinessSpec, *, owner: User) -> None:
    """The supplier profile: a drawn logo for every business, and the story, capacity
    and workshop photos of those with a story in businesses.yaml (idempotent: what a
    business already has is kept)."""
    fields = {}
    if not business.logo:
        fields["logo"] = SimpleUploadedFile(
            "logo.png", logo_picture(business.name, sector=business.sector), "image/png"
        )
    for name in ("story_id", "story_en", "capacity_id", "capacity_en"):
        if getattr(spec, name) and not getattr(business, name):
            fields[name] = getattr(spec, name).strip()
    if fields:
        services.business_update(business=business, by=owner, **fields)
    if not spec.story_en or business.photos.exists():
        return
    category = Category.objects.filter(parent__isnull=False).order_by("position", "pk")
    line_category = (
        Product.objects.filter(business=business).values_list("category", flat=True).first()
    )
    category = category.filter(pk=line_category).first() if line_category else category.first()
    for k, (english, _indonesian) in enumerate(WORKSHOP_VIEWS):
        data = product_photo(title=f"{business.name}: {english}", category=category, variant=k)
        services.business_photo_add(
            business=business,
            upload=SimpleUploadedFile(f"workshop-{k}.jpg", data, "image/jpeg"),
            alt_text=english,
            by=owner,
        )


def seed_businesses(*, owners: int = 31) -> list[Business]:
    """Create the demo businesses (the demo owner's and ``owners`` more), idempotently.

    With the default 31 (two of them inactive) there are 30 active businesses besides
    the demo owner's, as the catalogue demo needs.

    Each gets an owner account, certificates, (for some) the demo mentor, and products
    imported from CSV and taken through the listing workflow with drawn photos.
    Notifications that the workflow writes stay in the app; their emails are marked
    skipped so that a seed does not send hundreds of messages.
    """
    seed_categories()
    staff = demo_user(DEMO_STAFF_EMAIL)
    mentor = demo_user(DEMO_MENTOR_EMAIL)
    password_hash = demo_password_hash()
    specs = business_specs()[: owners + 1]
    businesses = []
    with transaction.atomic():
        last_notification = (
            Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        )
        for index, spec in enumerate(specs):
            owner = _owner_account(spec, password_hash)
            business = Business.objects.filter(owner=owner).first()
            if business is None:
                business = services.business_create(
                    owner=owner,
                    name=spec.name,
                    legal_form=spec.legal_form,
                    nib=_nib(index),
                    assets_idr=_money(spec.assets),
                    annual_turnover_idr=_money(spec.turnover),
                    scale=_scale(spec),
                    sector=spec.sector,
                    province="Riau",
                    city=spec.city,
                    address=spec.address,
                    founded_year=spec.founded_year,
                    employees=spec.employees,
                    description_id=spec.description_id,
                    description_en=spec.description_en,
                    phone=_phone(index),
                    whatsapp=_phone(index),
                    contact_email=f"{slugify(spec.name)[:40]}@demo.jembatan.id",
                    has_exported=bool(spec.export_markets),
                    export_markets=spec.export_markets,
                    is_active=spec.active,
                )
                certificates = _seed_certifications(business, spec, index, staff)
                if spec.verified:
                    # The demo's certificates carry no files: the reason is recorded.
                    services.business_verify(
                        business=business, staff=staff, reason=DEMO_VERIFICATION_NOTE
                    )
            else:
                certificates = list(business.certifications.all())
            if spec.mentored:
                _ensure_mentorship(business, mentor, index)
            _seed_products(
                business,
                spec,
                index,
                owner=owner,
                reviewer=mentor if spec.mentored else staff,
                certificates=certificates,
            )
            _seed_profile(business, spec, owner=owner)
            businesses.append(business)
        Notification.objects.filter(
            pk__gt=last_notification, email_status=Notification.EmailStatus.PENDING
        ).update(email_status=Notification.EmailStatus.SKIPPED)
    return businesses


def bulk_products():
    """The benchmark products seed_bulk_products made (slug ``bulk-0000001-…``)."""
    return Product.objects.filter(slug__startswith=BULK_SLUG_PREFIX, slug__regex=BULK_SLUG_RE)


def seed_summary() -> str:
    """One line of counts for the seed_demo output."""
    businesses = Business.objects.all()
    products = Product.objects.all()
    return (
        f"{businesses.count()} businesses ({businesses.verified().count()} verified, "
        f"{businesses.active().count()} active), {products.count()} products "
        f"({products.filter(is_listed=True).count()} listed, {bulk_products().count()} "
        f"benchmark), {Category.objects.count()} categories, "
        f"{Certification.objects.count()} certificates"
    )
