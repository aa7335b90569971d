"""Inquiries, buying requests and quotes (``created_at=...`` back-dates them)."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from marketplace.models import BuyingRequest, Inquiry, Quote

from .accounts import BuyerFactory
from .umkm import BusinessFactory, SubCategoryFactory


class BackdatedFactory(factory.django.DjangoModelFactory):
    """``created_at=...`` dates the row (the field is ``auto_now_add``, so it is set after)."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        created_at = kwargs.pop("created_at", None)
        instance = super()._create(model_class, *args, **kwargs)
        if created_at is not None:
            model_class.objects.filter(pk=instance.pk).update(created_at=created_at)
            instance.created_at = created_at
        return instance


class InquiryFactory(BackdatedFactory):
    """A buyer's inquiry; pass ``created_at`` to date it (the field is auto_now_add)."""

    class Meta:
        model = Inquiry

    buyer = factory.SubFactory(BuyerFactory)
    business = factory.SubFactory(BusinessFactory)
    subject = factory.Sequence(lambda n: f"Inquiry {n}")
    quantity = 500
    unit = "pack"
    incoterm = "FOB"
    destination_country = "NL"


class BuyingRequestFactory(BackdatedFactory):
    """A buyer's request to many suppliers; ``created_at`` dates it."""

    class Meta:
        model = BuyingRequest

    buyer = factory.SubFactory(BuyerFactory)
    title = factory.Sequence(lambda n: f"Looking for pineapple chips {n}")
    description = "Retail packs, halal certified."
    category = factory.SubFactory(SubCategoryFactory)
    quantity = 1000
    unit = "pack"
    destination_country = "NL"
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    request = factory.SubFactory(BuyingRequestFactory)
    business = factory.SubFactory(BusinessFactory)
    price_usd = Decimal("1.90")
    moq = 200
    lead_time_days = 21
    message = "We can supply this."
