"""Products to and from CSV: template, export, all-or-nothing import."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from umkm import csv_io
from umkm.models import PriceTier, Product

from ..factories import (
    BusinessFactory,
    ListedProductFactory,
    MentorshipFactory,
    OwnerFactory,
    ProductFactory,
    SubCategoryFactory,
)

pytestmark = pytest.mark.django_db

HEADER = ",".join(csv_io.COLUMNS)


@pytest.fixture
def business():
    return BusinessFactory(owner=OwnerFactory(language="en"))


@pytest.fixture
def category():
    return SubCategoryFactory(slug="snacks", name_en="Snacks", name_id="Makanan ringan")


@pytest.fixture
def client_en(client):
    client.cookies["django_language"] = "en"
    return client


def upload(text: str, *, encoding: str = "utf-8", name: str = "products.csv"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def run_import(business, text: str, **kwargs):
    with translation.override("en"):
        return csv_io.import_csv(
            business=business, upload=upload(text, **kwargs), actor=business.owner
        )


def row(**values) -> str:
    """One CSV line in the template's column order; unspecified cells are empty."""
    defaults = {"name_id": "Keripik nanas", "category": "snacks", "unit": "pack"}
    cells = {**defaults, **values}
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([cells.get(c, "") for c in csv_io.COLUMNS])
    return out.getvalue()


def read(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


# Template ----------------------------------------------------------------------------


def test_template_downloads_for_the_owner_only(client, business, category):
    url = reverse("umkm:product-import-template", args=[business.slug])

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))

    client.force_login(OwnerFactory())
    assert client.get(url).status_code == 404

    client.force_login(business.owner)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    [example] = read(body)
    assert list(example) == csv_io.COLUMNS
    assert example["category"] == "snacks"


def test_importing_the_template_creates_one_draft(business, category):
    result = run_import(business, csv_io.template_csv())

    assert result.errors == []
    assert result.created == 1
    product = Product.objects.get(business=business)
    assert product.status == Product.Status.DRAFT
    assert not product.is_listed
    assert product.name_id == "Keripik nanas"
    assert product.name_en == "Pineapple chips"
    assert product.category == category
    assert product.hs_code == "200899"
    assert product.unit == Product.Unit.PACK
    assert product.moq == 100
    assert product.price_idr == Decimal(25000)
    assert product.fob_usd == Decimal("2.10")
    assert product.sample_available is True
    assert product.sample_price_usd == Decimal("5.00")
    assert product.size == "20 × 15 × 5 cm"
    assert product.incoterms == ["FOB", "CIF"]
    assert product.port_of_loading == "Dumai"
    tiers = [(t.min_quantity, t.max_quantity, t.price_usd) for t in product.price_tiers.all()]
    assert tiers == [(100, 499, Decimal("2.10")), (500, None, Decimal("1.85"))]


# Import page and its errors ------------------------------------------------------------


def test_import_page_renders_for_the_owner(client_en, business):
    client_en.force_login(business.owner)
    response = client_en.get(reverse("umkm:product-import", args=[business.slug]))

    assert response.status_code == 200
    assert "umkm/product_import.html" in [t.name for t in response.templates]
    content = response.content.decode()
    assert reverse("umkm:product-import-template", args=[business.slug]) in content
    assert 'enctype="multipart/form-data"' in content
    assert "Nothing was imported" not in content


def test_other_people_cannot_import_into_the_business(client, business, category):
    url = reverse("umkm:product-import", args=[business.slug])
    mentor = MentorshipFactory(business=business).mentor
    for stranger in (OwnerFactory(), mentor):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
        data = {"file": upload(f"{HEADER}\n{row()}\n")}
        assert client.post(url, data).status_code == 404
    assert not Product.objects.exists()

    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_one_bad_row_imports_nothing_and_lists_every_problem(client_en, business, category):
    text = "\n".join(
        [
            HEADER,
            row(name_id="Keripik nanas", hs_code="2008.99"),
            row(name_id="Dodol nanas", hs_code="12", moq="-5", category="Spaceships"),
            row(name_id="Selai nanas", hs_code="2007.99"),
        ]
    )
    client_en.force_login(business.owner)
    response = client_en.post(
        reverse("umkm:product-import", args=[business.slug]), {"file": upload(text)}
    )

    assert response.status_code == 200
    assert not Product.objects.exists()
    errors = response.context["errors"]
    assert [number for number, _message in errors] == [3, 3, 3]
    messages = [message for _number, message in errors]
    assert messages[0].startswith("Category (category): “Spaceships” is not a category")
    assert messages[1] == "HS code (hs_code): An HS code has 4, 6, 8 or 10 digits, e.g. 0901.11."
    assert messages[2].startswith("Minimum order quantity (moq): Ensure this value is greater")
    content = response.content.decode()
    assert "Nothing was imported" in content
    assert "<td>Row 3</td>" in content
    assert "Row 2" not in content
    assert "“Spaceships” is not a category" in content


def test_a_good_file_through_the_view_redirects_to_the_product_list(client, business, category):
    client.force_login(business.owner)
    text = f"{HEADER}\n{row(name_id='Keripik nanas')}\n{row(name_id='Dodol nanas')}\n"
    response = client.post(
        reverse("umkm:product-import", args=[business.slug]), {"file": upload(text)}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("umkm:product-list", args=[business.slug])
    assert business.products.filter(status=Product.Status.DRAFT).count() == 2


# Reading files -------------------------------------------------------------------------


def test_semicolon_delimited_file_with_bom(business, category):
    header = ";".join(csv_io.COLUMNS)
    line = row(name_id="Kopi Liberika", fob_usd="2,10", price_idr="1.500.000", incoterms="FOB,CIF")
    cells = next(csv.reader([line]))
    text = "\ufeff" + header + "\r\n" + ";".join(cells) + "\r\n"

    result = run_import(business, text)

    assert result.errors == []
    product = Product.objects.get()
    assert product.name_id == "Kopi Liberika"
    assert product.fob_usd == Decimal("2.10")
    assert product.price_idr == Decimal(1_500_000)
    assert product.incoterms == ["FOB", "CIF"]


def test_tab_delimited_file_with_capitalised_headers(business, category):
    header = "\t".join(f" {c.replace('_', ' ').title()} " for c in csv_io.COLUMNS)
    cells = next(csv.reader([row(name_id="Kopi Liberika")]))
    text = f"{header}\n" + "\t".join(cells) + "\n"

    assert run_import(business, text).created == 1


def test_windows_1252_file(business, category):
    text = f"{HEADER}\n{row(name_id='Kopi Liberika – café Meranti', size='2 × 3 cm')}\n"
    result = run_import(business, text, encoding="cp1252")

    assert result.errors == []
    product = Product.objects.get()
    assert product.name_id == "Kopi Liberika – café Meranti"
    assert product.size == "2 × 3 cm"


def test_category_by_name_in_either_language_and_unknown_columns(business, category):
    text = "\n".join(
        [
            HEADER + ",status,my notes",
            row(name_id="A", category="SNACKS") + ",listed,call Pak Budi",
            row(name_id="B", category=" makanan  ringan ") + ",,",
        ]
    )
    result = run_import(business, text)

    assert result.errors == []
    assert set(business.products.values_list("category", "status")) == {(category.pk, "draft")}


def test_missing_required_column_is_reported_on_the_header_row(business, category):
    text = "name_en,category\nPineapple chips,snacks\n"
    result = run_import(business, text)

    assert result.created == 0
    assert result.errors == [
        (1, "The column name_id is missing."),
        (1, "The column unit is missing."),
    ]


def test_duplicate_names_in_one_file(business, category):
    text = "\n".join([HEADER, row(name_id="Keripik nanas"), row(name_id="keripik  NANAS")])
    result = run_import(business, text)

    assert not Product.objects.exists()
    assert result.errors == [
        (
            3,
            "Name (Indonesian) (name_id): “keripik  NANAS” is already in row 2; "
            "list each product once.",
        )
    ]


def test_more_than_1000_rows_is_refused(business, category):
    lines = [row(name_id=f"Produk {n}") for n in range(csv_io.MAX_ROWS + 1)]
    result = run_import(business, "\n".join([HEADER, *lines]))

    assert not Product.objects.exists()
    assert result.errors == [
        (0, "The file has more than 1000 products; split it into smaller files.")
    ]


@pytest.mark.no_cover  # the one-row import 1,000 times: see the README, "Coverage"
def test_exactly_1000_rows_are_accepted_blank_rows_ignored(business, category):
    lines = [row(name_id=f"Produk {n}") for n in range(csv_io.MAX_ROWS)]
    result = run_import(business, "\n".join([HEADER, *lines, ",,,", ""]))

    assert result.errors == []
    assert result.created == csv_io.MAX_ROWS


def test_file_over_2_mb_is_refused(business, category):
    filler = "x" * 1000
    lines = [row(name_id=f"Produk {n}", description_id=filler) for n in range(2200)]
    text = "\n".join([HEADER, *lines])
    assert len(text.encode()) > csv_io.MAX_BYTES

    result = run_import(business, text)

    assert not Product.objects.exists()
    [(number, message)] = result.errors
    assert number == 0
    assert message.startswith("The file is larger than 2.0")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (HEADER.encode() + b"\n", "The file has a header but no products."),
        (b"PK\x03\x04\x14\x00\x00\x00", "The file could not be read as CSV."),
    ],
)
def test_files_that_are_not_product_lists(business, content, message):
    with translation.override("en"):
        result = csv_io.import_csv(
            business=business,
            upload=SimpleUploadedFile("x.csv", content),
            actor=business.owner,
        )
    assert result.created == 0
    assert result.errors[0][0] == 0
    assert result.errors[0][1].startswith(message)


# Cells ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cents", "expected"),
    [
        ("1500000", False, "1500000"),
        ("1.500.000", False, "1500000"),
        ("1,500,000", False, "1500000"),
        ("Rp 1.500.000,00", False, "1500000"),
        ("1.500", False, "1500"),
        ("100,0", False, "100"),
        ("-5", False, "-5"),
        ("2.10", True, "2.10"),
        ("2,10", True, "2.10"),
        ("$2.5", True, "2.5"),
        ("1,500.50", True, "1500.50"),
        ("1.500,50", True, "1500.50"),
        ("0,125", True, "0.125"),
        ("lots", False, "lots"),
        ("1.50.0", False, "1.50.0"),
    ],
)
def test_numbers_in_spreadsheet_notation(text, cents, expected):
    assert csv_io._number(text, cents=cents) == expected


@pytest.mark.parametrize("text", ["1.500", "1,500", "12,345"])
def test_dollar_amounts_with_a_lone_thousands_separator_are_ambiguous(text):
    with pytest.raises(csv_io.CellError):
        csv_io._number(text, cents=True)


def test_cell_problems_name_the_column(business, category):
    text = "\n".join(
        [
            HEADER,
            row(
                name_id="A",
                fob_usd="1,500",
                sample_available="maybe",
                unit="barrel",
                incoterms="FOB;XYZ",
                price_idr="1.5",
            ),
        ]
    )
    result = run_import(business, text)

    messages = [message for _number, message in result.errors]
    assert messages == [
        "Unit (unit): Select a valid choice. barrel is not one of the available choices.",
        "Price (IDR) (price_idr): Ensure that there are no more than 0 decimal places.",
        "FOB price (USD) (fob_usd): “1,500” is ambiguous; write it without a thousands "
        "separator, e.g. 1500 or 1.50.",
        "Samples available (sample_available): Write yes or no (ya or tidak).",
        "Incoterms offered (incoterms): Select a valid choice. XYZ is not one of the "
        "available choices.",
    ]


def test_sample_flags_and_web_form_rules(business, category):
    text = "\n".join(
        [
            HEADER,
            row(name_id="A", sample_available="Ya", sample_price_usd="3"),
            row(name_id="B", sample_available="tidak"),
            row(name_id="C", sample_available="", sample_price_usd="3"),
        ]
    )
    result = run_import(business, text)

    assert result.errors == [
        (
            4,
            "Sample price (USD) (sample_price_usd): "
            "Tick “samples available” to give a sample price.",
        )
    ]


def test_hs_code_that_excel_stripped_of_its_leading_zero(business, category):
    result = run_import(business, f"{HEADER}\n{row(hs_code='901.11')}\n")

    assert result.errors == []
    assert Product.objects.get().hs_code == "090111"


def test_price_tiers_are_parsed(business, category):
    tiers = "500+ : $1,85 | 1.000-  :x"  # the second item is malformed
    result = run_import(business, f"{HEADER}\n{row(tiers=tiers)}\n")
    assert result.errors == [
        (
            2,
            "Price tiers (tiers): “1.000-  :x” is not a price tier; "
            "write e.g. 100-499:2.10;500+:1.85.",
        )
    ]

    tiers = "1.000-4.999:2,10; 100 - 999 : 2.50 ;5000+:1.85"
    result = run_import(business, f"{HEADER}\n{row(tiers=tiers)}\n")
    assert result.errors == []
    product = Product.objects.get()
    assert [(t.min_quantity, t.max_quantity, t.price_usd) for t in product.price_tiers.all()] == [
        (100, 999, Decimal("2.50")),
        (1000, 4999, Decimal("2.10")),
        (5000, None, Decimal("1.85")),
    ]


def test_price_tier_problems_follow_the_web_form(business, category):
    text = "\n".join(
        [
            HEADER,
            row(name_id="A", tiers="100-499:2.10;400+:1.85"),
            row(name_id="B", tiers="500-100:2.10"),
            row(name_id="C", tiers="100-499:0"),
        ]
    )
    result = run_import(business, text)

    assert not PriceTier.objects.exists()
    assert not Product.objects.exists()
    assert result.errors == [
        (2, "Price tiers (tiers): Price tiers must not overlap."),
        # The model's check constraint speaks too, with the same words as the form.
        (3, "Price tiers (tiers): “To” must not be below “from”."),
        (3, "Price tiers (tiers): To quantity: “To” must not be below “from”."),
        (
            4,
            "Price tiers (tiers): FOB price (USD): "
            "Ensure this value is greater than or equal to 0.01.",
        ),
    ]


def test_errors_use_the_active_language(business, category):
    with translation.override("id"):
        result = csv_io.import_csv(
            business=business,
            upload=upload(f"{HEADER}\n{row(moq='abc')}\n"),
            actor=business.owner,
        )
        expected = translation.gettext("Enter a whole number.")
    [(number, message)] = result.errors
    assert number == 2
    assert message.endswith(f"(moq): {expected}")
    assert expected != "Enter a whole number."  # Django's own Indonesian catalogue


# Export --------------------------------------------------------------------------------


def test_export_escapes_formulas(business, category):
    ProductFactory(
        business=business,
        category=category,
        name_id='=HYPERLINK("http://evil.example","klik")',
        name_en="+cmd",
        description_id="-2+3",
        description_en="@SUM(A1)",
        size="\tx",
        port_of_loading="Dumai",
    )

    [exported] = read(csv_io.export_csv(business))

    assert exported["name_id"] == '\'=HYPERLINK("http://evil.example","klik")'
    assert exported["name_en"] == "'+cmd"
    assert exported["description_id"] == "'-2+3"
    assert exported["description_en"] == "'@SUM(A1)"
    assert exported["size"] == "'\tx"
    assert exported["port_of_loading"] == "Dumai"


def test_export_round_trips_into_another_business(business, category):
    first = ProductFactory(
        business=business,
        category=category,
        name_id="Keripik nanas",
        name_en="-Spicy- chips, hot",
        description_id='Renyah; "asli"\nbaris kedua',
        hs_code="090111",
        sample_available=True,
        sample_price_usd=Decimal("4.50"),
        weight_grams=250,
        shelf_life_days=180,
        size="20 × 15 × 5 cm",
        incoterms=["FOB", "CIF"],
    )
    PriceTier.objects.create(product=first, min_quantity=100, max_quantity=499, price_usd="2.10")
    PriceTier.objects.create(product=first, min_quantity=500, price_usd="1.85")
    ListedProductFactory(business=business, category=category, name_id="Dodol", moq=None)
    ProductFactory(business=business, category=category, name_id="Lama", status="archived")

    exported = csv_io.export_csv(business)
    assert [r["status"] for r in read(exported)] == ["draft", "listed"]

    other = BusinessFactory()
    result = run_import(other, exported)

    assert result.errors == []
    assert result.created == 2
    compared = [f for f in csv_io.COLUMNS if f not in ("category", "tiers")]

    def facts(product):
        tiers = [(t.min_quantity, t.max_quantity, t.price_usd) for t in product.price_tiers.all()]
        return {f: getattr(product, f) for f in compared} | {
            "category": product.category_id,
            "tiers": tiers,
        }

    originals = {p.name_id: facts(p) for p in business.products.exclude(status="archived")}
    copies = {p.name_id: facts(p) for p in other.products.all()}
    assert copies == originals
    assert set(other.products.values_list("status", flat=True)) == {"draft"}


def test_export_shows_edits_waiting_for_review(business, category):
    newer = SubCategoryFactory(slug="drinks")
    ListedProductFactory(
        business=business,
        category=category,
        fob_usd=Decimal("2.10"),
        pending_changes={"fob_usd": "2.40", "category": newer.pk, "incoterms": ["EXW"]},
    )

    [exported] = read(csv_io.export_csv(business))

    assert exported["fob_usd"] == "2.40"
    assert exported["category"] == "drinks"
    assert exported["incoterms"] == "EXW"


@pytest.mark.parametrize("count", [5, 50])
def test_export_query_count_does_not_grow(business, category, count, django_assert_max_num_queries):
    for product in ProductFactory.create_batch(count, business=business, category=category):
        PriceTier.objects.create(product=product, min_quantity=1, price_usd="1.00")

    with django_assert_max_num_queries(2):
        exported = csv_io.export_csv(business)
    assert len(read(exported)) == count


def test_export_view_for_owner_and_mentor_only(client, business, category):
    ProductFactory(business=business, category=category)
    url = reverse("umkm:product-export", args=[business.slug])

    client.force_login(OwnerFactory())
    assert client.get(url).status_code == 404

    for person in (business.owner, MentorshipFactory(business=business).mentor):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert response["Content-Disposition"].startswith("attachment;")
        assert len(read(response.content.decode())) == 1
