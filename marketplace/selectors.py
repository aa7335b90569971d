"""The public catalogue (only listed products of active businesses, ever), and who
sees which inquiry thread and buying request (the web, the API and the admin ask here)."""

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from mentoring.readiness.selectors import export_ready_q
from mentoring.selectors import businesses_mentored_by
from notifications.models import Notification
from umkm.models import Business, Category, Certification, Product, ProductImage

from .models import (
    BuyingRequest,
    ExchangeRate,
    Inquiry,
    InquiryMessage,
    Quotation,
    Quote,
    SampleRequest,
)

FACET_CACHE_SECONDS = 120  # whole anonymous pages: 60 s, marketplace/caching.py
RATE_CACHE_KEY = "marketplace:idr_per_usd"
RATE_CACHE_SECONDS = 300
# Unanswered inquiries: the hourly job reminds the supplier, then staff once
# (``marketplace.services``, which imports these; selectors never import services).
REMIND_UNANSWERED_AFTER = timedelta(hours=48)
STAFF_REMINDER_KEY = "inquiry-staff-reminder:{pk}"  # one staff reminder per inquiry
FINAL_OUTCOMES = {Inquiry.Outcome.NO_DEAL, Inquiry.Outcome.DEAL_WON}


def public_products():
    return Product.objects.listed()


def public_businesses():
    """Suppliers shown to buyers: active, with at least one listed product."""
    return Business.objects.active().filter(
        Exists(Product.objects.filter(business=OuterRef("pk"), is_listed=True))
    )


def valid_certifications(*, today=None):
    today = today or timezone.localdate()
    return Certification.objects.filter(verified_at__isnull=False).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )


def _search(queryset, q: str):
    """PostgreSQL: full-text in both languages over the stored, indexed
    ``search_vector``, ranked; when no listed product has the words, trigram typo
    tolerance instead, ranked by word similarity.
    SQLite: every word must appear (a correct, simpler fallback).

    Returns the queryset and whether it carries a ``rank`` annotation."""
    words = q.lower().split()
    if not words:
        return queryset, False
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity

        query = SearchQuery(q, config="simple", search_type="websearch")
        if not _full_text_finds(queryset, q, query):
            # Typo tolerance only when the words themselves are nowhere: each word is
            # replaced by the closest words of the catalogue, then searched as usual.
            query = _corrected_query(q)
        if query is not None:
            queryset = queryset.filter(search_vector=query).annotate(
                rank=SearchRank(F("search_vector"), query)
            )
        else:
            # No dictionary of catalogue words yet: trigram similarity over the whole
            # text instead (correct, but it scores each candidate row by row).
            term = q.lower()
            queryset = queryset.filter(search_text__trigram_word_similar=term).annotate(
                rank=TrigramWordSimilarity(term, "search_text")
            )
        return queryset, True
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return queryset, False


def _full_text_finds(queryset, q: str, query) -> bool:
    """Whether full-text search matches anything in ``queryset`` (one index lookup,
    cached briefly so that the page and its facets ask once)."""
    key = "search-finds:" + hashlib.sha256(f"{queryset.query}|{q}".encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = queryset.filter(search_vector=query).exists()
        cache.set(key, found, FACET_CACHE_SECONDS)
    return found


CORRECTIONS_PER_WORD = 3
# The closest catalogue words of each query word, in one query (``%`` is pg_trgm's
# similarity operator, served by the trigram index on the words).
CORRECTIONS_SQL = """
SELECT typed.word, close.word
FROM unnest(%s::text[]) AS typed(word)
CROSS JOIN LATERAL (
    SELECT word FROM umkm_catalogueword
    WHERE word %% typed.word
    ORDER BY similarity(word, typed.word) DESC, word
    LIMIT %s
) AS close
"""


def _corrected_query(q: str):
    """A full-text query in which each word of ``q`` may be any of its closest words in
    the catalogue (``ratan`` → ``rattan``); a word found nowhere nor near matches
    nothing. ``None`` while the dictionary of catalogue words is empty. Cached briefly,
    so that the page and its facets ask once."""
    from django.contrib.postgres.search import SearchQuery

    words = list(dict.fromkeys(re.findall(r"[^\W_]+", q.lower())))
    if not words:
        return SearchQuery(q, config="simple", search_type="websearch")
    key = "search-words:" + hashlib.sha256(" ".join(words).encode()).hexdigest()
    corrections = cache.get(key)
    if corrections is None:
        corrections = {}
        with connection.cursor() as cursor:
            cursor.execute(CORRECTIONS_SQL, [words, CORRECTIONS_PER_WORD])
            for typed, close in cursor.fetchall():
                corrections.setdefault(typed, []).append(close)
            if not corrections:
                cursor.execute("SELECT EXISTS (SELECT 1 FROM umkm_catalogueword)")
                [(filled,)] = cursor.fetchall()
                corrections = corrections if filled else False
        cache.set(key, corrections, FACET_CACHE_SECONDS)
    if corrections is False:
        return None
    query = None
    for word in words:
        # A word that is itself known stands alone (it is not a typo).
        close = corrections.get(word, [])
        close = [word] if word in close else close or [word]
        either = None
        for candidate in close:
            one = SearchQuery(candidate, config="simple", search_type="plain")
            either = one if either is None else either | one
        query = either if query is None else query & either
    return query


@dataclass
class Filters:
    q: str = ""
    category: str = ""
    province: str = ""
    city: str = ""
    certification: str = ""
    moq_max: int | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    lead_time_max: int | None = None
    sample: bool = False
    verified: bool = False
    export_ready: bool = False
    sort: str = "relevance"


def _apply(queryset, filters: Filters, *, skip: str = ""):
    if filters.category and skip != "category":
        queryset = queryset.filter(
            Q(category__slug=filters.category) | Q(category__parent__slug=filters.category)
        )
    if filters.province and skip != "province":
        queryset = queryset.filter(business__province=filters.province)
    if filters.city and skip != "province":
        queryset = queryset.filter(business__city=filters.city)
    if filters.certification and skip != "certification":
        queryset = queryset.filter(
            Exists(
                valid_certifications().filter(
                    business=OuterRef("business"), kind=filters.certification
                )
            )
        )
    if filters.moq_max is not None:
        queryset = queryset.filter(moq__lte=filters.moq_max)
    if filters.price_min is not None:
        queryset = queryset.filter(fob_usd__gte=filters.price_min)
    if filters.price_max is not None:
        queryset = queryset.filter(fob_usd__lte=filters.price_max)
    if filters.lead_time_max is not None:
        queryset = queryset.filter(lead_time_days__lte=filters.lead_time_max)
    if filters.sample:
        queryset = queryset.filter(sample_available=True)
    if filters.verified:
        queryset = queryset.filter(business__verified_at__isnull=False)
    if filters.export_ready:
        queryset = queryset.filter(export_ready_q())
    return queryset


def catalogue(filters: Filters):
    """The filtered, searched, sorted public list, ready for a page of cards."""
    queryset, ranked = _search(public_products(), filters.q)
    queryset = _apply(queryset, filters)
    # Products without a USD price come last in both price orders (PostgreSQL would
    # otherwise put NULLs first when sorting high to low, SQLite when low to high).
    if filters.sort == "price_asc":
        order = [F("fob_usd").asc(nulls_last=True), "-listed_at", "-id"]
    elif filters.sort == "price_desc":
        order = [F("fob_usd").desc(nulls_last=True), "-listed_at", "-id"]
    elif filters.sort == "relevance" and ranked:
        order = [F("rank").desc(), "-listed_at", "-id"]
    else:
        order = ["-listed_at", "-id"]
    return (
        queryset.select_related("business", "category")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"))
        )
        .order_by(*order)
    )


def facet_counts(filters: Filters, *, cache_key: str = "") -> dict:
    """Counts per filter value, each ignoring its own filter (so choices stay visible).

    Three grouped queries; cached briefly because they scan the filtered catalogue.
    """
    if cache_key:
        cached = cache.get(cache_key)
        if cached is not None:
            return cached
    base, _ranked = _search(public_products(), filters.q)
    # Per category and subcategory: a product counts for its own category and, when
    # that is a subcategory, for the parent too (the filter includes subcategories).
    categories: dict[str, int] = {}
    for slug, parent_slug, n in (
        _apply(base, filters, skip="category")
        .values_list("category__slug", "category__parent__slug")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        for key in (slug, parent_slug):
            if key:
                categories[key] = categories.get(key, 0) + n
    provinces = dict(
        _apply(base, filters, skip="province")
        .values_list("business__province")
        .annotate(n=Count("pk"))
        .order_by()
    )
    today = timezone.localdate()
    # One join whose condition holds "verified and unexpired" for the same certificate
    # (two chained filters on a multi-valued relation would join twice and count a
    # kind whose only certificate is expired, as long as another one is verified).
    certifications = dict(
        _apply(base, filters, skip="certification")
        .annotate(
            valid_certification=FilteredRelation(
                "business__certifications",
                condition=Q(business__certifications__verified_at__isnull=False)
                & (
                    Q(business__certifications__expires_on__isnull=True)
                    | Q(business__certifications__expires_on__gte=today)
                ),
            )
        )
        .filter(valid_certification__kind__isnull=False)
        .values_list("valid_certification__kind")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    result = {"category": categories, "province": provinces, "certification": certifications}
    if cache_key:
        cache.set(cache_key, result, FACET_CACHE_SECONDS)
    return result


def top_categories():
    """Top-level categories with their subcategories (two queries)."""
    return list(
        Category.objects.filter(parent__isnull=True)
        .prefetch_related(
            Prefetch("children", queryset=Category.objects.order_by("position", "name_en"))
        )
        .order_by("position", "name_en")
    )


def current_rate() -> Decimal | None:
    rate = cache.get(RATE_CACHE_KEY)
    if rate is None:
        latest = ExchangeRate.objects.filter(valid_from__lte=timezone.now()).first()
        rate = latest.idr_per_usd if latest else Decimal(0)
        cache.set(RATE_CACHE_KEY, rate, RATE_CACHE_SECONDS)
    return rate or None


def current_rate_forget() -> None:
    """Drop the cached rate, so a rate staff just entered is used at once."""
    cache.delete(RATE_CACHE_KEY)


def related_products(product: Product, *, limit: int = 4):
    return (
        public_products()
        .filter(category=product.category)
        .exclude(pk=product.pk)
        .select_related("business", "category")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"))
        )
        .order_by("-listed_at")[:limit]
    )


@dataclass(frozen=True)
class SupplierStats:
    inquiries: int
    response_rate: int | None  # percent of inquiries answered
    median_reply_hours: float | None


def supplier_stats(business: Business) -> SupplierStats:
    """Response rate and median first-reply time from real inquiries (not spam)."""
    from .models import Inquiry

    rows = list(
        Inquiry.objects.filter(business=business, quote__isnull=True)  # quotes answer at once
        .exclude(status=Inquiry.Status.SPAM)
        .values_list("created_at", "first_reply_at")
    )
    if not rows:
        return SupplierStats(0, None, None)
    replies = sorted(
        (reply - created).total_seconds() / 3600 for created, reply in rows if reply is not None
    )
    median = None
    if replies:
        mid = len(replies) // 2
        median = replies[mid] if len(replies) % 2 else (replies[mid - 1] + replies[mid]) / 2
    return SupplierStats(len(rows), round(100 * len(replies) / len(rows)), median)


# Staff work queues -------------------------------------------------------------------


def inquiries_unanswered(*, now=None):
    """Inquiries to active businesses without any supplier reply for 48 hours (the
    threshold of the reminder job), the oldest first. Spam and closed threads are out."""
    now = now or timezone.now()
    return (
        Inquiry.objects.filter(
            status=Inquiry.Status.OPEN,
            first_reply_at__isnull=True,
            created_at__lte=now - REMIND_UNANSWERED_AFTER,
            business__is_active=True,
        )
        .select_related("business", "buyer__buyer_profile", "product")
        .order_by("created_at", "pk")
    )


def inquiries_marked_spam():
    """Threads staff marked as spam, the most recent first (a wrong call is most
    likely to be noticed and undone soon after)."""
    return (
        Inquiry.objects.filter(status=Inquiry.Status.SPAM)
        .select_related("business", "buyer__buyer_profile")
        .order_by("-last_message_at", "-pk")
    )


def staff_reminders(inquiries) -> dict:
    """When staff reminded the owner of each of these inquiries: {pk: datetime}, in
    one query (none for an empty list)."""
    keys = {STAFF_REMINDER_KEY.format(pk=inquiry.pk): inquiry.pk for inquiry in inquiries}
    if not keys:
        return {}
    sent = Notification.objects.filter(
        recipient_id__in={inquiry.business.owner_id for inquiry in inquiries},
        dedupe_key__in=keys,
    ).values_list("dedupe_key", "created_at")
    return {keys[key]: created_at for key, created_at in sent}


# Who sees which inquiry thread and buying request ------------------------------------


def inquiries_visible_to(user) -> QuerySet[Inquiry]:
    """Threads ``user`` may open; anything else answers 404. The buyer: their own,
    spam included (they are not told). The owner: their business's, the mentor: their
    mentees' (as advisor), both without spam. Staff: all (moderation)."""
    if not user.is_authenticated:
        return Inquiry.objects.none()
    if user.is_staff:
        return Inquiry.objects.all()
    if user.is_buyer:
        return Inquiry.objects.filter(buyer=user)
    if user.is_owner:
        return Inquiry.objects.filter(business__owner=user).visible()
    if user.is_approved_mentor:
        return Inquiry.objects.filter(business__in=businesses_mentored_by(user)).visible()
    return Inquiry.objects.none()


# The status a buyer sees on a thread marked as spam, as SQL (the Python side:
# ``services.inquiry_status_for``): closed once an outcome is final, else replied once
# the supplier answered, else open.
_FINAL = Q(outcome__in=FINAL_OUTCOMES)
SHOWN_FOR_SPAM = {
    Inquiry.Status.OPEN: Q(first_reply_at__isnull=True) & ~_FINAL,
    Inquiry.Status.REPLIED: Q(first_reply_at__isnull=False) & ~_FINAL,
    Inquiry.Status.CLOSED: _FINAL,
}


def inbox_for(user, *, status: str = "") -> QuerySet[Inquiry]:
    """The inbox of ``user``, optionally only threads shown with ``status``. Staff see
    spam only when they filter for it; a buyer never learns about spam, so their spam
    threads are filtered by the status they are shown."""
    queryset = inquiries_visible_to(user)
    if user.is_authenticated and user.is_staff:
        return queryset.filter(status=status) if status else queryset.visible()
    if status and user.is_authenticated and user.is_buyer:
        shown = SHOWN_FOR_SPAM.get(status, Q(pk__in=[]))
        return queryset.filter(Q(status=status) | (Q(status=Inquiry.Status.SPAM) & shown))
    return queryset.filter(status=status) if status else queryset


def thread_messages(inquiry: Inquiry, role: str | None) -> QuerySet[InquiryMessage]:
    """The messages of a thread its reader (in ``role``) sees: the buyer never sees
    advisory messages; everyone else who may read the thread sees all."""
    queryset = inquiry.messages.select_related("author")
    if role == InquiryMessage.Role.BUYER:
        queryset = queryset.exclude(author_role=InquiryMessage.Role.ADVISOR)
    return queryset


def business_category_ids(business: Business) -> set[int]:
    """Categories a business's listed products are in, and their parents (a request in
    a top category reaches products in its subcategories)."""
    ids = set()
    for category_id, parent_id in (
        Product.objects.listed()
        .filter(business=business)
        .values_list("category_id", "category__parent_id")
        .distinct()
    ):
        ids.add(category_id)
        if parent_id:
            ids.add(parent_id)
    return ids


def buying_requests_visible_to(user) -> QuerySet[BuyingRequest]:
    """Requests ``user`` may open: the buyer's own, those matching an owner's listed
    products (or already quoted by their business), all for staff."""
    if not user.is_authenticated:
        return BuyingRequest.objects.none()
    if user.is_staff:
        return BuyingRequest.objects.all()
    if user.is_buyer:
        return BuyingRequest.objects.filter(buyer=user)
    business = Business.objects.filter(owner=user).first() if user.is_owner else None
    if business is None or not business.is_active:
        return BuyingRequest.objects.none()
    quoted = Quote.objects.filter(request=OuterRef("pk"), business=business)
    return BuyingRequest.objects.filter(
        Q(category_id__in=business_category_ids(business)) | Q(Exists(quoted))
    )


# The deal pipeline of a thread ------------------------------------------------------


def quotations_visible_to(user) -> QuerySet[Quotation]:
    """Quotations (and their proforma invoices) of the threads ``user`` may open: the
    buyer, the owner, the business's active mentors (read-only) and staff. Anything else
    answers 404, hidden and missing alike."""
    return Quotation.objects.filter(inquiry__in=inquiries_visible_to(user))


def deal_of(inquiry: Inquiry) -> dict:
    """The pipeline of a thread for its page and the API: samples and quotations with
    their lines, in three queries."""
    quotations = list(inquiry.quotations.prefetch_related("lines").order_by("round"))
    return {
        "samples": list(SampleRequest.objects.filter(inquiry=inquiry).order_by("created_at")),
        "quotations": quotations,
        "last": quotations[-1] if quotations else None,
        "accepted": next((q for q in quotations if q.status == Quotation.Status.ACCEPTED), None),
    }
