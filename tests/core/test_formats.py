"""One date and number style everywhere (issue 15): "5 Dec 2026" / "5 Des 2026",
"Rp 25.000" in both languages, times with their zone, units translated, countries by
their translated name."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from core.formatting import (
    format_date,
    format_datetime,
    format_number,
    format_rupiah,
    format_usd,
)
from marketplace.forms.buyers import BuyerProfileForm
from marketplace.forms.inquiries import InquiryForm
from notifications.models import Notification
from umkm import services as umkm_services
from umkm.models import Certification, Product

from ..factories import (
    BusinessFactory,
    InquiryFactory,
    ListedProductFactory,
)
from ..support.forms_as_sent import signed_in

DECEMBER_5 = dt.date(2026, 12, 5)
# 07:30 UTC is 14:30 in Jakarta (WIB, UTC+7).
AFTERNOON = dt.datetime(2026, 12, 5, 7, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "date", "moment", "count", "fraction"),
    [
        ("en", "5 Dec 2026", "5 Dec 2026, 14:30 WIB", "2,400", "2.5"),
        ("id", "5 Des 2026", "5 Des 2026, 14:30 WIB", "2.400", "2,5"),
    ],
)
def test_dates_and_numbers_in_both_languages(language, date, moment, count, fraction):
    with translation.override(language), timezone.override("Asia/Jakarta"):
        assert format_date(DECEMBER_5) == date
        assert format_datetime(AFTERNOON) == moment
        assert format_number(2400) == count
        assert format_number(Decimal("2.5")) == fraction
        # Money in its currency's own convention, the same in both languages.
        assert format_rupiah(Decimal(25000)) == "Rp 25.000"
        assert format_rupiah(1_500_000) == "Rp 1.500.000"
        assert format_usd(Decimal("1250.5")) == "US$ 1,250.50"
        # Django's named formats say the same (templates using |date:"SHORT_DATE_FORMAT").
        rendered = Template(
            '{{ d|date:"SHORT_DATE_FORMAT" }}|{{ t|date:"SHORT_DATETIME_FORMAT" }}|'
            "{{ d|day }}|{{ t|moment }}|{{ n|number }}|{{ n|rupiah }}"
        ).render(Context({"d": DECEMBER_5, "t": AFTERNOON, "n": 25000}))
        grouped = "25,000" if language == "en" else "25.000"
        assert rendered == f"{date}|{moment}|{date}|{moment}|{grouped}|Rp 25.000"


def test_a_time_is_shown_with_the_zone_it_is_in():
    with translation.override("en"):
        assert format_datetime(AFTERNOON, "Europe/Amsterdam") == "5 Dec 2026, 08:30 CET"
        assert format_datetime(AFTERNOON, "Asia/Makassar") == "5 Dec 2026, 15:30 WITA"


@pytest.fixture
def product(db):
    return ListedProductFactory(
        moq=2400, price_idr=Decimal(25000), fob_usd=None, unit=Product.Unit.PACK
    )


@pytest.mark.parametrize(("language", "moq"), [("en", "2,400 pack"), ("id", "2.400 pak")])
def test_product_page_shows_rupiah_and_quantity_in_the_site_style(client, product, language, moq):
    url = reverse("marketplace:product", args=[product.slug]) + f"?lang={language}"
    content = client.get(url).content.decode()
    assert "Rp 25.000" in content
    assert moq in content
    assert "Rp 25000" not in content and "Rp 25,000" not in content


def test_inquiry_shows_quantity_unit_and_time_in_each_readers_language(cast):
    inquiry = InquiryFactory(
        business=cast.business, buyer=cast.buyer, quantity=2400, unit=Product.Unit.PACK
    )
    cast.buyer.language, cast.owner.language = "en", "id"
    cast.buyer.save(update_fields=["language"])
    cast.owner.save(update_fields=["language"])
    url = reverse("marketplace:inquiry-detail", args=[inquiry.pk])
    sent = timezone.localtime(inquiry.created_at, timezone.get_fixed_timezone(7 * 60))
    hour = sent.strftime("%H:%M")
    buyer_page = signed_in(cast.buyer).get(url).content.decode()
    owner_page = signed_in(cast.owner).get(url).content.decode()
    assert "2,400 pack" in buyer_page
    assert "2.400 pak" in owner_page
    # Sent at … in the viewer's zone (both Asia/Jakarta here), with the zone.
    assert f"{hour} WIB" in buyer_page and f"{hour} WIB" in owner_page
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{4}", buyer_page + owner_page)
    assert "a.m." not in buyer_page and "p.m." not in buyer_page


@pytest.mark.parametrize(("language", "date"), [("en", "31 Dec 2026"), ("id", "31 Des 2026")])
def test_notification_dates_are_unambiguous_in_the_recipients_language(db, language, date):
    business = BusinessFactory()
    business.owner.language = language
    business.owner.save(update_fields=["language"])
    Certification.objects.create(
        business=business,
        kind=Certification.Kind.HALAL,
        number="H-1",
        issued_on=dt.date(2024, 1, 1),
        expires_on=dt.date(2026, 12, 31),
        verified_at=timezone.now(),
    )
    assert umkm_services.certifications_warn_expiring(today=dt.date(2026, 12, 5)) == 1
    notification = Notification.objects.get(recipient=business.owner)
    assert date in notification.title
    assert "2026-12-31" not in notification.title


def _country_names(field) -> list[str]:
    return [str(label) for code, label in field.choices if code]


@pytest.mark.parametrize("language", ["en", "id"])
def test_inquiry_form_countries_are_sorted_by_translated_name(db, language):
    with translation.override(language):
        names = _country_names(InquiryForm().fields["destination_country"])
        countries = names[:-1]  # "Other" stays last
        assert countries == sorted(countries, key=str.casefold)
        assert names[-1].startswith("Other" if language == "en" else names[-1][:3])
        if language == "en":
            assert names.index("Argentina") < names.index("United Arab Emirates")
        else:
            # Afrika Selatan (ZA) comes first in Indonesian, not last as by its code.
            assert names[0] == translation.gettext("South Africa")


def test_buyer_profile_countries_are_sorted_by_name(db):
    names = _country_names(BuyerProfileForm().fields["country"])
    assert names.index("Argentina") < names.index("United Arab Emirates")
    assert names.index("Åland Islands") < names.index("Albania")


@pytest.mark.parametrize(("language", "until"), [("en", "12 Apr 2029"), ("id", "12 Apr 2029")])
def test_certificates_say_valid_until_without_a_day_month_puzzle(client, product, language, until):
    Certification.objects.create(
        business=product.business,
        kind=Certification.Kind.HALAL,
        number="HALAL-9",
        issued_on=dt.date(2025, 4, 12),
        expires_on=dt.date(2029, 4, 12),
        verified_at=timezone.now(),
    )
    url = reverse("marketplace:supplier", args=[product.business.slug]) + f"?lang={language}"
    content = client.get(url).content.decode()
    with translation.override(language):
        expected = translation.gettext("valid until %(date)s") % {"date": until}
    assert expected in content
    assert "12/04/2029" not in content and "04/12/2029" not in content
