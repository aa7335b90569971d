"""Businesses, categories, certifications and products."""

from decimal import Decimal

import factory
from django.utils import timezone

from umkm.models import Business, Category, Certification, Product

from .accounts import OwnerFactory


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    owner = factory.SubFactory(OwnerFactory)
    name = factory.Sequence(lambda n: f"Usaha Contoh {n}")
    slug = factory.Sequence(lambda n: f"usaha-contoh-{n}")
    legal_form = Business.LegalForm.UD
    nib = factory.Sequence(lambda n: f"{9120000000000 + n}")
    assets_idr = Decimal(300_000_000)
    annual_turnover_idr = Decimal(900_000_000)
    scale = Business.Scale.MICRO
    sector = Business.Sector.FOOD
    province = "Riau"
    city = "Pekanbaru"
    founded_year = 2016
    employees = 5
    description_id = "Usaha keripik nanas dari Pekanbaru."
    description_en = "Pineapple chips from Pekanbaru."


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name_id = factory.Sequence(lambda n: f"Kategori {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    parent = None


class SubCategoryFactory(CategoryFactory):
    parent = factory.SubFactory(CategoryFactory, is_food=True)
    is_food = True


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    business = factory.SubFactory(BusinessFactory)
    kind = Certification.Kind.HALAL
    number = factory.Sequence(lambda n: f"ID{n:08d}")
    issuer = "BPJPH"
    issued_on = factory.LazyFunction(lambda: timezone.localdate().replace(year=2024))
    expires_on = None
    verified_at = factory.LazyFunction(timezone.now)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    business = factory.SubFactory(BusinessFactory)
    category = factory.SubFactory(SubCategoryFactory)
    slug = factory.Sequence(lambda n: f"product-{n}")
    name_id = factory.Sequence(lambda n: f"Keripik nanas {n}")
    name_en = factory.Sequence(lambda n: f"Pineapple chips {n}")
    description_id = "Keripik nanas renyah."
    description_en = "Crispy pineapple chips."
    hs_code = "200899"
    unit = Product.Unit.PACK
    moq = 100
    price_idr = Decimal(25000)
    fob_usd = Decimal("2.10")
    capacity_per_month = 2000
    lead_time_days = 14
    incoterms = factory.LazyFunction(lambda: ["FOB"])
    port_of_loading = "Dumai"


class ListedProductFactory(ProductFactory):
    status = Product.Status.LISTED
    is_listed = True
    listed_at = factory.LazyFunction(timezone.now)
