"""Value rules that used to live only in forms now live in the models (issue 12).

For each rule: the model's ``full_clean()`` refuses the value with the message the site
shows; the site's form shows that same message and saves nothing; the admin change page
shows it too and saves nothing. The CHECK constraints behind the rules carry the same
message, so the admin never says "Constraint … is violated."
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from core.bounds import MAX_SEATS
from marketplace.countries import BUYER_COUNTRIES
from marketplace.models import BuyerProfile
from mentoring.forms.trainings import SessionForm
from mentoring.models import MentorProfile, TrainingSession
from umkm.models import Product

from ..factories import (
    BuyerFactory,
    DoneSessionFactory,
    MentorFactory,
    OwnerFactory,
    ProductFactory,
    StaffFactory,
)
from ..support.forms_as_sent import admin_data, form_data, signed_in

pytestmark = pytest.mark.django_db

UNKNOWN_TOPIC = "Select a valid choice. cooking is not one of the available choices."
TOO_MANY_MENTEES = "At most 50 businesses at once."
NO_COMPANY = "Enter your company's name."
UNKNOWN_COUNTRY = "Select a valid choice. XX is not one of the available choices."
LONG_INTERESTS = "Ensure this value has at most 2000 characters (it has 2001)."
SAMPLE_PRICE = "Tick “samples available” to give a sample price."
DEADLINE_AFTER_START = "Registration must close before the session starts."
TOO_MANY_SEATS = f"Ensure this value is less than or equal to {MAX_SEATS}."


def refusal(instance) -> dict[str, list[str]]:
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            instance.full_clean()
        return {name: [str(m) for m in messages] for name, messages in caught.value}


def constraint_refusal(instance) -> list[str]:
    """What ``validate_constraints()`` (the admin's and every ModelForm's last check)
    says about ``instance``."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            instance.validate_constraints()
        return [str(message) for message in caught.value.messages]


def page_data(client: Client, url: str) -> dict:
    """The site form of ``url`` (with its price-tier formset, if any) as sent."""
    response = client.get(url)
    assert response.status_code == 200, url
    data = form_data(response.context["form"])
    tiers = response.context.get("tiers")
    if tiers is not None:
        data.update(form_data(tiers.management_form))
        for form in tiers.forms:
            data.update(form_data(form))
    return data


def post_site_form(client: Client, url: str, **changes):
    data = page_data(client, url)
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 200, "the form was accepted"
    errors = response.context["form"].errors
    assert_shown(response, errors)
    return errors


def assert_shown(response, errors) -> None:
    page = response.content.decode()
    for messages in errors.values():
        for message in messages:
            assert escape(message) in page, message


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def post_admin_change(client: Client, obj, **changes):
    url = change_url(obj)
    data = admin_data(client, url)
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 200, "the admin accepted the change"
    errors = response.context["adminform"].form.errors
    assert_shown(response, errors)
    assert "is violated" not in response.content.decode()
    return errors


@pytest.fixture
def admin_client_en():
    return signed_in(StaffFactory(is_superuser=True, language="en"))


# Mentor profile: topics and the mentee cap ---------------------------------------------


@pytest.fixture
def mentor_en():
    return MentorFactory(language="en")


@pytest.fixture
def profile(mentor_en):
    return MentorProfile.objects.create(user=mentor_en, topics=["export"], capacity=5)


def test_the_model_refuses_a_topic_that_is_not_offered(mentor_en):
    profile = MentorProfile(user=mentor_en, topics=["export", "cooking"])
    assert refusal(profile) == {"topics": [UNKNOWN_TOPIC]}


@pytest.mark.parametrize("topics", ["export", {"export": True}, [1, 2]])
def test_the_model_refuses_topics_that_are_not_a_list_of_keys(mentor_en, topics):
    profile = MentorProfile(user=mentor_en, topics=topics)
    assert refusal(profile) == {"topics": ["Enter a list of topics."]}


def test_the_model_refuses_more_mentees_than_the_cap(mentor_en):
    profile = MentorProfile(user=mentor_en, topics=["export"], capacity=51)
    assert refusal(profile) == {"capacity": [TOO_MANY_MENTEES]}


def test_the_mentor_profile_form_shows_the_models_messages_and_saves_nothing(mentor_en):
    client = signed_in(mentor_en)
    url = reverse("mentoring:mentor-profile")
    errors = post_site_form(
        client, url, topics=["export", "cooking"], capacity="51", bio_en="New bio"
    )
    assert errors == {"topics": [UNKNOWN_TOPIC], "capacity": [TOO_MANY_MENTEES]}
    assert not MentorProfile.objects.filter(user=mentor_en).exists()


def test_the_admin_refuses_an_unknown_topic_with_the_sites_message(admin_client_en, profile):
    errors = post_admin_change(admin_client_en, profile, topics='["cooking"]')
    assert errors == {"topics": [UNKNOWN_TOPIC]}
    profile.refresh_from_db()
    assert profile.topics == ["export"]


def test_the_admin_refuses_too_many_mentees_with_the_sites_message(admin_client_en, profile):
    errors = post_admin_change(admin_client_en, profile, capacity="51")
    assert errors == {"capacity": [TOO_MANY_MENTEES]}
    profile.refresh_from_db()
    assert profile.capacity == 5


def test_the_mentee_cap_constraint_speaks_the_sites_words(profile):
    profile.capacity = 51
    assert constraint_refusal(profile) == [TOO_MANY_MENTEES]
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorProfile.objects.filter(pk=profile.pk).update(capacity=51)


# Buyer profile: company name, country, interests ---------------------------------------


@pytest.fixture
def buyer_profile():
    return BuyerProfile.objects.create(
        user=BuyerFactory(),
        company="Nordic Pantry AB",
        country="SE",
        buyer_type=BuyerProfile.BuyerType.IMPORTER,
    )


def bad_buyer_values() -> dict:
    return {"company": " \t  ", "country": "XX", "interests": "x" * 2001}


def test_the_model_refuses_a_blank_company_an_unknown_country_and_long_interests():
    profile = BuyerProfile(
        user=BuyerFactory(), buyer_type=BuyerProfile.BuyerType.IMPORTER, **bad_buyer_values()
    )
    assert refusal(profile) == {
        "company": [NO_COMPANY],
        "country": [UNKNOWN_COUNTRY],
        "interests": [LONG_INTERESTS],
    }


def test_the_model_refuses_an_empty_company_name_in_the_same_words():
    profile = BuyerProfile(
        user=BuyerFactory(), company="", country="SE", buyer_type=BuyerProfile.BuyerType.AGENT
    )
    assert refusal(profile) == {"company": [NO_COMPANY]}


def test_the_model_joins_runs_of_spaces_in_the_company_name(buyer_profile):
    buyer_profile.company = "  Nordic   Pantry\tAB "
    buyer_profile.full_clean()
    assert buyer_profile.company == "Nordic Pantry AB"


def test_the_buyer_profile_form_shows_the_models_messages_once_and_saves_nothing():
    buyer = BuyerFactory()
    client = signed_in(buyer)
    url = reverse("marketplace:buyer-profile")
    errors = post_site_form(
        client, url, buyer_type=BuyerProfile.BuyerType.IMPORTER, **bad_buyer_values()
    )
    assert errors == {
        "company": [NO_COMPANY],
        "country": [UNKNOWN_COUNTRY],
        "interests": [LONG_INTERESTS],
    }
    assert not BuyerProfile.objects.filter(user=buyer).exists()


def test_the_admin_refuses_bad_buyer_values_with_the_sites_messages(admin_client_en, buyer_profile):
    errors = post_admin_change(admin_client_en, buyer_profile, **bad_buyer_values())
    assert errors == {
        "company": [NO_COMPANY],
        "country": [UNKNOWN_COUNTRY],
        "interests": [LONG_INTERESTS],
    }
    buyer_profile.refresh_from_db()
    assert (buyer_profile.company, buyer_profile.country, buyer_profile.interests) == (
        "Nordic Pantry AB",
        "SE",
        "",
    )


def test_the_admin_offers_the_same_countries_as_the_site(admin_client_en, buyer_profile):
    url = change_url(buyer_profile)
    response = admin_client_en.get(url)
    offered = dict(response.context["adminform"].form.fields["country"].choices)
    assert offered.keys() - {""} == BUYER_COUNTRIES.keys()
    data = admin_data(admin_client_en, url)
    data["country"] = "ID"
    assert admin_client_en.post(url, data).status_code == 302
    buyer_profile.refresh_from_db()
    assert buyer_profile.country == "ID"


# Product: a sample price needs samples ---------------------------------------------------


@pytest.fixture
def product():
    return ProductFactory(business__owner=OwnerFactory(language="en"), sample_available=False)


def test_the_model_refuses_a_sample_price_without_samples(product):
    product.sample_price_usd = Decimal("5.00")
    assert refusal(product) == {"sample_price_usd": [SAMPLE_PRICE]}


def test_the_product_form_shows_the_models_message_and_saves_nothing(product):
    client = signed_in(product.business.owner)
    url = reverse("umkm:product-edit", args=[product.pk])
    errors = post_site_form(client, url, sample_price_usd="5.00")
    assert errors == {"sample_price_usd": [SAMPLE_PRICE]}
    product.refresh_from_db()
    assert product.sample_price_usd is None


def test_the_admin_refuses_a_sample_price_without_samples(admin_client_en, product):
    errors = post_admin_change(admin_client_en, product, sample_price_usd="5.00")
    assert errors == {"sample_price_usd": [SAMPLE_PRICE]}
    product.refresh_from_db()
    assert product.sample_price_usd is None


def test_the_sample_price_constraint_speaks_the_sites_words(product):
    product.sample_price_usd = Decimal("5.00")
    assert constraint_refusal(product) == [SAMPLE_PRICE]
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(sample_price_usd=Decimal("5.00"))


# Training session: one seat bound; the schedule's constraints ------------------------------


def test_the_session_form_takes_its_seat_bound_from_the_model():
    """One bound: the form's input says the model's maximum and the form refuses with
    the model's message (it declares no bound of its own)."""
    assert SessionForm().fields["capacity"].widget.attrs["max"] == MAX_SEATS
    session = DoneSessionFactory.build(host=MentorFactory(), capacity=MAX_SEATS + 1)
    assert refusal(session) == {"capacity": [TOO_MANY_SEATS]}
    with translation.override("en"):
        form = SessionForm(data={"capacity": MAX_SEATS + 1}, instance=session)
        assert form.errors["capacity"] == [TOO_MANY_SEATS]


def test_the_admin_refuses_too_many_seats_with_the_sites_message(admin_client_en):
    session = DoneSessionFactory()
    errors = post_admin_change(admin_client_en, session, capacity=str(MAX_SEATS + 1))
    assert errors == {"capacity": [TOO_MANY_SEATS]}
    session.refresh_from_db()
    assert session.capacity == 20


def test_the_admin_shows_the_sites_words_for_a_deadline_after_the_start(admin_client_en):
    session = DoneSessionFactory()
    later = timezone.localtime(session.starts_at + timedelta(days=1))
    errors = post_admin_change(
        admin_client_en,
        session,
        registration_deadline_0=later.strftime("%Y-%m-%d"),
        registration_deadline_1=later.strftime("%H:%M:%S"),
    )
    assert errors == {"registration_deadline": [DEADLINE_AFTER_START]}
    before = session.registration_deadline
    session.refresh_from_db()
    assert session.registration_deadline == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"registration_deadline": "+1"}, DEADLINE_AFTER_START),
        ({"ends_at": "-1"}, "The session must end after it starts."),
    ],
)
def test_the_schedule_constraints_speak_the_sites_words(change, message):
    session = DoneSessionFactory()
    for name, days in change.items():
        setattr(session, name, session.starts_at + timedelta(days=int(days)))
    assert constraint_refusal(session) == [message]


def test_every_check_constraint_behind_a_form_rule_has_its_own_message():
    named = {
        (model.__name__, constraint.name): constraint.violation_error_message
        for model in (MentorProfile, TrainingSession, Product)
        for constraint in model._meta.constraints
    }
    for key in [
        ("MentorProfile", "mentor_capacity_sane"),
        ("TrainingSession", "session_ends_after_start"),
        ("TrainingSession", "session_deadline_before_start"),
        ("Product", "product_sample_price_needs_samples"),
    ]:
        assert named[key], key
        assert "violated" not in str(named[key])
