"""The public catalogue (only listed products of active businesses, ever), and who
sees which inquiry thread and buying request (the web, the API and the admin ask here)."""

import difflib
import hashlib
import re
from dataclasses import dataclass, fields, replace
from datetime import timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from core import cache_versions, request_memo
from core.cache_versions import CATALOGUE, version
from mentoring.models import TrainingSession
from mentoring.readiness.selectors import export_ready_q
from mentoring.selectors import businesses_mentored_by
from notifications.models import Notification
from umkm.facet_counts import kind_bit
from umkm.models import (
    Business,
    CatalogueFacetCount,
    CatalogueSearchRow,
    Category,
    Certification,
    Product,
    ProductImage,
)

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
# What is keyed on the catalogue version (a listing change retires it at once) is kept
# this long otherwise.
VERSIONED_CACHE_SECONDS = 24 * 3600
FACET_VERSIONED_SECONDS = 600  # as core.pagination.COUNT_CACHE_SECONDS
RATE_CACHE_KEY = "marketplace:idr_per_usd"
RATE_CACHE_SECONDS = 300
# The time a supplier has to answer an inquiry: past it, an unanswered inquiry counts
# against the public response rate, the hourly job reminds the supplier, then staff once
# (``marketplace.services``, which imports these; selectors never import services).
REPLY_WINDOW = timedelta(hours=48)
REMIND_UNANSWERED_AFTER = REPLY_WINDOW
# The public response figures appear once this many inquiries are past the window.
MIN_INQUIRIES_FOR_FIGURES = 3
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
    """Certificates buyers see and filter on: verified and not expired (the rule's home is
    ``CertificationQuerySet.valid``)."""
    return Certification.objects.valid(on=today)


def _search(queryset, q: str):
    """PostgreSQL: full-text in both languages over the search rows' stored, indexed
    words (``_hits``), ranked; when no listed product has the words, each word is
    replaced by its closest catalogue words (``_corrections``), still by full text.
    SQLite: every word must appear in ``search_text``; when no listed product has them,
    the closest catalogue words instead, as on PostgreSQL (not ranked).

    Returns the queryset and whether it carries a ``rank`` annotation."""
    words = q.lower().split()
    if not words:
        return queryset, False
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramWordSimilarity

        hits = _full_text(q)
        if hits is not None:
            # A bounded candidate set (the first SEARCH_CANDIDATES matches) keeps a
            # common word as cheap at a million products as at a thousand; the hits
            # are already in the search's order (ranked by ``_hits``, the newest
            # listing, the newest row), so a product's rank is its place among them,
            # negated (the first is the highest), and no words are read again.
            # The ids go as one array parameter: 1,000 placeholders would cost more to
            # build and send than the index lookups they ask for.
            candidates = RawSQL("SELECT unnest(%s::bigint[])", [hits.pks])
            place = Func(
                RawSQL("%s::bigint[]", [hits.pks]),
                F("pk"),
                template="-array_position(%(expressions)s)",
                output_field=IntegerField(),
            )
            queryset = queryset.filter(pk__in=candidates).annotate(rank=place)
        else:
            # No dictionary of catalogue words yet: trigram similarity over the whole
            # text instead (correct, but it scores each candidate row by row).
            term = q.lower()
            queryset = queryset.filter(search_text__trigram_word_similar=term).annotate(
                rank=TrigramWordSimilarity(term, "search_text")
            )
        return queryset, True
    exact = Q()
    for word in words:
        exact &= Q(search_text__contains=word)
    if _finds(queryset, q, exact):
        return queryset.filter(exact), False
    corrections = _corrections(_words(q)) or {}
    either_of_each = Q()
    for word in _words(q):
        either = Q()
        for candidate in _close_words(word, corrections):
            either |= Q(search_text__contains=candidate)
        either_of_each &= either
    return queryset.filter(either_of_each), False


def _full_text(q: str):
    """PostgreSQL: what the full-text query of ``q`` (corrected when its words are
    nowhere) finds among the listed products (``SearchHits``), kept for
    ``FACET_CACHE_SECONDS`` under the catalogue version, the day (the hits carry the
    certificates valid on the facets' day, which the daily rebuild moves), the hits'
    format and the words themselves, so that the page's rows, its total, its facets and
    its suggestion each ask with one cache read; None when there is no dictionary of
    catalogue words to correct it with."""
    where = repr((version(CATALOGUE), timezone.localdate(), SEARCH_CANDIDATES, _HITS_FORMAT, q))
    key = "search-hits:" + hashlib.sha256(where.encode()).hexdigest()
    # Once per request even when the cache cannot keep them (Redis down).
    return request_memo.remember(key, lambda: _kept_full_text(q, key))


def _kept_full_text(q: str, key: str):
    """``_full_text`` from the cache under ``key``, else looked up and kept there."""
    hits = cache.get(key)
    # Corrected hits only while their correction can still be made (the dictionary of
    # words emptied since: look again).
    if hits is not None and (not hits.corrected or _corrected_query(q) is not None):
        return hits
    hits = _hits(_typed_query(q))
    if not hits.pks:
        # Typo tolerance only when the words themselves are nowhere: each word is
        # replaced by the closest words of the catalogue, then searched as usual.
        query = _corrected_query(q)
        if query is None:
            return None
        hits = replace(_hits(query), corrected=True)
    cache.set(key, hits, FACET_CACHE_SECONDS)
    return hits


def _typed_query(q: str):
    """PostgreSQL: the full-text query of the words as typed."""
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(q, config="simple", search_type="websearch")


def _words(q: str) -> list[str]:
    """The words of a search, lower case, each once, in order (punctuation dropped)."""
    return list(dict.fromkeys(re.findall(r"[^\W_]+", q.lower())))


def _close_words(word: str, corrections: dict) -> list[str]:
    """What ``word`` may stand for: itself when the catalogue knows it (not a typo),
    else its closest catalogue words, else itself (it then matches nothing)."""
    close = corrections.get(word, [])
    return [word] if word in close else close or [word]


def _finds(queryset, q: str, condition) -> bool:
    """SQLite: whether ``condition`` (the typed words) matches anything in ``queryset``
    (cached briefly and per catalogue version, so that the page, its facets and its
    suggestion ask once and a new listing is found at once). PostgreSQL asks its
    ``SearchHits`` instead."""
    where = f"{version(CATALOGUE)}|{queryset.query}|{q}"
    key = "search-finds:" + hashlib.sha256(where.encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = queryset.filter(condition).exists()
        cache.set(key, found, FACET_CACHE_SECONDS)
    return found


# What a product of a search counts under in the facets: its category, that category's
# parent, its business's province and the kinds of its business's valid certificates.
FACET_KEY = ("category__slug", "category__parent__slug", "business__province", "kinds")
# The same key as a search's hits read it: the place and the kinds from the row itself
# (``facet_province``/``facet_cert_mask`` of the product, copied to its search row, kept
# by the facet triggers), not from its business and certificates, which cost a lookup of
# each per hit.
HITS_FACET_KEY = ("category__slug", "category__parent__slug", "facet_province", "facet_cert_mask")


@dataclass(frozen=True)
class SearchHits:
    """What a full-text query finds: the primary keys of at most
    ``SEARCH_CANDIDATES`` listed products it matches (the most relevant of the first
    matches in the table's order, the same ones every time), most relevant first (as
    ``catalogue`` orders a search: rank, then the newest listing, then the newest row),
    how many of them fall under each ``HITS_FACET_KEY`` (for the facet counts of a search
    without filters), whether the query matches more products than these and whether
    it is the corrected one (the typed words found nothing)."""

    pks: list[int]
    facet_keys: dict[tuple, int]
    more: bool = False  # the query matches more products than these
    corrected: bool = False


# The hits of ``{found}`` (SQL the ORM compiled, values as parameters) in the order of a
# search, with their facet key ``{key}`` (quoted column names).
_SORTED_HITS = (
    "SELECT pk, {key} FROM ({found}) AS found "
    "ORDER BY rank DESC, listed_at DESC NULLS FIRST, pk DESC"
)


def _hits(query) -> SearchHits:
    """The ``SearchHits`` of ``query`` in one query, which ranks each match as it finds
    it: the page's rows, its total and its facet counts then read those products by
    primary key, or nothing at all, instead of each searching again, and all of them
    agree on the same set.

    The first ``SEARCH_CANDIDATES`` + 1 matches the scan meets are sorted by PostgreSQL,
    as ``catalogue`` orders a search (rank, the newest listing with a NULL first, the
    newest row), and only their ids and facet keys come back: a thousand ranks and
    listing times converted to Python and sorted there cost as much as the scan. The
    facet keys are the rows' own (``HITS_FACET_KEY``): a business and its certificates
    looked up for each hit took as long as the scan itself at a million products. The
    scan reads ``CatalogueSearchRow``, the search's half-width copy of the listed
    products: at a million, reading the product rows' pages was most of its time."""
    from django.contrib.postgres.search import SearchRank

    found = (
        CatalogueSearchRow.objects.listed()
        .filter(search_vector=query)
        .order_by()
        .annotate(rank=SearchRank(F("search_vector"), query))
        .values_list("pk", "rank", "listed_at", *HITS_FACET_KEY)[: SEARCH_CANDIDATES + 1]
    )
    sql, params = found.query.sql_with_params()
    key = ", ".join(connection.ops.quote_name(name) for name in HITS_FACET_KEY)
    with transaction.atomic(), connection.cursor() as cursor:
        # A sequential scan of a table larger than a quarter of shared_buffers starts
        # where another scan of it is or stopped (synchronized scans): the "first"
        # matches would be another thousand each time the hits are looked up, so two
        # buyers minutes apart would see different products and counts. From the
        # table's first page they are the same every time (and those pages stay warm).
        cursor.execute("SET LOCAL synchronize_seqscans = off")
        cursor.execute(_SORTED_HITS.format(key=key, found=sql), params)
        rows = cursor.fetchall()
    more = len(rows) > SEARCH_CANDIDATES  # one row more says whether there are more
    pks, facet_keys = [], {}
    for pk, *facet_key in rows[:SEARCH_CANDIDATES]:
        pks.append(pk)
        facet_keys[tuple(facet_key)] = facet_keys.get(tuple(facet_key), 0) + 1
    return SearchHits(pks, facet_keys, more=more)


# What the kept hits were made of: a deploy that changes their fields, their facet key
# or the certificate kinds (whose order gives their bits) keeps them under another key.
_HITS_FORMAT = (
    tuple(field.name for field in fields(SearchHits)),
    HITS_FACET_KEY,
    tuple(Certification.Kind.values),
)


CORRECTIONS_PER_WORD = 3
# PostgreSQL: a search lists (ranks, counts, facets) at most this many matching products.
SEARCH_CANDIDATES = 1000
# SQLite: how alike a catalogue word must be to count as what was meant (difflib's
# ratio; "cofee"/"coffee" 0.91, "ratan"/"rattan" 0.91, "kopi"/"kapi" 0.75).
SQLITE_CLOSENESS = 0.75
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


def _sqlite_vocabulary() -> list[str]:
    """SQLite (the embedded default, a small catalogue): every word of the listed
    products' search text, read once per catalogue version (a listing change brings a
    new version, so a new word is known at once)."""
    key = f"catalogue-words:{version(CATALOGUE)}"
    vocabulary = cache.get(key)
    if vocabulary is None:
        found = set()
        for text in public_products().values_list("search_text", flat=True).iterator():
            found.update(re.findall(r"[^\W_]+", text))
        vocabulary = sorted(found)
        cache.set(
            key, vocabulary, VERSIONED_CACHE_SECONDS if version(CATALOGUE) else FACET_CACHE_SECONDS
        )
    return vocabulary


def _corrections(words: list[str]) -> dict[str, list[str]] | bool:
    """The closest catalogue words of each of ``words``, the closest first, at most
    ``CORRECTIONS_PER_WORD`` each (a word known to the catalogue is its own closest);
    ``False`` while there is no dictionary of catalogue words yet. PostgreSQL: one
    query on the trigram index of ``umkm_catalogueword``; SQLite: ``difflib`` over the
    catalogue's words. Cached briefly, so that the page and its facets ask once."""
    if not words:
        return {}
    key = "search-words:" + hashlib.sha256(f"{version(CATALOGUE)}|{words}".encode()).hexdigest()
    corrections = cache.get(key)
    if corrections is not None:
        return corrections
    corrections = {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(CORRECTIONS_SQL, [words, CORRECTIONS_PER_WORD])
            for typed, close in cursor.fetchall():
                corrections.setdefault(typed, []).append(close)
            if not corrections:
                cursor.execute("SELECT EXISTS (SELECT 1 FROM umkm_catalogueword)")
                [(filled,)] = cursor.fetchall()
                corrections = corrections if filled else False
    else:
        vocabulary = _sqlite_vocabulary()
        known = set(vocabulary)
        for word in words:
            close = [word] if word in known else []
            close += difflib.get_close_matches(
                word, vocabulary, n=CORRECTIONS_PER_WORD, cutoff=SQLITE_CLOSENESS
            )
            if close:
                corrections[word] = list(dict.fromkeys(close))[:CORRECTIONS_PER_WORD]
    cache.set(key, corrections, FACET_CACHE_SECONDS)
    return corrections


def _corrected_query(q: str):
    """A full-text query in which each word of ``q`` may be any of its closest words in
    the catalogue (``ratan`` → ``rattan``); a word found nowhere nor near matches
    nothing. ``None`` while the dictionary of catalogue words is empty."""
    from django.contrib.postgres.search import SearchQuery

    words = _words(q)
    if not words:
        return SearchQuery(q, config="simple", search_type="websearch")
    corrections = _corrections(words)
    if corrections is False:
        return None
    query = None
    for word in words:
        either = None
        for candidate in _close_words(word, corrections):
            one = SearchQuery(candidate, config="simple", search_type="plain")
            either = one if either is None else either | one
        query = either if query is None else query & either
    return query


def spelling_suggestion(q: str) -> str:
    """ "Did you mean …": the search with each unknown word replaced by its closest
    catalogue word, when the typed words find nothing and a correction exists; else "".
    Both answers are the ones ``_search`` already asked for (cached), so no query."""
    words = _words(q)
    if not words:
        return ""
    if connection.vendor == "postgresql":
        hits = _full_text(q)
        if hits is None or not hits.corrected:
            return ""
    else:
        typed = Q()
        for word in q.lower().split():
            typed &= Q(search_text__contains=word)
        if _finds(public_products(), q, typed):
            return ""
    corrections = _corrections(words) or {}
    suggested = [_close_words(word, corrections)[0] for word in words]
    return " ".join(suggested) if suggested != words else ""


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


# The filters whose facet ignores its own choice (so the other choices stay visible):
# the category, the place (province and city together) and the certification.
FACETS = ("category", "province", "certification")


def _facet_conditions(filters: Filters) -> dict:
    """The condition of each of ``FACETS`` that ``filters`` set: filtered on by
    ``_apply``, and read as a yes/no column by ``facet_counts``."""
    conditions = {}
    if filters.category:
        conditions["category"] = Q(category__slug=filters.category) | Q(
            category__parent__slug=filters.category
        )
    place = Q()
    if filters.province:
        place &= Q(business__province=filters.province)
    if filters.city:
        place &= Q(business__city=filters.city)
    if place:
        conditions["province"] = place
    if filters.certification:
        conditions["certification"] = Q(
            Exists(
                valid_certifications().filter(
                    business=OuterRef("business"), kind=filters.certification
                )
            )
        )
    return conditions


def _apply(queryset, filters: Filters, *, skip=()):
    """``queryset`` with every filter of ``filters`` but those of the facets ``skip``."""
    for name, condition in _facet_conditions(filters).items():
        if name not in skip:
            queryset = queryset.filter(condition)
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


# Filters the maintained aggregate (``CatalogueFacetCount``) can answer: about the
# business or the category, not the product's own terms or words.
AGGREGATE_FILTERS = {"category", "province", "city", "certification", "verified"}
_PRODUCT_FILTERS = ("q", "moq_max", "price_min", "price_max", "lead_time_max")


def _from_aggregate(filters: Filters) -> bool:
    """Whether the totals and facet counts of ``filters`` come from the aggregate
    (PostgreSQL, where triggers keep it) rather than from the products."""
    if connection.vendor != "postgresql":
        return False
    if any(getattr(filters, name) not in ("", None) for name in _PRODUCT_FILTERS):
        return False
    return not (filters.sample or filters.export_ready)


def _aggregate(filters: Filters, *, skip: str = ""):
    """Rows of ``CatalogueFacetCount`` (category, place, verified, certification mask, n;
    active businesses only) that match ``filters`` (except the facet ``skip``): the
    conditions of ``_facet_conditions`` and ``verified``, on the aggregate's columns (a
    table of a few thousand rows)."""
    queryset = CatalogueFacetCount.objects.all()
    if filters.category and skip != "category":
        queryset = queryset.filter(
            Q(category__slug=filters.category) | Q(category__parent__slug=filters.category)
        )
    if filters.province and skip != "province":
        queryset = queryset.filter(province=filters.province)
    if filters.city and skip != "province":
        queryset = queryset.filter(city=filters.city)
    if filters.certification and skip != "certification":
        if filters.certification not in Certification.Kind.values:
            return queryset.none()
        queryset = queryset.alias(
            kind_bit=F("cert_mask").bitand(kind_bit(filters.certification))
        ).filter(kind_bit__gt=0)
    if filters.verified:
        queryset = queryset.filter(verified=True)
    return queryset


def catalogue_total(filters: Filters) -> int | None:
    """The number of products ``filters`` list, from the aggregate when it can answer
    (one sum over at most a few thousand rows); ``None`` when the products must be
    counted."""
    if _only_searched(filters):
        # A search with no filter lists all its candidates (kept from the lookup).
        hits = _full_text(filters.q)
        return len(hits.pks) if hits is not None else None
    if not _from_aggregate(filters):
        return None
    return _aggregate(filters).aggregate(total=Sum("n"))["total"] or 0


def catalogue_page_ids(filters: Filters, start: int, stop: int | None) -> list[int] | None:
    """The ids of rows ``start``…``stop`` (None: to the end) of ``catalogue(filters)``
    when they are known without a query: a search without filters, in order of
    relevance, is its hits in their order. None otherwise (the paginator then reads
    them from the query)."""
    if filters.sort != "relevance" or not _only_searched(filters):
        return None
    hits = _full_text(filters.q)
    return hits.pks[start:stop] if hits is not None else None


def search_limit(q: str) -> int | None:
    """``SEARCH_CANDIDATES`` when the words of ``q`` match more listed products than a
    search lists (its hits stop there, and the page says so); else None. PostgreSQL
    only (SQLite lists every match). No query: the hits are the page's own, cached."""
    if connection.vendor != "postgresql" or not q.split():
        return None
    hits = _full_text(q)
    return SEARCH_CANDIDATES if hits is not None and hits.more else None


def _only_searched(filters: Filters) -> bool:
    return (
        connection.vendor == "postgresql"
        and bool(filters.q.split())
        and replace(filters, q="", sort="") == Filters(sort="")
    )


def _aggregate_facet_rows(filters: Filters) -> list[tuple]:
    """The facet rows (as ``_facet_rows``) from the aggregate: three grouped queries over
    its rows, each for the one facet whose filter it leaves out."""
    rows = [
        (slug, parent_slug, None, 0, {"province", "certification"}, n)
        for slug, parent_slug, n in _aggregate(filters, skip="category")
        .values_list("category__slug", "category__parent__slug")
        .annotate(n=Sum("n"))
        .order_by()
    ]
    rows += [
        (None, None, province, 0, {"category", "certification"}, n)
        for province, n in _aggregate(filters, skip="province")
        .values_list("province")
        .annotate(n=Sum("n"))
        .order_by()
    ]
    rows += [
        (None, None, None, mask, {"category", "province"}, n)
        for mask, n in _aggregate(filters, skip="certification")
        .values_list("cert_mask")
        .annotate(n=Sum("n"))
        .order_by()
    ]
    return rows


def _certification_kinds():
    """The kinds of the valid certificates of a product's business, as the sum of their
    distinct ``kind_bit`` (the mask ``CatalogueFacetCount.cert_mask`` holds); NULL when
    it holds none."""
    bit = Case(
        *[When(kind=kind, then=Value(kind_bit(kind))) for kind in Certification.Kind.values],
        default=Value(0),
    )
    return Subquery(
        valid_certifications()
        .filter(business=OuterRef("business"))
        .order_by()
        .values("business")
        .annotate(mask=Sum(bit, distinct=True))
        .values("mask")
    )


def _facet_rows(filters: Filters) -> list[tuple]:
    """The products ``filters`` list when each of ``FACETS`` is left out, in one grouped
    query: (``FACET_KEY``…, the names of the facets whose own filter they meet, n)."""
    base, _ranked = _search(public_products(), filters.q)
    meets = {
        f"meets_{name}": ExpressionWrapper(condition, output_field=BooleanField())
        for name, condition in _facet_conditions(filters).items()
    }
    rows = (
        _apply(base, filters, skip=FACETS)
        .annotate(**meets, kinds=Coalesce(_certification_kinds(), 0))
        .values(*FACET_KEY, *meets)
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        (
            *(row[name] for name in FACET_KEY),
            {name for name in FACETS if row.get(f"meets_{name}", True)},
            row["n"],
        )
        for row in rows
    ]


def facet_counts(filters: Filters, *, cache_key: str = "") -> dict:
    """Counts per filter value, each ignoring its own filter (so choices stay visible).

    From the maintained aggregate when it can answer (``_aggregate_facet_rows``); for a
    search without filters, from its hits (``SearchHits``, no query of its own); else
    from one grouped query over the products. Cached under ``cache_key``, which carries
    the catalogue version (a listing change recounts at once), for
    ``FACET_VERSIONED_SECONDS`` (other changes: a certificate verified, a business
    deactivated).
    """
    if cache_key:
        cached = cache.get(cache_key)
        if cached is not None:
            return cached
    hits = _full_text(filters.q) if _only_searched(filters) else None
    if hits is not None:
        # A search without filters: its hits' facet keys, kept from its lookup.
        rows = [(*facet_key, set(FACETS), n) for facet_key, n in hits.facet_keys.items()]
    elif _from_aggregate(filters):
        rows = _aggregate_facet_rows(filters)
    else:
        rows = _facet_rows(filters)
    # Each facet adds up the products that meet the filters of the other two. A product
    # counts for its own category and, when that is a subcategory, for the parent too
    # (the filter includes subcategories); for each kind whose bit its certificate mask
    # has (a business with two valid certificates of a kind has the bit once).
    bits = [(kind, kind_bit(kind)) for kind in Certification.Kind.values]
    categories: dict[str, int] = {}
    provinces: dict[str, int] = {}
    certifications: dict[str, int] = {}
    for slug, parent_slug, province, kinds, met, n in rows:
        if met >= {"province", "certification"}:
            for key in (slug, parent_slug):
                if key:
                    categories[key] = categories.get(key, 0) + n
        if met >= {"category", "certification"}:
            provinces[province] = provinces.get(province, 0) + n
        if met >= {"category", "province"}:
            for kind, bit in bits:
                if kinds & bit:
                    certifications[kind] = certifications.get(kind, 0) + n
    result = {"category": categories, "province": provinces, "certification": certifications}
    if cache_key:
        cache.set(cache_key, result, FACET_VERSIONED_SECONDS)
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
    """A supplier's public response figures (``supplier_stats``). Stable shape: pages,
    the API and the supplier profile read these names."""

    inquiries: int  # inquiries counted: past the reply window, not spam, not quote threads
    response_rate: int | None  # percent answered within the window; None until enough
    median_reply_hours: float | None  # median first reply of those answered; None until enough
    window_hours: int = int(REPLY_WINDOW.total_seconds() // 3600)
    minimum: int = MIN_INQUIRIES_FOR_FIGURES

    @property
    def shown(self) -> bool:
        """Enough inquiries are past the reply window for the figures to mean something."""
        return self.inquiries >= self.minimum


def supplier_stats(business: Business, *, now=None) -> SupplierStats:
    """Response rate and median first-reply time from real inquiries (not spam, not the
    threads a quote opened), counting only those older than ``REPLY_WINDOW``: a supplier
    is not judged on an inquiry still inside the time it has to answer. The rate is the
    share of them answered within the window. Both figures stay None until at least
    ``MIN_INQUIRIES_FOR_FIGURES`` inquiries count. The one source of these figures for
    every page and the API."""
    from .models import Inquiry

    now = now or timezone.now()
    rows = list(
        Inquiry.objects.filter(
            business=business,
            quote__isnull=True,  # quotes answer at once
            created_at__lte=now - REPLY_WINDOW,
        )
        .exclude(status=Inquiry.Status.SPAM)
        .values_list("created_at", "first_reply_at")
    )
    if len(rows) < MIN_INQUIRIES_FOR_FIGURES:
        return SupplierStats(len(rows), None, None)
    delays = [reply - created for created, reply in rows if reply is not None]
    in_time = sum(delay <= REPLY_WINDOW for delay in delays)
    hours = sorted(delay.total_seconds() / 3600 for delay in delays)
    median = None
    if hours:
        mid = len(hours) // 2
        median = hours[mid] if len(hours) % 2 else (hours[mid - 1] + hours[mid]) / 2
    return SupplierStats(len(rows), round(100 * in_time / len(rows)), median)


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


# Home page ---------------------------------------------------------------------------

HOME_CACHE_SECONDS = 600  # and a new catalogue version (any listing change) at once
FEATURED_PRODUCTS = 8


def _home_key(name: str) -> str:
    return f"home:{name}:{cache_versions.version(cache_versions.CATALOGUE)}"


def featured_products(*, limit: int = FEATURED_PRODUCTS) -> list[Product]:
    """The newest listed products that have a photo, verified suppliers first (two
    queries: the products, then their photos)."""
    with_photo = Exists(ProductImage.objects.filter(product=OuterRef("pk")))
    return list(
        public_products()
        .filter(with_photo)
        .select_related("business", "category")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"))
        )
        .order_by(F("business__verified_at").desc(nulls_last=True), "-listed_at", "-id")[:limit]
    )


def home_categories() -> list[tuple[Category, int]]:
    """Top-level categories with how many listed products each holds (its own and its
    subcategories'), largest first; empty ones left out. Two grouped queries, cached
    on the catalogue version."""
    key = _home_key("categories")
    cached = cache.get(key)
    if cached is None:
        counts = {}
        rows = (
            public_products()
            .values("category__parent_id", "category_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            top = row["category__parent_id"] or row["category_id"]
            counts[top] = counts.get(top, 0) + row["n"]
        tops = Category.objects.filter(parent__isnull=True, pk__in=counts).order_by(
            "position", "name_en"
        )
        cached = sorted(((top, counts[top.pk]) for top in tops), key=lambda pair: -pair[1])
        cache.set(key, cached, HOME_CACHE_SECONDS)
    return cached


def programme_figures() -> dict[str, int]:
    """The live figures of the home page: four queries, cached on the catalogue version
    (and for ten minutes, for the mentors and trainings that do not change it)."""
    key = _home_key("figures")
    figures = cache.get(key)
    if figures is None:
        suppliers = public_businesses().aggregate(
            total=Count("pk"), verified=Count("pk", filter=Q(verified_at__isnull=False))
        )
        now = timezone.now()
        figures = {
            "products": public_products().count(),
            "suppliers": suppliers["total"],
            "verified": suppliers["verified"],
            "mentors": User.objects.approved_mentors().count(),
            "trainings": TrainingSession.objects.filter(
                Q(status=TrainingSession.Status.DONE)
                | Q(status=TrainingSession.Status.PUBLISHED, ends_at__lt=now)
            ).count(),
        }
        cache.set(key, figures, HOME_CACHE_SECONDS)
    return figures


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
