"""SQL of ``CatalogueFacetCount`` (PostgreSQL): the triggers that keep it and the rebuild.

A business contributes its ``ListedProductCount`` rows, while it is active, to the rows
keyed by (category, its province, its city, whether it is verified, the kinds of its
certificates valid on ``CatalogueFacetDate.valid_on``). Each trigger works out, for the
businesses its statement touched, the contribution before and after, and adds the
difference: a change of listed counts adds or takes away products under the business's
current key; a move, a verification, a (de)activation or a certificate moves the whole
contribution from the old key to the new one. Rows that reach 0 are deleted.

Ordering between writers: each trigger takes a transaction-level advisory lock for
the businesses it touches before it reads their keys (shared for listed counts,
exclusive for a business whose key changes and for certificates), so that with two
writers on one business the second waits for the first to commit and a contribution is
always taken out of the row it was put in. An advisory lock rather than the business
row: an edit of a business that leaves its key alone (a new name, which also rewrites
its products' search text) then never waits for, nor deadlocks with, a product write.

The same keys travel to the products (``Product.facet_province``/``facet_cert_mask``),
which a search's hits read instead of looking up each hit's business and certificates:
a row trigger gives a product written with a business that business's key, the business
and certificate triggers rewrite the products of a business whose key changed (their
rows locked before the business, as a product's writer locks them), and
``refresh_products`` moves those of a business whose certificate expired with the day.

The SQL is built when it is needed (it names the certification kinds, in declaration
order, and the site's time zone): a new kind needs a migration that installs the
functions again (``forward()``) and rebuilds.

Shared by migration 0013 (which installs the triggers and fills the table),
``services.catalogue_facets_rebuild`` (daily, after local midnight, when certificates
expire without any write) and ``services.listed_counts_rebuild`` (hourly and after a
bulk load, which recounts ``ListedProductCount`` with these triggers paused, then this).
"""

import functools

from django.conf import settings

from .models import Certification

# ``set_config(PAUSED, 'on', true)``: the triggers leave the aggregate alone for the rest
# of the transaction (a recount of ``ListedProductCount`` followed by a rebuild).
PAUSED = "umkm.catalogue_facets_paused"

TRIGGERS = {
    "umkm_listedproductcount": (
        "listed_count_facets_insert",
        "listed_count_facets_update",
        "listed_count_facets_delete",
    ),
    "umkm_business": ("business_facets_update",),
    "umkm_certification": (
        "certification_facets_insert",
        "certification_facets_update",
        "certification_facets_delete",
    ),
}
FUNCTIONS = (
    "umkm_facets_valid_on",
    "umkm_facets_listed_new",
    "umkm_facets_listed_old",
    "umkm_facets_listed_both",
    "umkm_facets_business",
    "umkm_facets_certification_new",
    "umkm_facets_certification_old",
    "umkm_facets_certification_both",
)
KEY = "category_id, province, city, verified, cert_mask"


@functools.cache
def kind_bit(kind: str) -> int:
    """The bit of a certification kind in ``CatalogueFacetCount.cert_mask``."""
    return 1 << Certification.Kind.values.index(kind)


def _bit() -> str:
    whens = " ".join(f"WHEN '{kind}' THEN {kind_bit(kind)}" for kind in Certification.Kind.values)
    return f"CASE kind {whens} ELSE 0 END"


def _local_today() -> str:
    """Today in the site's time zone (Django's connections run in UTC)."""
    zone = settings.TIME_ZONE.replace("'", "''")
    return f"(now() AT TIME ZONE '{zone}')::date"


# The key of each active business of ``{touched}`` (a subquery of business ids), from the
# business rows ``{businesses}`` and the certificates ``{certifications}`` (a table or a
# subquery with business_id, kind, verified_at and expires_on) valid on ``{day}`` (the
# triggers' ``facet_day``). The masks are grouped once per business (a subquery per
# business would be run again for each of its listed counts).
_KEYS = """
        SELECT b.id AS business_id, b.province, b.city, b.verified_at IS NOT NULL AS verified,
               coalesce(m.cert_mask, 0) AS cert_mask
        FROM {businesses} AS b
        LEFT JOIN (
            SELECT c.business_id, bit_or({bit}) AS cert_mask FROM {certifications} AS c
            WHERE c.business_id IN ({touched}) AND c.verified_at IS NOT NULL
              AND (c.expires_on IS NULL OR c.expires_on >= {day})
            GROUP BY c.business_id
        ) AS m ON m.business_id = b.id
        WHERE b.is_active AND b.id IN ({touched})
"""

# The listed counts ``{counts}`` under the keys ``{keys}``, signed.
_CONTRIBUTION = """
        SELECT l.category_id, k.province, k.city, k.verified, k.cert_mask, {sign}l.n AS n
        FROM {counts} AS l JOIN ({keys}) AS k ON k.business_id = l.business_id
"""

# The products of the businesses whose keys are ``{keys}`` take their place and mask
# (``Product.facet_province`` and ``facet_cert_mask``, which a search's hits read);
# rows already right are left alone.
_PRODUCT_KEYS = """
        UPDATE umkm_product AS p SET facet_province = k.province, facet_cert_mask = k.cert_mask
        FROM ({keys}) AS k
        WHERE p.business_id = k.business_id
          AND (p.facet_province, p.facet_cert_mask) IS DISTINCT FROM (k.province, k.cert_mask);
"""

# The rows of the products of ``{touched}``, locked before the businesses' advisory
# locks, in the order a writer of a product takes them (its row, then the shared lock
# of its listed count or key): the other order, with the product rows last, deadlocked
# with a supplier archiving a product while staff verified a certificate. (A business's
# own update has its row locked already: ``services.business_update`` locks the
# products first when it moves or switches the business on or off.)
_LOCK_PRODUCTS = """
        {verb} 1 FROM umkm_product WHERE business_id IN ({touched}) ORDER BY id FOR UPDATE;
"""

# Add the signed rows of ``{moved}`` to the aggregate, in the order of its key (two
# statements on the same rows lock them in the same order), and delete what reaches 0.
_APPLY = """
        WITH delta AS (
            SELECT {key}, sum(n) AS n FROM ({moved}) AS moved
            GROUP BY {key} HAVING sum(n) <> 0
        ), applied AS (
            INSERT INTO umkm_cataloguefacetcount AS facet ({key}, n)
            SELECT {key}, n FROM delta ORDER BY {key}
            ON CONFLICT ({key}) DO UPDATE SET n = facet.n + EXCLUDED.n
            RETURNING facet.id, facet.n
        )
        SELECT array_agg(id) INTO emptied FROM applied WHERE n <= 0;
        IF emptied IS NOT NULL THEN
            DELETE FROM umkm_cataloguefacetcount WHERE id = ANY(emptied);
        END IF;
"""

# No JIT: a trigger's statements read the few rows of the businesses it touched, but
# the planner, with no statistics on transition tables, can estimate enough to compile
# them (a bulk update of 350 certificates took 133 ms instead of 41 ms).
_FUNCTION = """
    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
    LANGUAGE plpgsql SET jit = off AS $$
    DECLARE
        facet_day date;
        emptied bigint[];
    BEGIN
        IF current_setting('{paused}', true) = 'on' THEN
            RETURN NULL;
        END IF;
        facet_day := umkm_facets_valid_on();
        {body}
        RETURN NULL;
    END
    $$
"""

_NOTHING_CHANGED = """
        IF NOT EXISTS ({changed}) THEN
            RETURN NULL;
        END IF;
"""

# The business ids a transition table holds.
_IDS = {
    "written": "SELECT business_id FROM written",
    "removed": "SELECT business_id FROM removed",
}
# Advisory locks of the facet triggers: (LOCK_SPACE, the business id modulo
# LOCK_BUCKETS), taken in that order (two statements touching the same businesses never
# deadlock). Buckets, not one lock per business: a transaction keeps its locks until it
# ends and PostgreSQL's lock table is shared and small (max_locks_per_transaction, 64,
# times the connections), so one that touched 25,000 businesses — the demo loader's
# certificates at a million products, a bulk verification — ran out of it ("out of
# shared memory"). Two businesses in one bucket only wait for each other's writers.
LOCK_SPACE = 190013  # issue 19, migration 0013
LOCK_BUCKETS = 1024  # migration 0014
_LOCK = """
        {verb} {function}({space}, bucket)
        FROM (
            SELECT DISTINCT mod(id, {buckets})::int AS bucket FROM ({touched}) AS touched (id)
            ORDER BY bucket
        ) AS buckets;
"""


# ``verb``: PERFORM inside a trigger function, SELECT in a statement of its own.
def _lock(touched: str, *, shared: bool, verb: str = "PERFORM") -> str:
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    return _LOCK.format(
        verb=verb, function=function, space=LOCK_SPACE, buckets=LOCK_BUCKETS, touched=touched
    )


def _keys(
    *,
    businesses: str,
    touched: str,
    certifications: str = "umkm_certification",
    day: str = "facet_day",
) -> str:
    return _KEYS.format(
        businesses=businesses, touched=touched, certifications=certifications, bit=_bit(), day=day
    )


def _product_keys(keys: str) -> str:
    return _PRODUCT_KEYS.format(keys=keys)


def _lock_products(touched: str, *, verb: str = "PERFORM") -> str:
    return _LOCK_PRODUCTS.format(verb=verb, touched=touched)


def _contribution(keys: str, *, sign: str = "", counts: str = "umkm_listedproductcount") -> str:
    return _CONTRIBUTION.format(keys=keys, sign=sign, counts=counts)


def _apply(*moved: str) -> str:
    return _APPLY.format(key=KEY, moved=" UNION ALL ".join(moved))


def _function(name: str, body: str) -> str:
    return _FUNCTION.format(name=name, paused=PAUSED, body=body)


# Whether a statement on the listed counts changed any: their recount upserts every
# category of a business, so most updates leave the rows as they were.
_LISTED_CHANGED = {
    ("written",): "SELECT 1 FROM written",
    ("removed",): "SELECT 1 FROM removed",
    ("written", "removed"): """
        SELECT 1 FROM written AS w FULL JOIN removed AS r ON r.id = w.id
        WHERE (w.business_id, w.category_id, w.n) IS DISTINCT FROM
              (r.business_id, r.category_id, r.n)
    """,
}


def _listed(*tables: str) -> str:
    """Listed counts written or removed: their products are added or taken away under
    their business's current key."""
    touched = " UNION ".join(_IDS[t] for t in tables)
    keys = _keys(businesses="umkm_business", touched=touched)
    moved = [_contribution(keys, sign="-" if t == "removed" else "", counts=t) for t in tables]
    return (
        _NOTHING_CHANGED.format(changed=_LISTED_CHANGED[tables])
        + _lock(touched, shared=True)
        + _apply(*moved)
    )


# Businesses whose key changed: moved, (un)verified, (de)activated. A set difference
# (hashed) rather than a join of the two tables, which the planner would run as nested
# loops under EXISTS (0.9 s for an update of 2,500 businesses that changed nothing).
_CHANGED_BUSINESSES = """
        SELECT id FROM (
            SELECT id, province, city, verified_at IS NULL, is_active FROM written
            EXCEPT
            SELECT id, province, city, verified_at IS NULL, is_active FROM removed
        ) AS changed
"""


def _business(*, products: bool = True) -> str:
    changed = _CHANGED_BUSINESSES
    return (
        _NOTHING_CHANGED.format(changed=changed)
        + _lock(changed, shared=False)
        + _apply(
            _contribution(_keys(businesses="written", touched=changed)),
            _contribution(_keys(businesses="removed", touched=changed), sign="-"),
        )
        + (_product_keys(_keys(businesses="written", touched=changed)) if products else "")
    )


# The certificates as they were before the statement.
_BEFORE = {
    ("written",): """(
        SELECT business_id, kind, verified_at, expires_on FROM umkm_certification
        WHERE id NOT IN (SELECT id FROM written)
    )""",
    ("removed",): """(
        SELECT business_id, kind, verified_at, expires_on FROM umkm_certification
        UNION ALL SELECT business_id, kind, verified_at, expires_on FROM removed
    )""",
    ("written", "removed"): """(
        SELECT business_id, kind, verified_at, expires_on FROM umkm_certification
        WHERE id NOT IN (SELECT id FROM written)
        UNION ALL SELECT business_id, kind, verified_at, expires_on FROM removed
    )""",
}


def _certification(*tables: str, products: bool = True) -> str:
    """Certificates written or removed: each business they belong to moves from its key
    with the certificates before the statement to its key with those after."""
    touched = " UNION ".join(_IDS[t] for t in tables)
    before = _BEFORE[tables]
    return (
        (_lock_products(touched) if products else "")
        + _lock(touched, shared=False)
        + _apply(
            _contribution(_keys(businesses="umkm_business", touched=touched)),
            _contribution(
                _keys(businesses="umkm_business", touched=touched, certifications=before),
                sign="-",
            ),
        )
        + (_product_keys(_keys(businesses="umkm_business", touched=touched)) if products else "")
    )


def _trigger(name: str, table: str, event: str, function: str) -> str:
    tables = {
        "INSERT": "NEW TABLE AS written",
        "UPDATE": "NEW TABLE AS written OLD TABLE AS removed",
        "DELETE": "OLD TABLE AS removed",
    }[event]
    return (
        f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {tables} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
    )


_SET_DATE = """
    INSERT INTO umkm_cataloguefacetdate (valid_on) VALUES (coalesce(%s::date, {today}))
"""
_REBUILD = """
    INSERT INTO umkm_cataloguefacetcount ({key}, n)
    SELECT l.category_id, b.province, b.city, b.verified_at IS NOT NULL,
           coalesce(m.cert_mask, 0), sum(l.n)
    FROM umkm_listedproductcount AS l
    JOIN umkm_business AS b ON b.id = l.business_id
    LEFT JOIN (
        SELECT business_id, bit_or({bit}) AS cert_mask FROM umkm_certification
        WHERE verified_at IS NOT NULL
          AND (expires_on IS NULL OR expires_on >= umkm_facets_valid_on())
        GROUP BY business_id
    ) AS m ON m.business_id = b.id
    WHERE b.is_active
    GROUP BY 1, 2, 3, 4, 5
"""
# The day of the masks: the one the last rebuild set (today before any).
_VALID_ON = """
    CREATE OR REPLACE FUNCTION umkm_facets_valid_on() RETURNS date
    LANGUAGE sql STABLE AS $$
        SELECT coalesce((SELECT max(valid_on) FROM umkm_cataloguefacetdate), {today})
    $$
"""


def rebuild(valid_on=None) -> list[tuple[str, list]]:
    """Statements (with parameters) that recount the aggregate from
    ``ListedProductCount``, with the certificates valid on ``valid_on`` (today in the
    site's time zone by default). Writers wait for the end of the transaction."""
    return [
        ("LOCK TABLE umkm_cataloguefacetcount IN EXCLUSIVE MODE", []),
        ("DELETE FROM umkm_cataloguefacetdate", []),
        (_SET_DATE.format(today=_local_today()), [valid_on]),
        ("DELETE FROM umkm_cataloguefacetcount", []),
        (_REBUILD.format(key=KEY, bit=_bit()), []),
    ]


# The day the masks would have after a rebuild with ``%(valid_on)s`` (today when NULL).
_NEW_DAY = "coalesce(%(valid_on)s::date, {today})"
# Businesses with a certificate valid on one of the two days and not on the other.
_EXPIRING = """
        SELECT business_id FROM umkm_certification
        WHERE expires_on >= least(umkm_facets_valid_on(), {day})
          AND expires_on < greatest(umkm_facets_valid_on(), {day})
"""


def refresh_products(valid_on=None) -> list[tuple[str, dict]]:
    """Statements (with parameters) that give the products of each business with a
    certificate expiring between the masks' day and ``valid_on`` (today in the site's
    time zone by default) the mask of that day: run before ``rebuild`` moves the day, as
    no write tells the triggers that a certificate expired."""
    day = _NEW_DAY.format(today=_local_today())
    expiring = _EXPIRING.format(day=day)
    # Their products' rows, then the businesses' locks, as the certificate triggers take
    # them (a supplier's write of one of those products waits, or is waited for).
    rows = _lock_products(expiring, verb="SELECT")
    lock = _lock(expiring, shared=False, verb="SELECT")
    keys = _keys(businesses="umkm_business", touched=expiring, day=day)
    return [(sql, {"valid_on": valid_on}) for sql in (rows, lock, _product_keys(keys))]


def _every_key() -> str:
    """The keys of every active business, with the masks of the facets' day."""
    every = "SELECT id FROM umkm_business"
    return _keys(businesses="umkm_business", touched=every, day="umkm_facets_valid_on()")


def fill_products() -> list[tuple[str, list]]:
    """Statements that give every product its business's key (once, when the columns
    are added: one write of each product row)."""
    return [(_product_keys(_every_key()), [])]


# The key of each active business (business id, province, mask), for a bulk load that
# writes the products' keys itself with the product triggers off.
BUSINESS_KEYS = """
    SELECT business_id, province, cert_mask FROM ({keys}) AS k
"""


def business_keys() -> str:
    return BUSINESS_KEYS.format(keys=_every_key())


# A product written with a business (inserted, or moved to another) takes that
# business's key, under the business's shared lock (a certificate written at the same
# time either sees the product or is seen by it). A business that is not active has no
# key: its products are not listed, and its reactivation gives them one.
_PRODUCT_FUNCTION = """
    CREATE OR REPLACE FUNCTION umkm_facets_product() RETURNS trigger
    LANGUAGE plpgsql SET jit = off AS $$
    DECLARE
        facet_day date;
        business_key record;
    BEGIN
        facet_day := umkm_facets_valid_on();
        {lock}
        SELECT province, cert_mask INTO business_key FROM ({keys}) AS k;
        IF FOUND THEN
            NEW.facet_province := business_key.province;
            NEW.facet_cert_mask := business_key.cert_mask;
        END IF;
        RETURN NEW;
    END
    $$
"""
PRODUCT_TRIGGERS = {
    # A new product; a product moved to another business (not every save of a product).
    "product_facets_key_insert": ("INSERT", ""),
    "product_facets_key_update": (
        "UPDATE OF business_id",
        "WHEN (OLD.business_id IS DISTINCT FROM NEW.business_id)",
    ),
}


def product_trigger() -> list[tuple[str, list]]:
    """Install the products' key triggers (``Product.facet_province``/``facet_cert_mask``)."""
    business = "SELECT NEW.business_id"
    function = _PRODUCT_FUNCTION.format(
        lock=_lock(business, shared=True).strip(),
        keys=_keys(businesses="umkm_business", touched=business),
    )
    triggers = [
        f"CREATE TRIGGER {name} BEFORE {event} ON umkm_product "
        f"FOR EACH ROW {condition} EXECUTE FUNCTION umkm_facets_product()"
        for name, (event, condition) in PRODUCT_TRIGGERS.items()
    ]
    return [(function, []), *((trigger, []) for trigger in triggers)]


def drop_product_trigger() -> list[tuple[str, list]]:
    drops = [f"DROP TRIGGER IF EXISTS {name} ON umkm_product" for name in PRODUCT_TRIGGERS]
    return [(sql, []) for sql in drops] + [("DROP FUNCTION IF EXISTS umkm_facets_product()", [])]


def functions(*, products: bool = True) -> list[tuple[str, list]]:
    """(Re)create the trigger functions (``CREATE OR REPLACE``), the triggers untouched;
    without ``products``, as before the products carried their business's key
    (migrations 0013 and 0014, which run before the columns exist)."""
    return [(sql, []) for sql in _functions(products=products)]


def _functions(*, products: bool = True) -> list[str]:
    return [
        _function("umkm_facets_listed_new", _listed("written")),
        _function("umkm_facets_listed_old", _listed("removed")),
        _function("umkm_facets_listed_both", _listed("written", "removed")),
        _function("umkm_facets_business", _business(products=products)),
        _function("umkm_facets_certification_new", _certification("written", products=products)),
        _function("umkm_facets_certification_old", _certification("removed", products=products)),
        _function(
            "umkm_facets_certification_both",
            _certification("written", "removed", products=products),
        ),
    ]


def forward(*, products: bool = True) -> list[tuple[str, list]]:
    """Install the functions and triggers and fill the aggregate."""
    statements = [_VALID_ON.format(today=_local_today()), *_functions(products=products)]
    for table, prefix, function in (
        ("umkm_listedproductcount", "listed_count", "umkm_facets_listed"),
        ("umkm_certification", "certification", "umkm_facets_certification"),
    ):
        statements += [
            _trigger(f"{prefix}_facets_insert", table, "INSERT", f"{function}_new"),
            _trigger(f"{prefix}_facets_update", table, "UPDATE", f"{function}_both"),
            _trigger(f"{prefix}_facets_delete", table, "DELETE", f"{function}_old"),
        ]
    statements.append(
        _trigger("business_facets_update", "umkm_business", "UPDATE", "umkm_facets_business")
    )
    return [(sql, []) for sql in statements] + rebuild()


def backward() -> list[tuple[str, list]]:
    statements = [
        f"DROP TRIGGER IF EXISTS {name} ON {table}"
        for table, names in TRIGGERS.items()
        for name in names
    ]
    statements += [f"DROP FUNCTION IF EXISTS {name}()" for name in FUNCTIONS]
    return [(sql, []) for sql in statements]
