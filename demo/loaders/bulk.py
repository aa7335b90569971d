"""Scale mode (``seed_demo --products N``): benchmark rows in proportion to N.

A benchmark on N products meets a proportionate site: one business per 40 products,
one mentor per ten businesses, one training per two mentors, one inquiry per 20
products and one buyer per ten inquiries. The product names come from the demo's own
product lines (``products.csv``) with the variants of ``bulk.yaml``. These are plain
bulk writes, not the services (a million products take seconds, not hours): no workflow
and no notifications (nobody is emailed about benchmark rows). Every function is
idempotent for the same N and adds only the difference for a larger one.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import FileField
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from marketplace.models import BuyerProfile, Inquiry, InquiryMessage
from mentoring.models import MentoringLog, MentorProfile, Mentorship, Registration, TrainingSession
from umkm import facet_counts, search_rows, services
from umkm.models import Business, Category, Certification, Product, normalise_hs_code

from .accounts import DEMO_STAFF_EMAIL, demo_password_hash, demo_user
from .files import read_yaml
from .mentoring import _link
from .umkm import BULK_SLUG_PREFIX, bulk_products, product_lines, seed_categories

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


# --------------------------------------------------------------------------- products


def seed_bulk_products(n: int, *, alongside: Alongside | None = None) -> int:
    """Make sure ``n`` benchmark products exist: plain listed products, no photos.

    Spread over the active businesses (matching their sector where possible) and the
    leaf categories. Each product is a function of its number and of the active
    businesses (``BulkProducts``). On PostgreSQL the server makes the rows itself
    (``INSERT … SELECT`` from ``generate_series``: a million in about 8 s), on SQLite
    they are inserted in batches. A large load leaves the search words' index to
    ``alongside`` when given (built on a second connection while the caller goes on),
    else builds it before returning.
    Returns how many were added (0 when ``n`` already exist).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # (An index a seed stopped before it was built is built now.)
            cursor.execute(search_rows.INDEX)
    missing = n - bulk_products().count()
    if missing <= 0:
        return 0
    seed_categories()
    last = bulk_products().order_by("-slug").values_list("slug", flat=True).first()
    start = int(last[len(BULK_SLUG_PREFIX) : len(BULK_SLUG_PREFIX) + 7]) if last else 0
    plan = BulkProducts.make()
    numbers = range(start + 1, start + missing + 1)
    with transaction.atomic():
        _bulk_load(plan, numbers, alongside)
    return missing


@dataclass
class ProductLine:
    """What the benchmark products of one product line and variant share: every column
    but those ``BulkProducts.row`` works out per product, the base price, and the first
    and last parts of their search text (before and after the supplier's:
    ``services.product_search_text``)."""

    key: int
    top: str
    slug: str
    words: str
    code: str
    price_idr: int
    columns: dict

    @classmethod
    def of(cls, spec: ProductSpec, variant, category, hs_code: str, now, *, key: int):
        variant_id, variant_en = variant
        parent = category.parent
        name_id = f"{spec.name_id} {variant_id}".strip()
        name_en = f"{spec.name_en} {variant_en}".strip()
        words = services.product_own_search_words(
            Product(
                name_en=name_en,
                name_id=name_id,
                description_en=spec.description_en,
                description_id=spec.description_id,
                category=category,
            )
        )
        return cls(
            key=key,
            top=parent.slug if parent else category.slug,
            slug=slugify(f"{spec.name_en} {variant_en}")[:150],
            words=words,
            code=services.search_text_joined(hs_code),
            price_idr=spec.price_idr,
            columns={
                "category_id": category.pk,
                "name_id": name_id,
                "name_en": name_en,
                "description_id": spec.description_id,
                "description_en": spec.description_en,
                "hs_code": hs_code,
                "unit": spec.unit,
                "moq": spec.moq,
                "sample_price_usd": None,
                "capacity_per_month": spec.capacity_per_month,
                "lead_time_days": spec.lead_time_days,
                "weight_grams": spec.weight_grams,
                "size": spec.size,
                "shelf_life_days": spec.shelf_life_days,
                "status": Product.Status.LISTED,
                "is_listed": True,
                "pending_changes": {},
                "created_at": now,
                "updated_at": now,
            },
        )


# A product's draws: where in (0, 2³²) its number times each odd constant falls (two
# Weyl sequences, evenly spread and unrelated to each other), scaled to the choices.
# Whole-number arithmetic, so that Python and PostgreSQL draw exactly the same.
_SUPPLIER_DRAW = 2_654_435_761
_PRICE_DRAW = 2_246_822_519
_PRICE_STEPS = 10_000  # a price is its line's base times 0.85 to 1.25, in 10,000 steps


def _draw(number: int, constant: int, choices: int) -> int:
    return (number * constant % 2**32) * choices >> 32


def _sql_draw(constant: int, choices: str) -> str:
    return f"((mod(n * {constant}, 4294967296) * {choices}) >> 32)"


def _price(base: int, step: int) -> int:
    """The line's base price times 0.85 + 0.4 × step / 10,000, rounded half up."""
    return (base * (85_000 + 4 * step) + 50_000) // 100_000


def _fob_usd(price_idr: int) -> Decimal:
    """80 % of the price at 16,300 rupiah to the dollar, in cents rounded half up, and
    at least 5 cents."""
    return Decimal(max((price_idr * 16 + 1630) // 3260, 5)).scaleb(-2)


# The same, for a row of ``BulkProducts.FROM`` (``n`` the number, ``l`` its line, ``s``
# its supplier), column by column; checked against ``BulkProducts.row`` in
# ``tests/demo/test_seed_bulk_load``.
_PRICE_SQL = (
    f"((l.price_base * (85000 + 4 * {_sql_draw(_PRICE_DRAW, _PRICE_STEPS)}) + 50000) / 100000)"
)
_ROW_SQL = {
    "business_id": "s.business_id",
    "slug": (
        "%(prefix)s || lpad(n::text, greatest(7, length(n::text)), '0') || '-' || l.slug_tail"
    ),
    "price_idr": _PRICE_SQL,
    "fob_usd": f"greatest(({_PRICE_SQL} * 16 + 1630) / 3260, 5) / 100.0",
    "sample_available": "mod(n, 3) <> 0",
    "incoterms": "(%(incoterms)s::jsonb[])[1 + mod(n, %(incoterm_sets)s)]",
    "port_of_loading": "(%(ports)s::text[])[1 + mod(n, %(port_count)s)]",
    "listed_at": "%(now)s::timestamptz - make_interval(mins => mod(n * 37, 525600)::int)",
    "search_text": (
        "concat_ws(' ', nullif(l.words, ''), nullif(s.supplier, ''), nullif(l.code, ''))"
    ),
    "facet_province": "s.province",
    "facet_cert_mask": "s.mask",
}


@dataclass
class BulkProducts:
    """What benchmark product number N is: a function of N and of the active businesses
    (in id order). Its product line and variant go round in turn; its supplier is drawn
    from the active businesses of the line's sector (all of them when none is) and its
    price around the line's base price (``_draw``); its slug, ports, incoterms, samples
    and listing time follow from N."""

    lines: list[ProductLine]
    pools: list[list[int]]  # the businesses a line's products are drawn from, by top category
    line_pool: list[int]  # by ProductLine.key: its pool
    suppliers: dict[int, str]  # by business: its part of the search text
    # By business: its key in the facets, which its products carry (on PostgreSQL the
    # product trigger would set it, and a large load switches the triggers off).
    keys: dict[int, tuple[str, int]]
    incoterm_sets: list[list[str]]
    ports: list[str]
    now: datetime

    @classmethod
    def make(cls) -> BulkProducts:
        vocabulary = bulk_vocabulary()
        terms = read_yaml("products.yaml")
        businesses = list(
            Business.objects.active().only("pk", "name", "city", "sector").order_by("pk")
        )
        if not businesses:
            raise ValueError(
                "seed_bulk_products needs active businesses; run seed_businesses first."
            )
        categories = {c.slug: c for c in Category.objects.select_related("parent")}
        specs = [ProductSpec.from_row(row) for line in product_lines().values() for row in line]
        variants = [(v["id"], v["en"]) for v in vocabulary["variants"]]
        now = timezone.now()
        # Line k is spec k mod S in variant k div S: every spec once, then each again in
        # the next variant.
        lines = [
            ProductLine.of(
                spec,
                variant,
                categories[spec.category],
                normalise_hs_code(spec.hs_code),
                now,
                key=v * len(specs) + s,
            )
            for v, variant in enumerate(variants)
            for s, spec in enumerate(specs)
        ]
        tops = list(vocabulary["sectors_by_top"])
        pools = [
            [b.pk for b in businesses if b.sector in vocabulary["sectors_by_top"][top]]
            or [b.pk for b in businesses]
            for top in tops
        ]
        return cls(
            lines=lines,
            pools=pools,
            line_pool=[tops.index(line.top) for line in lines],
            suppliers={b.pk: services.supplier_search_words(b) for b in businesses},
            keys=_business_keys(businesses),
            incoterm_sets=terms["incoterm_sets"],
            ports=terms["ports"],
            now=now,
        )

    def line(self, number: int) -> ProductLine:
        return self.lines[number % len(self.lines)]

    def row(self, number: int) -> dict:
        """Product ``number``'s own columns (its line's are ``ProductLine.columns``)."""
        line = self.line(number)
        pool = self.pools[self.line_pool[line.key]]
        business = pool[_draw(number, _SUPPLIER_DRAW, len(pool))]
        price = _price(line.price_idr, _draw(number, _PRICE_DRAW, _PRICE_STEPS))
        province, mask = self.keys[business]
        return {
            "business_id": business,
            "slug": f"{BULK_SLUG_PREFIX}{number:07d}-{line.slug}",
            "price_idr": Decimal(price),
            "fob_usd": _fob_usd(price),
            "sample_available": number % 3 != 0,
            "incoterms": self.incoterm_sets[number % len(self.incoterm_sets)],
            "port_of_loading": self.ports[number % len(self.ports)],
            "listed_at": self.now - timedelta(minutes=(number * 37) % (365 * 24 * 60)),
            "search_text": services.search_text_joined(
                line.words, self.suppliers[business], line.code
            ),
            "facet_province": province,
            "facet_cert_mask": mask,
        }

    def product(self, number: int) -> Product:
        return Product(**self.line(number).columns, **self.row(number))

    # PostgreSQL: the products of a range of numbers, made by the server from three
    # small tables written first (the lines, the pools and the suppliers).
    FROM = """
        FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS n
        JOIN seed_bulk_lines l ON l.key = mod(n, %(line_count)s)
        JOIN seed_bulk_pools p
            ON p.pool = l.pool AND p.position = {draw}
        JOIN seed_bulk_suppliers s ON s.business_id = p.business_id
    """.replace("{draw}", _sql_draw(_SUPPLIER_DRAW, "l.pool_size"))

    def write_tables(self, cursor, numbers: range) -> None:
        """The three tables ``FROM`` reads, for the products of ``numbers``; a line's
        and a supplier's words are parsed here, once (``insert_search_rows``)."""
        cursor.execute("DROP TABLE IF EXISTS seed_bulk_lines, seed_bulk_pools, seed_bulk_suppliers")
        used = {number % len(self.lines) for number in numbers[: len(self.lines)]}
        lines = [
            {
                "key": line.key,
                "pool": self.line_pool[line.key],
                "pool_size": len(self.pools[self.line_pool[line.key]]),
                "price_base": line.price_idr,
                "slug_tail": line.slug,
                "words": line.words,
                "code": line.code,
                "used": line.key in used,
                "columns": line.columns,
            }
            for line in self.lines
        ]
        # A line's columns as the product table's own types (one record per line).
        cursor.execute(
            "CREATE TEMPORARY TABLE seed_bulk_lines ON COMMIT DROP AS "
            "SELECT line.key, line.pool, line.pool_size, line.price_base, line.slug_tail, "
            "line.words, line.code, line.used, "
            "to_tsvector('simple'::regconfig, line.words) AS line_words, "
            "to_tsvector('simple'::regconfig, line.code) AS code_words, "
            "(jsonb_populate_record(NULL::umkm_product, line.columns)).* "
            "FROM jsonb_to_recordset(%s::jsonb) AS line (key int, pool int, pool_size int, "
            "price_base bigint, slug_tail text, words text, code text, used boolean, "
            "columns jsonb)",
            [json.dumps(lines, default=datetime.isoformat)],  # (to the microsecond)
        )
        pools = [(k, i, pk) for k, pool in enumerate(self.pools) for i, pk in enumerate(pool)]
        cursor.execute(
            "CREATE TEMPORARY TABLE seed_bulk_pools ON COMMIT DROP AS "
            "SELECT * FROM unnest(%s::int[], %s::int[], %s::bigint[]) "
            "AS pool (pool, position, business_id)",
            [list(column) for column in zip(*pools, strict=True)],
        )
        suppliers = [(pk, text, *self.keys[pk]) for pk, text in self.suppliers.items()]
        cursor.execute(
            "CREATE TEMPORARY TABLE seed_bulk_suppliers ON COMMIT DROP AS "
            "SELECT business_id, supplier, province, mask, "
            "to_tsvector('simple'::regconfig, supplier) AS words "
            "FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::int[]) "
            "AS supplier (business_id, supplier, province, mask)",
            [list(column) for column in zip(*suppliers, strict=True)],
        )
        for table in ("seed_bulk_lines", "seed_bulk_pools", "seed_bulk_suppliers"):
            cursor.execute(f"ANALYZE {table}")

    def params(self, numbers: range, first_id: int | None = None) -> dict:
        return {
            "first": numbers.start,
            "last": numbers.stop - 1,
            "first_id": first_id,
            "line_count": len(self.lines),
            "prefix": BULK_SLUG_PREFIX,
            "incoterms": [json.dumps(terms) for terms in self.incoterm_sets],
            "incoterm_sets": len(self.incoterm_sets),
            "ports": self.ports,
            "port_count": len(self.ports),
            "now": self.now,
        }

    def insert_products(self, cursor, numbers: range, first_id: int | None = None) -> None:
        """The products of ``numbers``, with the ids from ``first_id`` on when given (else
        the table's own)."""
        own = dict(_ROW_SQL)
        if first_id is not None:
            own = {"id": "%(first_id)s::bigint + (n - %(first)s)", **own}
        shared = list(self.lines[0].columns)
        columns = [*own, *shared]
        fields = {f.column for f in Product._meta.concrete_fields}
        if set(columns) | {"id"} != fields or len(set(columns)) != len(columns):
            raise ValueError(f"the bulk rows miss or add columns: {sorted(fields)}")
        names = ", ".join(f'"{column}"' for column in columns)  # the model's own names
        values = ", ".join([*own.values(), *(f'l."{column}"' for column in shared)])
        cursor.execute(
            f"INSERT INTO umkm_product ({names}) SELECT {values} {self.FROM}",
            self.params(numbers, first_id),
        )

    def insert_search_rows(self, cursor, numbers: range, first_id: int) -> None:
        """The search rows and catalogue words of the products ``insert_products`` made
        from ``first_id`` on (a large load, its triggers off): a product's words are its
        line's, its supplier's and its code's, joined by ``||``, which moves the
        right-hand words' positions past the left-hand ones as the parser numbers them in
        the whole text. So a few hundred lines, a few thousand suppliers and a few dozen
        codes are parsed instead of a million texts (50 µs each). Checked for every
        product line against the whole text in ``tests/demo/test_seed_bulk_load``."""
        cursor.execute(
            f"""
            INSERT INTO umkm_cataloguesearchrow (
                product_id, business_id, category_id, listed_at, search_vector,
                facet_province, facet_cert_mask
            )
            SELECT %(first_id)s::bigint + (n - %(first)s), s.business_id, l.category_id,
                   {_ROW_SQL["listed_at"]}, l.line_words || s.words || l.code_words,
                   s.province, s.mask
            {self.FROM}
            """,
            self.params(numbers, first_id),
        )
        # The dictionary of catalogue words: the parts' words are the products' words.
        cursor.execute(
            "INSERT INTO umkm_catalogueword (word) SELECT word FROM ts_stat($$"
            "SELECT line_words || code_words FROM seed_bulk_lines WHERE used "
            "UNION ALL SELECT words FROM seed_bulk_suppliers s WHERE EXISTS ("
            "SELECT FROM umkm_product p WHERE p.business_id = s.business_id AND p.is_listed)"
            "$$) ON CONFLICT DO NOTHING"
        )


# A load this large drops the product table's secondary indexes and foreign keys and
# switches its triggers off, then builds the keys, the indexes, the search rows, the
# catalogue words, the listed counts and the facet counts once at the end (much faster
# than keeping them row by row).
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


def _insert_products(plan: BulkProducts, numbers: range, *, chunk: int = 10_000) -> None:
    """SQLite: the products as model instances, in batches."""
    for first in range(numbers.start, numbers.stop, chunk):
        batch = [plan.product(number) for number in range(first, min(first + chunk, numbers.stop))]
        Product.objects.bulk_create(batch, batch_size=2000)


def _generate_products(plan: BulkProducts, numbers: range, first_id: int | None = None) -> None:
    """PostgreSQL: the server makes the rows (with the ids from ``first_id`` on when
    given); in a small load the triggers keep the search rows, the words and the counts,
    row by row."""
    with connection.cursor() as cursor:
        plan.write_tables(cursor, numbers)
        plan.insert_products(cursor, numbers, first_id)


# COPY's text format: a backslash, a tab, a newline or a carriage return in a value is
# escaped, and NULL is \N (https://www.postgresql.org/docs/current/sql-copy.html).
_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _copy_text(text: str) -> str:
    if _COPY_SPECIAL.search(text) is None:  # (nearly always)
        return text
    return _COPY_SPECIAL.sub(lambda m: _COPY_ESCAPES[m.group()], text)


def _copy_value(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return _copy_text(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return _copy_text(json.dumps(value))
    return str(value)  # a whole number, a Decimal, a date


def _reserved_ids(cursor, count: int) -> int:
    """The first of ``count`` ids of the product table's own sequence, taken in order
    (the table is locked for the load: nobody else takes one in between)."""
    cursor.execute("SELECT pg_get_serial_sequence('umkm_product', 'id')")
    [sequence] = cursor.fetchone()
    cursor.execute("SELECT nextval(%s)", [sequence])
    [first] = cursor.fetchone()
    cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def _bulk_load(plan: BulkProducts, numbers: range, alongside: Alongside | None = None):
    """The products of ``numbers``: on SQLite, model inserts; on PostgreSQL, the server's
    own ``INSERT … SELECT``, and for a large load (``BULK_LOAD_MODE_FROM``) into the
    product table without its secondary indexes, triggers and foreign keys,
    and search rows without their words' index; afterwards the keys and indexes are
    added again from their own definitions, the search rows, catalogue words, listed
    counts and facet counts (through ``listed_counts_rebuild``) made once, and the
    search rows' index built (on ``alongside``'s connection once committed, when
    given)."""
    if connection.vendor != "postgresql":
        _insert_products(plan, numbers)
        return
    if len(numbers) < BULK_LOAD_MODE_FROM:
        _generate_products(plan, numbers)
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
        cursor.execute(search_rows.DROP_INDEX)
        first_id = _reserved_ids(cursor, len(numbers))
    _generate_products(plan, numbers, first_id)
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
        plan.insert_search_rows(cursor, numbers, first_id)
    services.listed_counts_rebuild()
    index = [search_rows.INDEX, "ANALYZE umkm_cataloguesearchrow"]
    if alongside is None:
        with connection.cursor() as cursor:
            for sql in index:
                cursor.execute(sql)
    else:
        alongside.after_commit(index)


class Alongside:
    """Statements that wait for the current transaction's commit, then run on a second
    connection of their own while this one goes on: ``seed_demo`` builds the search
    words' index (17 s at a million products, one core) while it seeds the mentoring
    and marketplace rows (on the other). Leaving the block waits for them and raises
    what failed; statements whose transaction has not committed by then (a test's,
    which never does) run there, on this connection."""

    def __init__(self):
        self.waiting: list[list[str]] = []
        self.threads: list[threading.Thread] = []
        self.errors: list[BaseException] = []

    def __enter__(self):
        return self

    def __exit__(self, error_type, error, traceback):
        for thread in self.threads:
            thread.join()
        if error_type is not None:
            return  # (the first error is the one to see)
        if self.errors:
            raise self.errors[0]
        with connection.cursor() as cursor:
            for statements in self.waiting:
                for sql in statements:
                    cursor.execute(sql)
        self.waiting.clear()

    def after_commit(self, statements: list[str]) -> None:
        self.waiting.append(statements)
        transaction.on_commit(lambda: self._start(statements))

    def _start(self, statements: list[str]) -> None:
        self.waiting.remove(statements)
        thread = threading.Thread(target=self._run, args=(statements,), daemon=True)
        self.threads.append(thread)
        thread.start()

    def _run(self, statements: list[str]) -> None:
        try:
            with connections[DEFAULT_DB_ALIAS].cursor() as cursor:  # this thread's own
                cursor.execute("SET maintenance_work_mem = '1GB'")
                for sql in statements:
                    cursor.execute(sql)
        except BaseException as error:  # noqa: BLE001  # raised again on leaving
            self.errors.append(error)
        finally:
            connections.close_all()


# The kinds of field ``_write_all`` writes in COPY's text format (``_copy_value``).
_COPIED_FIELD_TYPES = {
    "AutoField",
    "BigAutoField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "EmailField",
    "FileField",
    "ForeignKey",
    "JSONField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "TextField",
}


def _write_all(model, objs: list) -> list:
    """``objs``, new instances of ``model``, written as they are, their own creation
    times included (``bulk_create`` would stamp "now" on an ``auto_now_add`` field), and
    returned with their ids. PostgreSQL: through ``COPY`` (a tenth of the time of the
    inserts), each taking the next id of the table's own sequence. SQLite: inserted,
    then the creation times they were given written back."""
    if not objs:
        return objs
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    if connection.vendor != "postgresql":
        given = [[getattr(obj, f.attname) for f in stamped] for obj in objs]
        objs = model.objects.bulk_create(objs, batch_size=2000)
        for obj, values in zip(objs, given, strict=True):
            own = {f.attname: v for f, v in zip(stamped, values, strict=True) if v is not None}
            if any(getattr(obj, name) != value for name, value in own.items()):
                model.objects.filter(pk=obj.pk).update(**own)
                for name, value in own.items():
                    setattr(obj, name, value)
        return objs
    unknown = {f.get_internal_type() for f in fields} - _COPIED_FIELD_TYPES
    if unknown:
        raise ValueError(f"_write_all cannot write {model.__name__}'s {sorted(unknown)}")
    for obj in objs:
        for field in stamped:
            if getattr(obj, field.attname) is None:  # not given: now, as a save would
                field.pre_save(obj, add=True)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if model._meta.pk.get_internal_type() in {"AutoField", "BigAutoField"}:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, len(objs)],
            )
            for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = pk
        elif any(obj.pk is None for obj in objs):  # (a primary key of its own: given)
            raise ValueError(f"_write_all needs the ids of these {model.__name__} rows")
        names = ", ".join(f'"{f.column}"' for f in [model._meta.pk, *fields])
        formats = [(f.attname, _field_format(f)) for f in fields]
        lines = [
            "\t".join([_copy_value(obj.pk), *(write(getattr(obj, n)) for n, write in formats)])
            + "\n"
            for obj in objs
        ]
        with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # the model's names
            copy.write("".join(lines))
    return objs


def _field_format(field):
    """How ``_write_all`` writes the values of ``field``: a file by its name."""
    if isinstance(field, FileField):
        return lambda value: _copy_text(value.name or "")
    return _copy_value


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
    password_hash = demo_password_hash()  # (one hash for every account)
    now = timezone.now()
    today = timezone.localdate()
    vocabulary = bulk_vocabulary()
    sectors = [name for name, weight in vocabulary["sectors"].items() for _k in range(weight)]
    cities, words = vocabulary["cities"], vocabulary["sector_words"]
    prefix, place = vocabulary["name_prefixes"], vocabulary["name_places"]
    numbers = range(existing + 1, target + 1)
    with transaction.atomic():
        owners = _write_all(
            User,
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
        )
        _write_all(
            EmailAddress,
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in owners],
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
        businesses = _write_all(Business, businesses)
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
        _write_all(Certification, certificates)
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
            password_hash = demo_password_hash()  # (one hash for every account)
            new = _write_all(
                User,
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
            )
            _write_all(
                EmailAddress,
                [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in new],
            )
            _write_all(
                MentorProfile,
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
                ],
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
        mentorships = _write_all(Mentorship, mentorships)
        _write_all(
            MentoringLog,
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
        sessions = _write_all(TrainingSession, sessions)
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
        _write_all(Registration, registrations)
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
    # key's index reads it; sorting a million slugs took 4 s); only the ids, then the
    # few products the inquiries are about.
    pks = list(bulk_products().order_by("pk").values_list("pk", flat=True))
    if not pks:
        return added
    chosen = {n: pks[(n * 17) % len(pks)] for n in range(have, target)}
    wanted = sorted(set(chosen.values()))
    products = {}
    for i in range(0, len(wanted), 1000):
        rows = Product.objects.filter(pk__in=wanted[i : i + 1000]).values_list(
            "pk", "business_id", "name_en", "moq", "unit"
        )
        products.update((pk, rest) for pk, *rest in rows)
    owners = dict(Business.objects.values_list("pk", "owner_id"))
    now = timezone.now()
    with transaction.atomic():
        buyers_have = bulk_buyers().count()
        buyers_target = bulk_target(target, INQUIRIES_PER_BULK_BUYER)
        if buyers_have < buyers_target:
            countries = bulk_vocabulary()["buyer_countries"]
            password_hash = demo_password_hash()  # (one hash for every account)
            new = _write_all(
                User,
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
            )
            _write_all(
                EmailAddress,
                [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in new],
            )
            _write_all(
                BuyerProfile,
                [
                    BuyerProfile(
                        user=u,
                        company=f"Benchmark Trading {k:04d}",
                        country=countries[k % len(countries)],
                        buyer_type=BULK_BUYER_TYPES[k % len(BULK_BUYER_TYPES)],
                    )
                    for k, u in enumerate(new, start=buyers_have + 1)
                ],
            )
            added["buyers"] = len(new)
        buyers = list(bulk_buyers().select_related("buyer_profile").order_by("email"))
        inquiries = []
        for n in range(have, target):
            pk = chosen[n]
            business_id, name_en, moq, unit = products[pk]
            buyer = buyers[n % len(buyers)]
            sent = now - timedelta(hours=6 + (n * 7) % (24 * 120))
            replied = sent + timedelta(hours=2 + n % 40) if n % 10 < 6 else None
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
                    first_reply_at=replied,
                    last_message_at=replied or sent,
                    # (When the buyer wrote: the reply came 2 to 41 hours later.)
                    created_at=replied - timedelta(hours=3) if replied else sent,
                )
            )
        inquiries = _write_all(Inquiry, inquiries)
        messages = []
        for inquiry in inquiries:
            messages.append(
                InquiryMessage(
                    inquiry=inquiry,
                    author=inquiry.buyer,
                    author_role=InquiryMessage.Role.BUYER,
                    body="Please send your best FOB price, packing details and lead time.",
                    created_at=inquiry.created_at,
                )
            )
            if inquiry.first_reply_at:
                messages.append(
                    InquiryMessage(
                        inquiry=inquiry,
                        author_id=owners[inquiry.business_id],
                        author_role=InquiryMessage.Role.SUPPLIER,
                        body="Thank you for your interest; our quotation is below.",
                        created_at=inquiry.first_reply_at,
                    )
                )
        _write_all(InquiryMessage, messages)
        added["inquiries"] = len(inquiries)
        added["messages"] = len(messages)
    return added
