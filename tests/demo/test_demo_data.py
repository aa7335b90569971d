"""The demo data files (``demo/data/``): they parse, they fit together, and every
product row passes the product importer's own validation."""

import io

import pytest
import yaml
from django.utils import translation

from demo.loaders import files
from demo.loaders.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from demo.loaders.marketplace import buyer_specs, inquiry_specs, request_specs
from demo.loaders.mentoring import mentor_specs, session_specs
from demo.loaders.umkm import (
    _product_fields,
    _products_csv,
    _scale,
    business_specs,
    product_lines,
    seed_categories,
)
from mentoring.models import MentorProfile, TrainingSession
from umkm import csv_io
from umkm.models import Category, Product

from ..factories import BusinessFactory

STATES = set("LSDCA")
CERTIFICATE_CODES = {"pirt", "bpom_md", "bpom_na", "halal", "haccp", "organic", "svlk", "ispo"}


def test_every_data_file_parses():
    names = {path.name for path in files.data_files()}
    assert {"accounts.yaml", "businesses.yaml", "products.csv", "trainings.yaml"} <= names
    for path in files.data_files():
        if path.suffix == ".yaml":
            with path.open(encoding="utf-8") as file:
                data = yaml.safe_load(file)
            assert isinstance(data, dict) and data, path.name
        else:
            rows = files.read_csv(path.name)
            assert rows, path.name
            assert all(None not in row for row in rows), f"{path.name}: a row has extra cells"
    # The typed views check every record's keys: a misspelt field fails here.
    assert len(business_specs()) == 32
    assert len(mentor_specs()) == 8
    assert len(session_specs()) == 14
    assert len(buyer_specs()) == 6
    assert inquiry_specs() and request_specs()
    assert DEMO_PASSWORD and len(DEMO_ACCOUNTS) == 5


def test_products_csv_is_in_the_importers_format():
    header = list(files.read_csv("products.csv")[0])
    assert header == ["line", *csv_io.COLUMNS]
    names = [row["name_id"].casefold() for row in files.read_csv("products.csv")]
    assert len(names) == len(set(names)), "a product name appears twice"


@pytest.mark.django_db
def test_every_product_row_passes_the_importers_validation():
    seed_categories()
    business = BusinessFactory()
    data = (files.DATA_DIR / "products.csv").read_bytes()
    with translation.override("en"):
        result = csv_io.import_csv(business=business, upload=io.BytesIO(data), actor=business.owner)
    assert result.errors == []
    assert result.created == len(files.read_csv("products.csv")) == business.products.count()
    # What the importer made is what the file says (spot checks on every kind of column).
    first = files.read_csv("products.csv")[0]
    product = business.products.get(name_id=first["name_id"])
    assert product.status == Product.Status.DRAFT
    assert product.category.slug == first["category"]
    assert str(product.fob_usd) == first["fob_usd"]
    assert product.price_tiers.count() == len(first["tiers"].split(";"))


@pytest.mark.django_db
def test_what_each_business_uploads_passes_the_importers_validation():
    """The rows as each business offers them (drafts without English or FOB, no samples
    on some, tiers on others) are still rows the importer accepts."""
    seed_categories()
    lines = product_lines()
    business = BusinessFactory()
    for index, spec in enumerate(business_specs()):
        line = lines[spec.line]
        picks = spec.picks or tuple(range(len(spec.states)))
        rows = [
            _product_fields(line[pick % len(line)], state=state, n=index * 7 + j)
            for j, (pick, state) in enumerate(zip(picks, spec.states, strict=True))
        ]
        with translation.override("en"):
            result = csv_io.import_csv(
                business=business, upload=io.BytesIO(_products_csv(rows)), actor=business.owner
            )
        assert result.errors == [], spec.name
        assert result.created == len(spec.states)


@pytest.mark.django_db
def test_the_data_files_refer_to_each_other_correctly():
    seed_categories()
    categories = set(Category.objects.filter(parent__isnull=False).values_list("slug", flat=True))
    lines = product_lines()
    assert {row["category"] for line in lines.values() for row in line} <= categories

    owners = {spec.email: spec for spec in business_specs()}
    assert len(owners) == len(business_specs()), "two businesses share an owner"
    for spec in business_specs():
        assert spec.line in lines, spec.name
        assert set(spec.states) <= STATES, spec.name
        assert 3 <= len(spec.states) <= 6, spec.name
        picks = spec.picks or tuple(range(len(spec.states)))
        assert len(picks) == len(spec.states), spec.name
        assert all(0 <= pick < len(lines[spec.line]) for pick in picks), spec.name
        assert {code.partition(":")[0] for code in spec.certs.split()} <= CERTIFICATE_CODES
        _scale(spec)  # assets and turnover in exactly one scale band

    def names_of(owner: str) -> list[str]:
        spec = owners[owner]
        line = lines[spec.line]
        picks = spec.picks or tuple(range(len(spec.states)))
        return [line[pick]["name_en"] for pick in picks]

    def assert_offers(owner: str, name_start: str):
        assert any(name.startswith(name_start) for name in names_of(owner)), (owner, name_start)

    mentors = {spec.email for spec in mentor_specs()}
    topics = set(MentorProfile.Topic.values)
    for spec in mentor_specs():
        assert set(spec.topics) <= topics, spec.email
    mentorships = files.read_yaml("mentors.yaml")["mentorships"]
    for kind in ("active", "completed", "requested", "declined"):
        for row in mentorships[kind]:
            assert row["owner"] in owners and row["mentor"] in mentors, row
    for spec in session_specs():
        assert spec.host in mentors, spec.title
        assert spec.mode in TrainingSession.Mode.values, spec.title
        assert spec.topic in topics, spec.title

    buyers = {spec.email for spec in buyer_specs()}
    buyers.add(files.read_yaml("buyers.yaml")["spammer"]["email"])
    for spec in buyer_specs():
        assert set(spec.categories) <= categories, spec.email
        for owner, name in spec.shortlist:
            assert_offers(owner, name)
    for spec in inquiry_specs():
        assert spec.buyer in buyers, spec
        assert_offers(spec.owner, spec.product)
        assert spec.thread and spec.thread[0][0] == "buyer", spec.product
    for spec in request_specs():
        assert spec.buyer in buyers and spec.category in categories, spec.title
        for owner, name, *_rest in spec.quotes:
            assert_offers(owner, name)
        assert set(spec.replies) <= {quote[0] for quote in spec.quotes}, spec.title
