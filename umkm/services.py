"""Writes for businesses, certifications and products.

The listing workflow (draft → submitted → listed / changes requested → archived) lives
here and only here; every transition locks the product row, checks the state it is
in, records who moved it and tells the people concerned.
"""

import logging
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from marketplace.caching import bump_catalogue_version
from notifications.services import notification_create

from .models import (
    EXPORT_FIELDS,
    Business,
    CatalogueWord,
    Certification,
    PriceTier,
    Product,
    ProductImage,
    ProductTransition,
)

logger = logging.getLogger(__name__)


class TransitionError(ValidationError):
    """The product is not in a state that allows this step."""


def unique_slug(model, text: str, *, max_length: int = 150) -> str:
    base = slugify(text)[: max_length - 8] or "item"
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


# Businesses ------------------------------------------------------------------------


def business_create(*, owner: User, **fields) -> Business:
    if Business.objects.filter(owner=owner).exists():
        raise ValidationError(_("This account already has a business."))
    business = Business(owner=owner, **fields)
    business.slug = unique_slug(Business, fields.get("name", ""))
    business.full_clean()
    business.save()
    return business


def business_verify(*, business: Business, staff: User) -> bool:
    """Record who verified the business and when; tell the owner. False if already."""
    if not business.nib:
        raise ValidationError(_("A business needs its NIB before it can be verified."))
    with transaction.atomic():
        updated = Business.objects.filter(pk=business.pk, verified_at__isnull=True).update(
            verified_at=timezone.now(), verified_by=staff
        )
        if not updated:
            return False
        business.refresh_from_db(fields=["verified_at", "verified_by"])
        notification_create(
            recipient=business.owner,
            kind="business_verified",
            context={"business": business.name},
            url=reverse("umkm:business-detail", args=[business.slug]),
        )
    return True


def business_transfer(*, business: Business, new_owner: User, staff: User) -> None:
    if not new_owner.is_owner:
        raise ValidationError(_("The new owner must have an UMKM owner account."))
    if Business.objects.filter(owner=new_owner).exists():
        raise ValidationError(_("The new owner already has a business."))
    business.owner = new_owner
    business.save(update_fields=["owner", "updated_at"])


# Certifications ----------------------------------------------------------------------


def certification_verify(*, certification: Certification, staff: User) -> bool:
    return bool(
        Certification.objects.filter(pk=certification.pk, verified_at__isnull=True).update(
            verified_at=timezone.now(), verified_by=staff
        )
    )


EXPIRY_WARNINGS = (7, 30)  # days before expiry; the most urgent applicable one is sent


def certifications_warn_expiring(*, today: date | None = None) -> int:
    """Daily job: tell owners about certificates expiring within 30 and 7 days.

    Each (certificate, threshold, expiry date) is told once, even if the job runs
    late or twice; a renewed certificate with a new date is told again.
    """
    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(EXPIRY_WARNINGS))
    sent = 0
    expiring = Certification.objects.filter(
        expires_on__gte=today, expires_on__lte=horizon, business__is_active=True
    ).select_related("business__owner")
    for cert in expiring:
        days_left = (cert.expires_on - today).days
        threshold = min(t for t in EXPIRY_WARNINGS if days_left <= t)
        with transaction.atomic():
            created = notification_create(
                recipient=cert.business.owner,
                kind="certification_expiring",
                context={
                    "certificate": cert.get_kind_display(),
                    "date": cert.expires_on.isoformat(),
                    "days": days_left,
                },
                url=reverse("umkm:certification-list", args=[cert.business.slug]),
                dedupe_key=f"cert-expiry:{cert.pk}:{threshold}:{cert.expires_on.isoformat()}",
            )
        sent += created is not None
    return sent


# Search text -------------------------------------------------------------------------


def product_search_text(product: Product) -> str:
    """What catalogue search matches: the public version's words in both languages."""
    category = product.category
    parts = [
        product.name_en,
        product.name_id,
        product.description_en,
        product.description_id,
        category.name_en,
        category.name_id,
        category.parent.name_en if category.parent_id else "",
        category.parent.name_id if category.parent_id else "",
        product.business.name,
        product.business.city,
        product.hs_code,
    ]
    return " ".join(p for p in parts if p).lower()


def products_refresh_search(*, queryset=None) -> int:
    """Rebuild ``search_text`` for the given products (all by default), in batches."""
    queryset = (queryset if queryset is not None else Product.objects.all()).select_related(
        "category__parent", "business"
    )
    batch, count = [], 0
    for product in queryset.iterator(chunk_size=2000):
        product.search_text = product_search_text(product)
        batch.append(product)
        if len(batch) >= 2000:
            count += Product.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        count += Product.objects.bulk_update(batch, ["search_text"])
    return count


# One statement: the words of listed products' vectors in, words nobody uses out (rows
# that stay are left alone, so searches meanwhile see a full dictionary).
CATALOGUE_WORDS_REBUILD_SQL = """
WITH fresh AS (
    SELECT word FROM ts_stat('SELECT search_vector FROM umkm_product WHERE is_listed')
), gone AS (
    DELETE FROM umkm_catalogueword WHERE word NOT IN (SELECT word FROM fresh)
)
INSERT INTO umkm_catalogueword (word) SELECT word FROM fresh ON CONFLICT DO NOTHING
"""


def catalogue_words_rebuild() -> int:
    """Rebuild the dictionary of catalogue words that corrects misspelt searches.

    A database trigger already adds the words of every listed product as it is written;
    this also drops the words of products no longer listed. PostgreSQL only (returns 0
    elsewhere). Returns how many words the dictionary holds."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(CATALOGUE_WORDS_REBUILD_SQL)
    return CatalogueWord.objects.count()


# Products: the listing workflow ------------------------------------------------------


def _record(product: Product, *, from_status: str, actor: User, comment: str = "") -> None:
    ProductTransition.objects.create(
        product=product,
        from_status=from_status,
        to_status=product.status,
        actor=actor,
        comment=comment,
    )


def _locked(product: Product) -> Product:
    return Product.objects.select_for_update().select_related("business__owner").get(pk=product.pk)


def reviewers_for(business: Business) -> list[User]:
    """Who reviews this business's products: its active mentors, else all staff."""
    mentors = list(
        User.objects.filter(
            mentorships__business=business,
            mentorships__status="active",
            is_active=True,
            mentor_approved_at__isnull=False,
        ).distinct()
    )
    return mentors or list(User.objects.filter(is_staff=True, is_active=True))


def can_review(*, user: User, product: Product) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return (
        user.is_approved_mentor
        and product.business.mentorships.filter(mentor=user, status="active").exists()
    )


def _notify_reviewers(product: Product) -> None:
    for reviewer in reviewers_for(product.business):
        notification_create(
            recipient=reviewer,
            kind="product_submitted",
            context={"product": product.name_en or product.name_id, "business": product.business},
            url=reverse("umkm:product-detail", args=[product.pk]),
        )


def _tiers_json(tiers) -> list[dict]:
    """Price tiers as plain, comparable data (sorted by start quantity), each checked by
    the model (bounds of quantities and prices, "to" not below "from")."""
    rows = [
        {
            "min_quantity": int(t["min_quantity"]),
            "max_quantity": None if t.get("max_quantity") in (None, "") else int(t["max_quantity"]),
            "price_usd": str(Decimal(str(t["price_usd"])).quantize(Decimal("0.01"))),
        }
        for t in tiers
    ]
    for row in rows:
        PriceTier(**{**row, "price_usd": Decimal(row["price_usd"])}).full_clean(exclude=["product"])
    return sorted(rows, key=lambda row: row["min_quantity"])


def _current_tiers(product: Product) -> list[dict]:
    return _tiers_json(product.price_tiers.values("min_quantity", "max_quantity", "price_usd"))


def _replace_tiers(product: Product, tiers: list[dict]) -> None:
    product.price_tiers.all().delete()
    PriceTier.objects.bulk_create(
        PriceTier(
            product=product,
            min_quantity=row["min_quantity"],
            max_quantity=row["max_quantity"],
            price_usd=Decimal(row["price_usd"]),
        )
        for row in _tiers_json(tiers)
    )


def product_create(*, business: Business, actor: User, **fields) -> Product:
    certifications = fields.pop("certifications", None)
    price_tiers = fields.pop("price_tiers", None)
    product = Product(business=business, **fields)
    product.hs_code = _normalise_hs(product.hs_code)
    product.slug = unique_slug(Product, product.name_en or product.name_id, max_length=200)
    product.full_clean()
    product.search_text = product_search_text(product)
    with transaction.atomic():
        product.save()
        if certifications is not None:
            product.certifications.set(certifications)
        if price_tiers:
            _replace_tiers(product, price_tiers)
    return product


def _normalise_hs(value: str) -> str:
    from .models import normalise_hs_code

    return normalise_hs_code(value)


def _to_json(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


PENDING_LABELS = {
    "price_tiers": _("FOB price by quantity"),
    "certifications": _("certifications"),
}


def pending_label(field: str):
    if field in PENDING_LABELS:
        return PENDING_LABELS[field]
    return Product._meta.get_field(field).verbose_name


def pending_value(product: Product, field: str):
    """A field's value as the owner last entered it (pending review, or live)."""
    if field == "price_tiers":
        return product.pending_changes.get(field, _current_tiers(product))
    if field == "certifications":
        ids = product.pending_changes.get(field)
        if ids is None:
            return list(product.certifications.all())
        return list(product.business.certifications.filter(pk__in=ids))
    if field in product.pending_changes:
        model_field = Product._meta.get_field(field)
        raw = product.pending_changes[field]
        if model_field.is_relation:
            return model_field.related_model.objects.filter(pk=raw).first()
        return model_field.to_python(raw)
    return getattr(product, field)


def pending_display(product: Product, field: str) -> str:
    """A pending value as a reviewer reads it."""
    value = pending_value(product, field)
    if field == "price_tiers":
        return (
            "; ".join(
                f"{row['min_quantity']}"
                + (f"–{row['max_quantity']}" if row["max_quantity"] else "+")
                + f": US$ {row['price_usd']}"
                for row in value
            )
            or "—"
        )
    if field == "certifications":
        return ", ".join(str(cert) for cert in value) or "—"
    if field == "incoterms":
        return ", ".join(value or []) or "—"
    if value in (None, ""):
        return "—"
    from django.utils.formats import localize

    return str(localize(value))


def product_update(*, product: Product, actor: User, **fields) -> Product:
    """Save an owner's edit.

    Before an approved version exists, edits apply at once. On a listed product, edits
    to export facts wait in ``pending_changes`` (the public keeps seeing the approved
    version) and the product goes back to review; other fields apply at once.
    """
    certifications = fields.pop("certifications", None)
    price_tiers = fields.pop("price_tiers", None)
    if "hs_code" in fields:
        fields["hs_code"] = _normalise_hs(fields["hs_code"])
    with transaction.atomic():
        product = _locked(product)
        if product.status == Product.Status.ARCHIVED:
            raise TransitionError(_("Restore the product before editing it."))
        held = {}
        # Tiers and certificates are export facts too: on a listed product they wait.
        if price_tiers is not None:
            wanted = _tiers_json(price_tiers)
            if not product.is_listed:
                _replace_tiers(product, wanted)
            elif wanted != _current_tiers(product):
                held["price_tiers"] = wanted
            else:
                product.pending_changes.pop("price_tiers", None)
        if certifications is not None:
            wanted_ids = sorted(c.pk for c in certifications)
            if not product.is_listed:
                product.certifications.set(certifications)
            elif wanted_ids != sorted(product.certifications.values_list("pk", flat=True)):
                held["certifications"] = wanted_ids
            else:
                product.pending_changes.pop("certifications", None)
        for name, value in fields.items():
            if product.is_listed and name in EXPORT_FIELDS:
                current = getattr(product, name)
                if _to_json(value) != _to_json(current):
                    held[name] = _to_json(value)
                else:
                    product.pending_changes.pop(name, None)
            else:
                setattr(product, name, value)
        if product.is_listed:
            product.pending_changes = {**product.pending_changes, **held}
        product.full_clean(exclude=["pending_changes"])
        update_fields = [*fields.keys() - set(EXPORT_FIELDS if product.is_listed else [])]
        update_fields += ["pending_changes", "updated_at"]
        if not product.is_listed:
            product.search_text = product_search_text(product)
            update_fields.append("search_text")
        went_back = held and product.status == Product.Status.LISTED
        from_status = product.status
        if went_back:
            product.status = Product.Status.SUBMITTED
            update_fields.append("status")
        product.save(update_fields=sorted(set(update_fields)))
        if went_back:
            _record(
                product,
                from_status=from_status,
                actor=actor,
                comment=str(_("Export facts changed: %(fields)s"))
                % {"fields": ", ".join(sorted(held))},
            )
            _notify_reviewers(product)
        if product.is_listed:
            bump_catalogue_version()  # non-export fields are public at once
    return product


def product_submit(*, product: Product, actor: User) -> Product:
    with transaction.atomic():
        product = _locked(product)
        if product.status not in (Product.Status.DRAFT, Product.Status.CHANGES_REQUESTED):
            raise TransitionError(
                _("Only a draft or a product with requested changes can be submitted.")
            )
        from_status = product.status
        product.status = Product.Status.SUBMITTED
        product.save(update_fields=["status", "updated_at"])
        _record(product, from_status=from_status, actor=actor)
        _notify_reviewers(product)
    return product


def product_approve(*, product: Product, reviewer: User, comment: str = "") -> Product:
    with transaction.atomic():
        product = _locked(product)
        if not can_review(user=reviewer, product=product):
            raise TransitionError(_("Only an active mentor of this business or staff can approve."))
        if product.status != Product.Status.SUBMITTED:
            raise TransitionError(_("Only a product waiting for review can be approved."))
        pending = dict(product.pending_changes)
        if "price_tiers" in pending:
            _replace_tiers(product, pending.pop("price_tiers"))
        if "certifications" in pending:
            product.certifications.set(
                product.business.certifications.filter(pk__in=pending.pop("certifications"))
            )
        for name, raw in pending.items():
            field = Product._meta.get_field(name)
            if field.is_relation:
                setattr(product, field.attname, raw)
            else:
                setattr(product, name, field.to_python(raw))
        from_status = product.status
        product.pending_changes = {}
        product.status = Product.Status.LISTED
        product.is_listed = True
        product.listed_at = product.listed_at or timezone.now()
        product.search_text = product_search_text(product)
        product.save()
        _record(product, from_status=from_status, actor=reviewer, comment=comment)
        notification_create(
            recipient=product.business.owner,
            kind="product_approved",
            context={"product": product.name_id, "reviewer": reviewer.get_full_name()},
            url=reverse("umkm:product-detail", args=[product.pk]),
        )
        bump_catalogue_version()
    return product


def product_request_changes(*, product: Product, reviewer: User, comment: str) -> Product:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what needs to change.")})
    with transaction.atomic():
        product = _locked(product)
        if not can_review(user=reviewer, product=product):
            raise TransitionError(_("Only an active mentor of this business or staff can review."))
        if product.status != Product.Status.SUBMITTED:
            raise TransitionError(_("Only a product waiting for review can be sent back."))
        from_status = product.status
        product.status = Product.Status.CHANGES_REQUESTED
        product.save(update_fields=["status", "updated_at"])
        _record(product, from_status=from_status, actor=reviewer, comment=comment)
        notification_create(
            recipient=product.business.owner,
            kind="product_changes_requested",
            context={
                "product": product.name_id,
                "reviewer": reviewer.get_full_name(),
                "comment": comment,
            },
            url=reverse("umkm:product-detail", args=[product.pk]),
        )
    return product


def product_archive(*, product: Product, actor: User) -> Product:
    with transaction.atomic():
        product = _locked(product)
        if product.status == Product.Status.ARCHIVED:
            raise TransitionError(_("The product is already archived."))
        from_status = product.status
        product.status = Product.Status.ARCHIVED
        product.is_listed = False
        product.pending_changes = {}
        product.save(update_fields=["status", "is_listed", "pending_changes", "updated_at"])
        _record(product, from_status=from_status, actor=actor)
        bump_catalogue_version()
    return product


def product_restore(*, product: Product, actor: User) -> Product:
    with transaction.atomic():
        product = _locked(product)
        if product.status != Product.Status.ARCHIVED:
            raise TransitionError(_("Only an archived product can be restored."))
        product.status = Product.Status.DRAFT
        product.save(update_fields=["status", "updated_at"])
        _record(product, from_status=Product.Status.ARCHIVED, actor=actor)
    return product


# Photos ------------------------------------------------------------------------------


def _enqueue_thumbnails(image_id: int) -> None:
    """After commit; a broker outage must not fail the upload (the sweep retries)."""
    from . import tasks

    try:
        tasks.make_thumbnails.delay(image_id)
    except Exception:
        logger.warning("Could not enqueue thumbnails for photo %s", image_id, exc_info=True)


def product_image_add(*, product: Product, upload, alt_text: str = "") -> ProductImage:
    """Store a checked, re-encoded photo and queue its thumbnails."""
    from django.db.models import Max

    from . import images

    too_many = ValidationError(
        _("A product has at most %(max)d photos.") % {"max": ProductImage.MAX_PER_PRODUCT}
    )
    if product.images.count() >= ProductImage.MAX_PER_PRODUCT:
        raise too_many  # before decoding anything
    content = images.clean_image_upload(upload)
    with transaction.atomic():
        Product.objects.select_for_update().filter(pk=product.pk).first()
        if product.images.count() >= ProductImage.MAX_PER_PRODUCT:
            raise too_many
        last = product.images.aggregate(last=Max("position"))["last"]
        image = ProductImage(
            product=product, alt_text=alt_text, position=0 if last is None else last + 1
        )
        image.image.save(content.name, content, save=False)
        try:
            image.save()
        except Exception:
            image.image.storage.delete(image.image.name)
            raise
        transaction.on_commit(lambda: _enqueue_thumbnails(image.pk))
    return image


def product_images_missing_thumbnails(*, older_than_minutes: int = 5) -> int:
    """Periodic: re-queue photos whose thumbnails never came (worker or broker down)."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    ids = list(
        ProductImage.objects.filter(created_at__lt=cutoff)
        .filter(Q(thumb_small="") | Q(thumb_large=""))
        .values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        _enqueue_thumbnails(pk)
    return len(ids)


def product_image_delete(*, image: ProductImage) -> None:
    with transaction.atomic():
        storage_files = [f for f in (image.image, image.thumb_small, image.thumb_large) if f]
        names = [(f.storage, f.name) for f in storage_files]
        image.delete()
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])


def product_images_reorder(*, product: Product, order: list[int]) -> None:
    ids = list(product.images.values_list("pk", flat=True))
    if sorted(order) != sorted(ids):
        raise ValidationError(_("The new order must list each photo once."))
    with transaction.atomic():
        for position, pk in enumerate(order):
            ProductImage.objects.filter(pk=pk, product=product).update(position=position)


def products_needing_review_for(user: User):
    """The review queue of a mentor (their mentees' products) or of staff (all)."""
    queryset = Product.objects.filter(status=Product.Status.SUBMITTED)
    if user.is_staff:
        return queryset
    return queryset.filter(business__in=Business.objects.mentored_by(user))
