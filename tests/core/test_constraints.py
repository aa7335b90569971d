"""CHECK constraints validated in Python (core/constraints.py): the same verdict as the
database's, without a query per constraint."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.bounds import MAX_PRICE_IDR, MAX_QUANTITY
from core.constraints import PyCheckConstraint, evaluate
from umkm.models import Product

from ..factories import ProductFactory
from ..support.queries import captured_queries

pytestmark = pytest.mark.django_db


def constraint(name: str) -> PyCheckConstraint:
    return next(c for c in Product._meta.constraints if c.name == name)


def test_every_check_constraint_of_ours_is_validated_in_python():
    ours = {"accounts", "backoffice", "marketplace", "mentoring", "notifications"}
    ours |= {"outcomes", "pages", "umkm"}
    checks = [
        (model._meta.label, c.name)
        for model in apps.get_models()
        if model._meta.app_label in ours
        for c in model._meta.constraints
        if isinstance(c, CheckConstraint)
    ]
    assert checks
    assert [
        label for label, name in checks if not isinstance(_find(label, name), PyCheckConstraint)
    ] == []


def _find(label, name):
    return next(c for c in apps.get_model(label)._meta.constraints if c.name == name)


def test_a_valid_product_is_validated_without_asking_the_database_about_its_checks():
    product = ProductFactory()
    with captured_queries() as queries:
        product.full_clean()
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in sql if '"_check"' in s or "_check" in s], sql


def test_a_value_out_of_range_is_still_refused_with_the_constraints_message():
    product = ProductFactory()
    product.sample_available = False
    product.sample_price_usd = Decimal("5.00")
    with pytest.raises(ValidationError) as refused:
        product.validate_constraints()
    message = constraint("product_sample_price_needs_samples").get_violation_error_message()
    assert message in refused.value.messages


def test_null_is_unknown_and_passes_as_in_sql():
    assert evaluate(Q(moq__gte=1) & Q(moq__lte=5), {"moq": _value(None)}) is None
    assert evaluate(~Q(moq__gte=1), {"moq": _value(None)}) is None
    assert evaluate(Q(moq__isnull=True) | Q(moq__gte=1), {"moq": _value(None)}) is True


def test_what_python_cannot_decide_goes_to_the_database():
    with pytest.raises(LookupError):
        evaluate(Q(name__gte="a"), {"name": _value("b")})  # text order is the collation's
    with pytest.raises(LookupError):
        evaluate(Q(price__exact=1), {"price": _value("1")})  # mixed types


def _value(v):
    from django.db.models import Value

    return Value(v)


quantities = st.one_of(
    st.none(),
    st.integers(min_value=-5, max_value=5),
    st.integers(min_value=MAX_QUANTITY - 2, max_value=MAX_QUANTITY + 2),
)
prices = st.one_of(
    st.none(),
    st.decimals(min_value=-1, max_value=MAX_PRICE_IDR + 1, places=2, allow_nan=False),
)
statuses = st.sampled_from(["draft", "submitted", "listed", "changes_requested", "archived", "x"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    moq=quantities,
    capacity=quantities,
    price=prices,
    status=statuses,
    listed=st.booleans(),
    sample=st.booleans(),
    sample_price=st.one_of(st.none(), st.decimals(min_value=0, max_value=10, places=2)),
    lead=st.one_of(st.none(), st.integers(min_value=-1, max_value=400)),
)
def test_python_and_the_database_give_the_same_verdict(
    moq, capacity, price, status, listed, sample, sample_price, lead
):
    product = Product(
        moq=moq,
        capacity_per_month=capacity,
        price_idr=price,
        status=status,
        is_listed=listed,
        sample_available=sample,
        sample_price_usd=sample_price,
        lead_time_days=lead,
        listed_at=None,
    )
    against = product._get_field_expression_map(meta=Product._meta)
    for check in Product._meta.constraints:
        if not isinstance(check, CheckConstraint):
            continue
        in_python = evaluate(Q(check.condition), against)
        in_the_database = Q(check.condition).check(against)
        assert (in_python is not False) == in_the_database, (check.name, in_python)


def test_dates_compare_in_python_too():
    condition = Q(day__gte=date(2000, 1, 1)) & Q(day__lte=date(2100, 12, 31))
    assert evaluate(condition, {"day": _value(date(1999, 12, 31))}) is False
    assert evaluate(condition, {"day": _value(date(2026, 12, 5))}) is True
