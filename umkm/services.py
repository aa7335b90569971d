"""Writes for businesses, certifications and products.

The listing workflow (draft → submitted → listed / changes requested → archived) lives
here and only here; every transition locks the product row, checks the state it is
in, records who moved it and tells the people concerned.
"""

import logging
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core import cache_versions, uploads
from core.formatting import format_rupiah, format_usd, format_value
from notifications.services import notification_create

from . import facet_counts, listed_counts
from .models import (
    EXPORT_FIELDS,
    Business,
    BusinessPhoto,
    CatalogueFacetCount,
    CatalogueWord,
    Certification,
    ListedProductCount,
    PriceTier,
    Product,
    ProductImage,
    ProductTransition,
    validate_tiers_do_not_overlap,
)
from .selectors import nib_documents

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
    """A new business of ``owner`` (an UMKM owner account without one yet)."""
    if not owner.is_owner:
        raise ValidationError(_("The owner must have an UMKM owner account."))
    if Business.objects.filter(owner=owner).exists():
        raise ValidationError(_("This account already has a business."))
    business = Business(owner=owner, **fields)
    business.slug = unique_slug(Business, fields.get("name", ""))
    business.full_clean()
    business.save()
    return business


MSG_NIB_DOCUMENT_MISSING = _(
    "The NIB document has not been uploaded. Ask the owner to upload it, or write down "
    "why you verify the business without it."
)
VERIFICATION_NOTE_MAX = 500


def business_verify(*, business: Business, staff: User, reason: str = "") -> bool:
    """Record who verified the business and when; tell the owner. False if already.

    Buyers rely on the "Verified by Disperindag" badge: a business whose NIB document
    was never uploaded is refused unless staff write down why they verify it anyway
    (``reason``, kept on the business). Every door (the staff page, the admin, the demo)
    comes through here.
    """
    if not (staff.is_authenticated and staff.is_staff):
        raise PermissionDenied
    if not business.nib:
        raise ValidationError(_("A business needs its NIB before it can be verified."))
    reason = " ".join(reason.split())
    if len(reason) > VERIFICATION_NOTE_MAX:
        raise ValidationError(
            {
                "reason": _("Keep the reason under %(max)d characters.")
                % {"max": VERIFICATION_NOTE_MAX}
            },
            code="too_long",
        )
    if not reason and not nib_documents(business).exists():
        raise ValidationError({"reason": MSG_NIB_DOCUMENT_MISSING}, code="nib_document_missing")
    with transaction.atomic():
        updated = Business.objects.filter(pk=business.pk, verified_at__isnull=True).update(
            verified_at=timezone.now(), verified_by=staff, verification_note=reason
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
    """Staff hand the business to another UMKM owner account without a business."""
    if not (staff.is_authenticated and staff.is_staff):
        raise PermissionDenied
    if not new_owner.is_owner:
        raise ValidationError({"owner": _("The new owner must have an UMKM owner account.")})
    if Business.objects.filter(owner=new_owner).exclude(pk=business.pk).exists():
        raise ValidationError({"owner": _("The new owner already has a business.")})
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
                    "date": cert.expires_on,
                    "days": days_left,
                },
                url=reverse("umkm:certification-list", args=[cert.business.slug]),
                dedupe_key=f"cert-expiry:{cert.pk}:{threshold}:{cert.expires_on.isoformat()}",
            )
        sent += created is not None
    return sent


# Search text -------------------------------------------------------------------------


def product_search_text(product: Product) -> str:
    """What catalogue search matches: the public version's words in both languages, in
    three parts (the product's own, its supplier's, its HS code), as
    ``search_text_joined`` joins them."""
    return search_text_joined(
        product_own_search_words(product),
        supplier_search_words(product.business),
        product.hs_code,
    )


def product_own_search_words(product: Product) -> str:
    """The product's names and descriptions and its category's and parent category's
    names, in both languages (the part its supplier's name does not change)."""
    category = product.category
    return search_text_joined(
        product.name_en,
        product.name_id,
        product.description_en,
        product.description_id,
        category.name_en,
        category.name_id,
        category.parent.name_en if category.parent_id else "",
        category.parent.name_id if category.parent_id else "",
    )


def supplier_search_words(business: Business) -> str:
    """The supplier's part of each of its products' search text: its name and city."""
    return search_text_joined(business.name, business.city)


def search_text_joined(*parts: str | None) -> str:
    """The parts that are not empty, joined by spaces, in lower case. (The benchmark
    seed joins a million texts from parts made once per product line and supplier.)"""
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
# that stay are left alone, so searches meanwhile see a full dictionary). The vectors are
# read from the search rows, which hold exactly the listed products' in half the pages.
CATALOGUE_WORDS_REBUILD_SQL = """
WITH fresh AS (
    SELECT word FROM ts_stat('SELECT search_vector FROM umkm_cataloguesearchrow')
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


def listed_counts_rebuild() -> int:
    """Recount ``ListedProductCount`` from the products, then ``CatalogueFacetCount``
    from it, in one transaction: after a bulk load with its triggers off, and hourly
    (with the catalogue words) against drift from two writers recounting one business at
    once. PostgreSQL only (0 elsewhere: SQLite counts the products themselves). Returns
    the number of listed-count rows."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        # The facet triggers would move every business out and back in; the facets are
        # recounted once instead.
        cursor.execute("SELECT set_config(%s, 'on', true)", [facet_counts.PAUSED])
        for sql in listed_counts.REBUILD:
            cursor.execute(sql)
        cursor.execute("SELECT set_config(%s, 'off', true)", [facet_counts.PAUSED])
        catalogue_facets_rebuild()
    return ListedProductCount.objects.count()


def catalogue_facets_rebuild(*, valid_on: date | None = None) -> int:
    """Recount ``CatalogueFacetCount`` from ``ListedProductCount`` with the certificates
    valid on ``valid_on`` (today in the site's time zone): daily after local midnight,
    since a certificate expires with the calendar and not with a write (20 ms at
    100,000 products: one pass over the listed counts); the products of a business whose
    certificate expired since take their new mask (``Product.facet_cert_mask``).
    PostgreSQL only (0 elsewhere).
    Returns the number of rows."""
    if connection.vendor != "postgresql":
        return 0
    valid_on = valid_on or timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        # The products of a business whose certificate expired take their new mask
        # first (the day they are compared with is the one the rebuild replaces).
        statements = facet_counts.refresh_products(valid_on) + facet_counts.rebuild(valid_on)
        for sql, params in statements:
            cursor.execute(sql, params)
    return CatalogueFacetCount.objects.count()


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
    mentors = list(business.active_mentors())
    return mentors or list(User.objects.filter(is_staff=True, is_active=True))


def can_review(*, user: User, product: Product) -> bool:
    """Staff, or an active mentor of the product's business (DESIGN §3)."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Business.objects.mentored_by(user).filter(pk=product.business_id).exists()


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
    validate_tiers_do_not_overlap((row["min_quantity"], row["max_quantity"]) for row in rows)
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


def _check_certifications(business: Business, certifications) -> None:
    """A product names certificates of its own business only."""
    if certifications is not None and any(c.business_id != business.pk for c in certifications):
        raise ValidationError(
            {"certifications": _("Choose certificates of this product's own business.")}
        )


def product_create(*, business: Business, actor: User, **fields) -> Product:
    certifications = fields.pop("certifications", None)
    price_tiers = fields.pop("price_tiers", None)
    _check_certifications(business, certifications)
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
                + f": {format_usd(row['price_usd'])}"
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
    if field in ("fob_usd", "sample_price_usd"):
        return format_usd(value)
    if field == "price_idr":
        return format_rupiah(value)
    return format_value(value)


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
        _check_certifications(product.business, certifications)
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
            cache_versions.bump(cache_versions.CATALOGUE)  # non-export fields are public at once
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
        cache_versions.bump(cache_versions.CATALOGUE)
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
        cache_versions.bump(cache_versions.CATALOGUE)
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


def product_image_add(*, product: Product, upload, by: User, alt_text: str = "") -> ProductImage:
    """Store a checked, re-encoded photo and queue its thumbnails (the owner or staff)."""
    from django.db.models import Max

    _check_can_edit(by, product.business)
    too_many = ValidationError(
        _("A product has at most %(max)d photos.") % {"max": ProductImage.MAX_PER_PRODUCT}
    )
    if product.images.count() >= ProductImage.MAX_PER_PRODUCT:
        raise too_many  # before decoding anything
    alt_text = _clean_alt_text(alt_text)
    content = uploads.clean_image_upload(upload)
    image = ProductImage(product=product, alt_text=alt_text)
    # Stored before the transaction: an upload must not hold the product's row lock
    # (on SQLite, the database's only write lock); removed again if the row is not kept.
    image.image.save(content.name, content, save=False)
    try:
        with transaction.atomic():
            Product.objects.select_for_update().filter(pk=product.pk).first()
            if product.images.count() >= ProductImage.MAX_PER_PRODUCT:
                raise too_many
            last = product.images.aggregate(last=Max("position"))["last"]
            image.position = 0 if last is None else last + 1
            image.save()
            transaction.on_commit(lambda: _enqueue_thumbnails(image.pk))
            _photos_changed(product)
    except Exception:
        image.image.storage.delete(image.image.name)
        raise
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


def _photo_files(image: ProductImage) -> list:
    """The stored files of a photo: the picture and its thumbnails."""
    return [f for f in (image.image, image.thumb_small, image.thumb_large) if f]


def product_image_delete(*, image: ProductImage, by: User) -> None:
    """Remove a photo (the owner or staff); its files leave the store after commit."""
    product = image.product
    _check_can_edit(by, product.business)
    with transaction.atomic():
        files = _photo_files(image)
        image.delete()
        for file in files:
            _delete_file_on_commit(file)
        _photos_changed(product)


def product_images_reorder(*, product: Product, order: list, by: User) -> None:
    """Put the product's photos in ``order`` (photo ids, the cover first).

    ``order`` must name every photo of this product exactly once; anything else (an id
    of another product's photo, a photo twice or left out, not a number) is refused
    and nothing moves. Photos are not export facts: on a listed product the new order
    is public at once, without a new review (as the other non-export fields).
    """
    _check_can_edit(by, product.business)
    try:
        wanted = [int(pk) for pk in order]
    except (TypeError, ValueError):
        raise ValidationError(_("The new order must list each photo once.")) from None
    with transaction.atomic():
        # The lock product_image_add takes: no photo comes or goes while we count.
        Product.objects.select_for_update().filter(pk=product.pk).first()
        positions = dict(product.images.values_list("pk", "position"))
        if set(wanted) - positions.keys():
            raise ValidationError(_("Only this product's own photos can be put in order."))
        if len(wanted) != len(positions) or set(wanted) != positions.keys():
            raise ValidationError(_("The new order must list each photo once."))
        moved = [
            ProductImage(pk=pk, position=position)
            for position, pk in enumerate(wanted)
            if positions[pk] != position
        ]
        if moved:
            ProductImage.objects.bulk_update(moved, ["position"])
            _photos_changed(product)


def products_needing_review_for(user: User):
    """The review queue of a mentor (their mentees' products) or of staff (all)."""
    queryset = Product.objects.filter(status=Product.Status.SUBMITTED)
    if user.is_staff:
        return queryset
    return queryset.filter(business__in=Business.objects.mentored_by(user))


# Writes every door shares (issue 12) -------------------------------------------------
#
# The web pages, the admin's change forms and the demo seed all change businesses,
# certificates and photos through these functions, so a rule such as "a new NIB must be
# verified again" holds whichever door the change comes through.

# What the owner (site) or staff (admin) may change on a business; verification is
# business_verify's, the owner business_transfer's (with its checks, also in the admin).
BUSINESS_EDITABLE_FIELDS = frozenset(
    field.name
    for field in Business._meta.concrete_fields
    if field.editable
    and field.name not in {"id", "owner", "verified_at", "verified_by", "created_at", "updated_at"}
)
# What a certificate says: a change to any of these must be checked by staff again.
CERTIFICATE_FACTS = ("kind", "number", "issuer", "issued_on", "expires_on", "document")


def _check_can_edit(by: User, business: Business) -> None:
    """The owner and staff change a business and its papers (``editable_by``)."""
    if not Business.objects.editable_by(by).filter(pk=business.pk).exists():
        raise PermissionDenied(_("Only the owner of this business or staff can change it."))


def _unknown_fields(fields, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"not editable here: {', '.join(sorted(unknown))}")


def _delete_file_on_commit(file) -> None:
    if file:
        storage, name = file.storage, file.name
        transaction.on_commit(lambda: storage.delete(name))


class _StoredFirst:
    """A new upload written to its storage before the write transaction opens (an upload
    to object storage takes seconds; it must not hold row locks, nor on SQLite the
    database's only write lock), and removed again if the transaction does not keep it.

    ``value`` becomes the stored file's name, which the row then simply records.
    """

    def __init__(self, model, field: str, value, **instance_fields) -> None:
        self.stored = None
        self.value = value
        if value and not isinstance(value, str) and not getattr(value, "_committed", False):
            probe = model(**instance_fields)
            getattr(probe, field).save(value.name, value, save=False)
            self.stored = getattr(probe, field)
            self.value = self.stored.name

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and self.stored:
            self.stored.storage.delete(self.stored.name)
        return False


def business_update(*, business: Business, by: User, **fields) -> Business:
    """Save an edit of the business profile (the owner on the site, staff in the admin).

    A new NIB must be checked again: when it changes, the staff verification is cleared
    in the same write, and staff verify again from their queue (which tells the owner).
    A new name or city is searchable at once; a business switched off or on leaves or
    joins the cached catalogue at once. Returns the saved row.
    """
    _unknown_fields(fields, BUSINESS_EDITABLE_FIELDS)
    _check_can_edit(by, business)
    logo = _StoredFirst(Business, "logo", fields.get("logo"))
    if "logo" in fields:
        fields["logo"] = logo.value
    with logo, transaction.atomic():
        if {"province", "is_active"} & fields.keys():
            # The facet trigger then rewrites the key its products carry: their rows are
            # locked before the business's, the order a product's writer takes them
            # (``_locked``), or the two would wait for each other.
            products = Product.objects.select_for_update().filter(business=business)
            list(products.order_by("pk").values_list("pk", flat=True))
        current = Business.objects.select_for_update().get(pk=business.pk)
        before = {name: getattr(current, name) for name in ("nib", "name", "city", "is_active")}
        old_logo = current.logo if current.logo else None
        for name, value in fields.items():
            setattr(current, name, value)
        update_fields = {*fields, "updated_at"}
        if current.nib != before["nib"] and current.verified_at is not None:
            current.verified_at = None
            current.verified_by = None
            update_fields |= {"verified_at", "verified_by"}
            logger.info(
                "Business %s: NIB changed by user %s, verification cleared", current.pk, by.pk
            )
        if current.nib and current.nib != before["nib"]:
            taken = Business.objects.exclude(pk=current.pk).filter(nib=current.nib).exists()
            if taken:  # the site's message, not the constraint's
                raise ValidationError(
                    {"nib": _("Another business is already registered with this NIB.")}
                )
        current.full_clean()
        current.save(update_fields=sorted(update_fields))
        if old_logo and current.logo.name != old_logo.name:
            _delete_file_on_commit(old_logo)
        if (current.name, current.city) != (before["name"], before["city"]):
            products_refresh_search(queryset=current.products.all())
        if current.is_active != before["is_active"]:
            cache_versions.bump(cache_versions.CATALOGUE)
    return current


def _check_certificate(certification: Certification) -> None:
    """The rules the database also holds, with the message the site shows for them."""
    issued, expires = certification.issued_on, certification.expires_on
    if issued and expires and expires < issued:
        raise ValidationError({"expires_on": _("The expiry date must be after the issue date.")})
    duplicate = (
        Certification.objects.filter(
            business_id=certification.business_id,
            kind=certification.kind,
            number=certification.number,
        )
        .exclude(pk=certification.pk)
        .exists()
    )
    if duplicate:
        raise ValidationError(
            {"number": _("This business already has a certificate of this kind with this number.")}
        )
    certification.full_clean()


def certification_create(
    *,
    business: Business,
    by: User,
    kind: str,
    number: str,
    issued_on: date,
    issuer: str = "",
    expires_on: date | None = None,
    document=None,
) -> Certification:
    """Add a certificate to the business; it waits for staff verification."""
    _check_can_edit(by, business)
    certification = Certification(
        business=business,
        kind=kind,
        number=number,
        issuer=issuer,
        issued_on=issued_on,
        expires_on=expires_on,
    )
    stored = _StoredFirst(Certification, "document", document, business=business)
    if document:
        certification.document = stored.value
    with stored, transaction.atomic():
        _check_certificate(certification)
        certification.save()
    return certification


def certification_update(*, certification: Certification, by: User, **fields) -> Certification:
    """Save a change to a certificate (the owner on the site, staff in the admin).

    Changed papers must be checked again: when what the certificate says changes (kind,
    number, issuer, dates, or the document replaced or removed), its verification is
    cleared in the same write. A replaced document's old file is removed after commit.
    ``document`` empty ("", None or a form's False for "clear") removes the document.
    Returns the saved row.
    """
    _unknown_fields(fields, CERTIFICATE_FACTS)
    _check_can_edit(by, certification.business)
    stored = _StoredFirst(
        Certification, "document", fields.get("document"), business=certification.business
    )
    if stored.stored:
        fields["document"] = stored.value
    with stored, transaction.atomic():
        # The certificate's row only: its trigger locks the business's products, whose
        # writers lock the business after them.
        current = (
            Certification.objects.select_for_update(of=("self",))
            .select_related("business")
            .get(pk=certification.pk)
        )
        before = {name: getattr(current, name) for name in CERTIFICATE_FACTS if name != "document"}
        old_document = current.document if current.document else None
        for name, value in fields.items():
            if name == "document" and not value:
                value = ""  # None or False (a form's "clear"): no document
            setattr(current, name, value)
        document = current.document
        new_document = bool(document) and (
            not document._committed or old_document is None or document.name != old_document.name
        )
        removed_document = old_document is not None and not document
        changed = new_document or removed_document
        changed |= any(getattr(current, name) != value for name, value in before.items())
        update_fields = set(fields)
        if changed and current.verified_at is not None:
            current.verified_at = None
            current.verified_by = None
            update_fields |= {"verified_at", "verified_by"}
            logger.info(
                "Certificate %s changed by user %s, verification cleared", current.pk, by.pk
            )
        _check_certificate(current)
        current.save(update_fields=sorted(update_fields))
        if old_document and (new_document or removed_document):
            _delete_file_on_commit(old_document)
    return current


def certification_delete(*, certification: Certification, by: User) -> None:
    """Delete a certificate; its document leaves the private store after commit."""
    _check_can_edit(by, certification.business)
    with transaction.atomic():
        document = certification.document if certification.document else None
        certification.delete()
        _delete_file_on_commit(document)


def product_delete(*, product: Product, by: User) -> None:
    """Delete a product for good (staff in the admin; owners archive instead).

    Its photos' files leave the store after commit, and a listed product leaves the
    cached catalogue pages at once."""
    if not (by.is_authenticated and by.is_staff):
        raise PermissionDenied
    with transaction.atomic():
        product = _locked(product)
        files = [f for image in product.images.all() for f in _photo_files(image)]
        was_listed = product.is_listed
        product.delete()
        for file in files:
            _delete_file_on_commit(file)
        if was_listed:
            cache_versions.bump(cache_versions.CATALOGUE)


# What other people took part in: a business with any of these is switched off
# (``is_active``), never deleted, so that their threads, quotes, mentoring records and
# training attendance stay whole.
BUSINESS_HISTORY = {
    "mentorships": _("mentorships"),
    "registrations": _("training registrations"),
    "inquiries": _("buyer inquiries"),
    "quotes": _("quotes"),
}


def business_delete(*, business: Business, by: User) -> None:
    """Delete a business without history (staff in the admin), with everything it owns.

    A business that mentors, buyers or trainers have dealt with is refused: switch it
    off instead. Otherwise its products, photos, certificates and logo go, and their
    files leave both stores after commit."""
    if not (by.is_authenticated and by.is_staff):
        raise PermissionDenied
    with transaction.atomic():
        business = Business.objects.select_for_update().get(pk=business.pk)
        history = [
            str(label)
            for relation, label in BUSINESS_HISTORY.items()
            if getattr(business, relation).exists()
        ]
        if history:
            raise ValidationError(
                _(
                    "%(name)s cannot be deleted because others have dealt with it "
                    "(%(history)s). Switch it off instead."
                ),
                params={"name": business.name, "history": ", ".join(history)},
                code="has_history",
            )
        images = ProductImage.objects.filter(product__business=business)
        files = [f for image in images for f in _photo_files(image)]
        files += [c.document for c in business.certifications.all() if c.document]
        if business.logo:
            files.append(business.logo)
        files += [photo.image for photo in business.photos.all() if photo.image]
        was_listed = business.products.filter(is_listed=True).exists()
        business.delete()
        for file in files:
            _delete_file_on_commit(file)
        if was_listed:
            cache_versions.bump(cache_versions.CATALOGUE)


def _clean_alt_text(alt_text: str) -> str:
    """The photo description as stored, or the reason it cannot be (too long, NUL)."""
    alt_text = (alt_text or "").strip()
    try:
        ProhibitNullCharactersValidator()(alt_text)
        ProductImage._meta.get_field("alt_text").run_validators(alt_text)
    except ValidationError as exc:
        raise ValidationError({"alt_text": exc.error_list}) from None
    return alt_text


def _photos_changed(product: Product) -> None:
    """Photos are not export facts: on a listed product a change is public at once (no
    new review, as product_update's other non-export fields), so the cached catalogue
    pages go."""
    if product.is_listed:
        cache_versions.bump(cache_versions.CATALOGUE)


def product_image_update(*, image: ProductImage, alt_text: str, by: User) -> ProductImage:
    """Change what a photo is described as (for people who cannot see it)."""
    product = image.product
    _check_can_edit(by, product.business)
    alt_text = _clean_alt_text(alt_text)
    with transaction.atomic():
        image.alt_text = alt_text
        image.save(update_fields=["alt_text"])
        _photos_changed(product)
    return image


# A supplier's profile photos -----------------------------------------------------------


def _clean_photo_alt_text(alt_text: str) -> str:
    alt_text = (alt_text or "").strip()
    try:
        ProhibitNullCharactersValidator()(alt_text)
        BusinessPhoto._meta.get_field("alt_text").run_validators(alt_text)
    except ValidationError as exc:
        raise ValidationError({"alt_text": exc.error_list}) from None
    return alt_text


def business_photo_add(
    *, business: Business, upload, by: User, alt_text: str = ""
) -> BusinessPhoto:
    """Store a checked, re-encoded photo on the business's public profile (the owner
    or staff); at most ``BusinessPhoto.MAX_PER_BUSINESS``, the new one last."""
    from django.db.models import Max

    _check_can_edit(by, business)
    too_many = ValidationError(
        _("A business has at most %(max)d photos.") % {"max": BusinessPhoto.MAX_PER_BUSINESS},
        code="too_many_photos",
    )
    if business.photos.count() >= BusinessPhoto.MAX_PER_BUSINESS:
        raise too_many  # before decoding anything
    alt_text = _clean_photo_alt_text(alt_text)
    content = uploads.clean_business_photo_upload(upload)
    photo = BusinessPhoto(business=business, alt_text=alt_text)
    # Stored before the transaction (as product photos): no row lock while uploading.
    photo.image.save(content.name, content, save=False)
    try:
        with transaction.atomic():
            Business.objects.select_for_update().filter(pk=business.pk).first()
            if business.photos.count() >= BusinessPhoto.MAX_PER_BUSINESS:
                raise too_many
            last = business.photos.aggregate(last=Max("position"))["last"]
            photo.position = 0 if last is None else last + 1
            photo.save()
    except Exception:
        photo.image.storage.delete(photo.image.name)
        raise
    return photo


def business_photo_update(*, photo: BusinessPhoto, alt_text: str, by: User) -> BusinessPhoto:
    """Change what a profile photo is described as."""
    _check_can_edit(by, photo.business)
    photo.alt_text = _clean_photo_alt_text(alt_text)
    photo.save(update_fields=["alt_text"])
    return photo


def business_photo_delete(*, photo: BusinessPhoto, by: User) -> None:
    """Remove a profile photo (the owner or staff); its file goes after commit."""
    _check_can_edit(by, photo.business)
    with transaction.atomic():
        image = photo.image
        photo.delete()
        _delete_file_on_commit(image)
