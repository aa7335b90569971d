"""Hostile input to every API endpoint answers a 4xx in the error shape, never a 5xx.

The endpoints, their query parameters and their request fields come from the URL
configuration through the OpenAPI schema generator, so a new endpoint or field is swept
without being listed here. Each is sent, anonymously and with a verified buyer's token:
NUL bytes, 2**31, 10**30, a 1 MB string, wrong types, unknown fields, JSON nested
100,000 deep, bodies that are not JSON objects or too large, lookups no object can
have, and unknown methods. Every answer must be JSON (the schema and docs pages keep
their own formats), a 4xx or a 200 where the input is legitimately ignored (an unknown
query parameter), and nothing may be written. The NUL cases run on PostgreSQL too,
which refuses NUL in text.
"""

import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import DataError, connection
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.api import MAX_BODY_BYTES, MAX_JSON_DEPTH, json_too_deep
from marketplace.models import Inquiry, InquiryMessage
from marketplace.services import inquiry_create
from mentoring.models import TrainingSession
from notifications.models import Notification

from ..factories import PASSWORD, ListedProductFactory

pytestmark = pytest.mark.django_db

INQUIRIES = "/api/v1/inquiries/"
TOKEN = "/api/v1/auth/token/"
NOT_FOUND = {"detail": "Not found.", "errors": {}}
MSG_INVALID = "Some of the values sent are not valid."
OWN_FORMATS = {"/api/schema/", "/api/docs/"}  # an OpenAPI document and an HTML page

MB = "x" * 1_000_000
NUL_VALUES = ["\x00", "a\x00b", "\x00" * 300]
# Values for a query parameter or a path segment (all text on the wire).
TEXT_VALUES = [*NUL_VALUES, str(2**31), str(10**30), "-1", "1e400", "NaN", "%ff", MB]
# Values for one JSON field; none is valid for any field of our requests.
BODY_VALUES = [
    *NUL_VALUES,
    2**31,
    10**30,
    -(2**63),
    True,
    [],
    {},
    [1, 2],
    {"a": 1},
    MB,
    "x" * 200_000,  # under the body limit: the field itself must refuse it
    "\ud800",  # a lone surrogate (not UTF-8; PostgreSQL refuses it)
]
# Whole bodies, as bytes on the wire.
RAW_BODIES = [
    b"[" * 100_000,
    b'{"a":' * 100_000,
    b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1),
    b"[]",
    b'"x"',
    b"null",
    b"1",
    b"true",
    b"{",
    b"",
    b"\xff\xfe",
    b'{"quantity": NaN}',
    b'{"zzz": 1}',
    json.dumps({"items": list(range(60_000))}).encode(),  # valid JSON over the limit
]


@pytest.fixture(autouse=True)
def _high_rates(settings):
    """The sweep sends hundreds of requests; throttling is tested in test_api."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "100000/min",
            "user": "100000/min",
            "token": "100000/min",
        },
    }


class Targets:
    """What the sweep aims at, on the shared cast: the business (verified) and its listed
    product, a published training hosted by the unassigned mentor, and the buyer's
    inquiry; the buyer signs in with a token."""

    def __init__(self, cast):
        self.business = cast.business
        self.business.verified_at = timezone.now()
        self.business.save(update_fields=["verified_at"])
        self.product = ListedProductFactory(business=self.business)
        self.buyer = cast.buyer
        self.token = Token.objects.create(user=self.buyer)
        starts = timezone.now() + timezone.timedelta(days=7)
        self.training = TrainingSession.objects.create(
            host=cast.unassigned_mentor,
            title="Pelatihan ekspor",
            topic="export",
            description_id="Cara mengekspor.",
            description_en="How to export.",
            starts_at=starts,
            ends_at=starts + timezone.timedelta(hours=2),
            registration_deadline=starts - timezone.timedelta(hours=2),
            mode=TrainingSession.Mode.ONLINE,
            capacity=10,
            status=TrainingSession.Status.PUBLISHED,
        )
        self.inquiry = inquiry_create(
            buyer=self.buyer,
            business=self.business,
            product=self.product,
            quantity=500,
            unit="pack",
            incoterm="FOB",
            destination_country="NL",
            message="Please quote 500 packs.",
        )
        mail.outbox.clear()

    def client(self, who: str) -> APIClient:
        client = APIClient()
        if who == "buyer":
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.token.key}")
        return client

    def valid_body(self, path: str) -> dict:
        """A body each POST endpoint accepts, to spoil one field at a time."""
        if path == TOKEN:
            return {"email": self.buyer.email, "password": PASSWORD}
        if path == INQUIRIES:
            return {
                "supplier": self.business.slug,
                "product": self.product.slug,
                "quantity": 500,
                "unit": "pack",
                "incoterm": "FOB",
                "destination_country": "NL",
                "destination_port": "Rotterdam",
                "target_price_usd": "1.80",
                "message": "Please quote 500 packs, FOB Dumai.",
            }
        raise AssertionError(f"no valid body for {path}: add one for the new endpoint")


@pytest.fixture
def targets(cast) -> Targets:
    return Targets(cast)


def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations() -> list[tuple[str, str]]:
    """(method, path template) of every operation under /api/, from the URLconf."""
    return sorted(
        (method.upper(), path)
        for path, item in _schema()["paths"].items()
        for method in item
        if path.startswith("/api/")
    )


def _query_parameters(schema: dict, method: str, path: str) -> list[str]:
    operation = schema["paths"][path][method.lower()]
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]


def _body_fields(schema: dict, method: str, path: str) -> list[str]:
    operation = schema["paths"][path][method.lower()]
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return []
    name = content["schema"]["$ref"].rsplit("/", 1)[-1]
    return list(schema["components"]["schemas"][name]["properties"])


def _fill(path: str, targets: Targets, value: str | None = None) -> str:
    """The path with its lookup filled: a real object's, or ``value``."""
    real = {
        "/api/v1/products/{slug}/": targets.product.slug,
        "/api/v1/suppliers/{slug}/": targets.business.slug,
        "/api/v1/trainings/{id}/": str(targets.training.pk),
        "/api/v1/inquiries/{id}/": str(targets.inquiry.pk),
    }
    if "{" not in path:
        return path
    assert path in real, f"new endpoint with a lookup: add a real object for {path}"
    lookup = value if value is not None else real[path]
    head, _brace, rest = path.partition("{")
    return head + _quote(lookup) + rest.partition("}")[2]


def _quote(value: str) -> str:
    from urllib.parse import quote

    return value if value == "%ff" else quote(value, safe="")


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def _problem(response, allowed: set[int], path: str) -> str | None:
    """What is wrong with ``response``, or None."""
    if response.status_code >= 500:
        return f"{response.status_code}: {response.content[:300]!r}"
    if response.status_code not in allowed:
        return f"status {response.status_code} not in {sorted(allowed)}"
    if path in OWN_FORMATS and response.status_code == 200:
        return None
    content_type = response.get("Content-Type", "")
    if path in OWN_FORMATS:
        return None  # their errors come in their own format, 4xx checked above
    if not content_type.startswith("application/json"):
        return f"{response.status_code} as {content_type}: {response.content[:200]!r}"
    if response.status_code >= 400:
        body = response.json()
        if set(body) != {"detail", "errors"} or not isinstance(body["detail"], str):
            return f"not the error shape: {body!r:.300}"
    return None


def _sweep_gets(targets: Targets, who: str, values: list[str]) -> list[str]:
    schema = _schema()
    problems = []
    for method, path in _operations():
        if method != "GET":
            continue
        client = targets.client(who)
        anonymous_inquiries = who == "anonymous" and path.startswith(INQUIRIES)
        # The lookup: nothing can be found, and it looks as for a missing object.
        if "{" in path:
            for value in values:
                response = client.get(_fill(path, targets, value))
                allowed = {401} if anonymous_inquiries else {404}
                problem = _problem(response, allowed, path)
                if problem is None and not anonymous_inquiries and response.json() != NOT_FOUND:
                    problem = f"not the missing object's answer: {response.json()}"
                if problem:
                    problems.append(f"GET {path} lookup={value[:20]!r} ({who}): {problem}")
        # Each query parameter, and one nobody knows.
        url = _fill(path, targets)
        for name in [*_query_parameters(schema, method, path), "zzz"]:
            for value in values:
                response = client.get(url, {name: value})
                allowed = {401} if anonymous_inquiries else {200, 400, 404}
                problem = _problem(response, allowed, path)
                if problem:
                    problems.append(f"GET {path}?{name}={value[:20]!r} ({who}): {problem}")
    return problems


@pytest.mark.no_cover  # a matrix: see the README, "Coverage"
@pytest.mark.parametrize("who", ["anonymous", "buyer"])
def test_every_get_endpoint_refuses_hostile_lookups_and_query_values(targets, who):
    before = _row_counts()
    problems = _sweep_gets(targets, who, TEXT_VALUES)
    assert not problems, "\n".join(problems)
    assert _row_counts() == before


def _post(client, path: str, body: bytes, **extra):
    return client.generic("POST", path, body, content_type="application/json", **extra)


@pytest.mark.parametrize("who", ["anonymous", "buyer"])
def test_every_post_endpoint_refuses_each_hostile_field_value(targets, who):
    schema = _schema()
    before = _row_counts()
    problems = []
    posts = [path for method, path in _operations() if method == "POST"]
    assert set(posts) == {INQUIRIES, TOKEN}, "a new POST endpoint: give it a valid body"
    for path in posts:
        fields = _body_fields(schema, "POST", path)
        valid = targets.valid_body(path)
        assert set(fields) == set(valid), f"{path}: the valid body misses fields"
        client = targets.client(who)
        allowed = {401} if who == "anonymous" and path == INQUIRIES else {400, 413}
        for field in fields:
            for value in BODY_VALUES:
                body = json.dumps({**valid, field: value}).encode()
                response = _post(client, path, body)
                problem = _problem(response, allowed, path)
                if problem:
                    problems.append(f"POST {path} {field}={value!r:.30} ({who}): {problem}")
        # A field the endpoint does not have, alone and next to valid ones.
        for body in ({"zzz": "1"}, {**valid, "zzz": "1"}, {**valid, "quantity\x00": 1}):
            response = _post(client, path, json.dumps(body).encode())
            problem = _problem(response, allowed, path)
            if problem:
                problems.append(f"POST {path} {list(body)[-1]!r} ({who}): {problem}")
    assert not problems, "\n".join(problems)
    assert _row_counts() == before
    assert not mail.outbox


@pytest.mark.parametrize("who", ["anonymous", "buyer"])
def test_every_post_endpoint_refuses_hostile_bodies(targets, who):
    before = _row_counts()
    problems = []
    for path in [path for method, path in _operations() if method == "POST"]:
        client = targets.client(who)
        allowed = {401} if who == "anonymous" and path == INQUIRIES else {400, 413}
        for body in RAW_BODIES:
            response = _post(client, path, body)
            problem = _problem(response, allowed, path)
            if problem:
                problems.append(f"POST {path} body={body[:20]!r} ({who}): {problem}")
        # A declared length over Django's own limit is refused before anything is read.
        response = _post(client, path, b"{}", CONTENT_LENGTH=str(100 * MAX_BODY_BYTES))
        problem = _problem(response, allowed | {413}, path)
        if problem:
            problems.append(f"POST {path} with a huge Content-Length ({who}): {problem}")
        # Not JSON at all.
        response = client.generic("POST", path, b"a=1", content_type="text/plain")
        problem = _problem(response, {401} if 401 in allowed else {415}, path)
        if problem:
            problems.append(f"POST {path} as text/plain ({who}): {problem}")
    assert not problems, "\n".join(problems)
    assert _row_counts() == before


@pytest.mark.parametrize("who", ["anonymous", "buyer"])
def test_unknown_methods_and_headers_are_refused_in_json(targets, who):
    problems = []
    for method, path in sorted({(m, p) for m, p in _operations()}):
        url = _fill(path, targets)
        client = targets.client(who)
        for other in ("PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"):
            response = client.generic(other, url, b"{}", content_type="application/json")
            problem = _problem(response, {200, 401, 403, 405}, path)
            if problem:
                problems.append(f"{other} {path} ({who}): {problem}")
        for header, value in (
            ("HTTP_AUTHORIZATION", "Token \x00"),
            ("HTTP_AUTHORIZATION", "Token " + "x" * 10_000),
            ("HTTP_AUTHORIZATION", "Token a b"),
            ("HTTP_ACCEPT_LANGUAGE", "\x00;q=x," * 1000),
            ("HTTP_ACCEPT", "\x00"),
        ):
            response = client.generic(
                method, url, b"{}", content_type="application/json", **{header: value}
            )
            problem = _problem(response, {200, 400, 401, 403, 404, 406}, path)
            if problem:
                problems.append(f"{method} {path} {header}={value[:12]!r} ({who}): {problem}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "path",
    [
        "/api/",
        "/api/v1/",
        "/api/v2/products/",
        "/api/v1/nothing/",
        "/api/v1/products/a/b/",
        "/api/v1/%00/",
        "/api/v1/products/%00/",
        "/api/v1/suppliers/%00/",
        "/api/v1/trainings/%00/",
        "/api/v1/inquiries/%00/",
    ],
)
def test_every_api_404_is_the_same_json(targets, path):
    for client in (targets.client("buyer"), targets.client("anonymous")):
        response = client.get(path)
        if path.startswith(INQUIRIES) and response.status_code == 401:
            continue  # anonymous: sign in first
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert response.json() == NOT_FOUND


# The limits themselves ------------------------------------------------------------------


def test_an_unterminated_string_of_escaped_quotes_is_refused_at_once(db):
    """The depth check scans once from left to right: a body that is one long string of
    escaped quotes that never closes (quadratic for a naive string pattern, minutes of a
    worker at the size limit) is read once and refused as not JSON."""
    body = '{"email": "' + '\\"' * (MAX_BODY_BYTES // 2 - 16)
    assert json_too_deep(body) is False
    response = APIClient().post(TOKEN, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {}


def test_json_nested_to_the_limit_is_parsed_and_one_more_level_is_refused(targets):
    client = targets.client("buyer")
    at_limit = {**targets.valid_body(INQUIRIES), "message": "[" * 50}  # brackets in a string
    nested = at_limit
    for _level in range(MAX_JSON_DEPTH - 1):
        nested = {"a": nested}
    response = _post(client, INQUIRIES, json.dumps(nested).encode())
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"a"}  # parsed, then: no such field
    response = _post(client, INQUIRIES, json.dumps({"a": nested}).encode())
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"The JSON in the request body is nested more than {MAX_JSON_DEPTH} levels deep.",
        "errors": {},
    }
    assert not json_too_deep('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')
    assert not json_too_deep('["\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["]')
    assert json_too_deep("[" * (MAX_JSON_DEPTH + 1))


def test_a_body_over_the_limit_is_a_413_and_under_it_is_read(targets):
    client = targets.client("buyer")
    valid = targets.valid_body(INQUIRIES)
    just_under = json.dumps({**valid, "message": "x" * 10}).encode()
    padding = MAX_BODY_BYTES - len(just_under)
    body = just_under[:-1] + b" " * padding + b"}"
    assert len(body) == MAX_BODY_BYTES
    assert _post(client, INQUIRIES, body).status_code == 201
    response = _post(client, INQUIRIES, body + b" ")
    assert response.status_code == 413
    limit = MAX_BODY_BYTES // 1024
    assert response.json() == {
        "detail": f"The request body is too large: at most {limit} KB are accepted.",
        "errors": {},
    }
    # The anonymous token endpoint too.
    response = _post(
        targets.client("anonymous"), TOKEN, b'{"email": "' + b"x" * MAX_BODY_BYTES + b'"}'
    )
    assert response.status_code == 413


def test_wrong_types_name_the_field(targets):
    client = targets.client("buyer")
    valid = targets.valid_body(INQUIRIES)
    for field, value in [
        ("quantity", "abc"),
        ("quantity", []),
        ("supplier", {}),
        ("message", 10**30),
        ("destination_port", 5),
        ("target_price_usd", [1]),
    ]:
        response = _post(client, INQUIRIES, json.dumps({**valid, field: value}).encode())
        assert response.status_code == 400, (field, value)
        assert list(response.json()["errors"]) == [field], (field, value)
    response = _post(client, INQUIRIES, json.dumps({**valid, "quantiy": 5}).encode())
    assert response.json()["errors"] == {"quantiy": ["There is no such field."]}
    for body in (b"[]", b'"x"', b"null"):
        response = _post(client, INQUIRIES, body)
        assert response.status_code == 400
        assert response.json()["errors"]
    assert Inquiry.objects.count() == 1  # the targets' own


@pytest.mark.parametrize("quantity", [2**31, 10**30, 1_000_000_001])
def test_quantity_beyond_a_trade_is_a_clear_400(targets, quantity):
    notifications = Notification.objects.count()
    response = _post(
        targets.client("buyer"),
        INQUIRIES,
        json.dumps({**targets.valid_body(INQUIRIES), "quantity": quantity}).encode(),
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"quantity": ["Enter a quantity from 1 to 1,000,000,000."]}
    assert Inquiry.objects.count() == 1
    assert InquiryMessage.objects.count() == 1
    assert Notification.objects.count() == notifications


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (DataError("integer out of range"), 400, {"detail": MSG_INVALID, "errors": {}}),
        (OverflowError("int too large"), 400, {"detail": MSG_INVALID, "errors": {}}),
        (ValueError("bad"), 400, {"detail": MSG_INVALID, "errors": {}}),
        (
            ValidationError({"destination_port": "No such port."}),
            400,
            {"detail": MSG_INVALID, "errors": {"destination_port": ["No such port."]}},
        ),
    ],
)
def test_errors_that_escape_validation_are_still_a_json_4xx(
    targets, monkeypatch, caplog, error, status, body
):
    """The last guard: what validation missed and the database or a conversion refused
    is a 400 in the error shape, logged so that the gap is found."""

    def refuse(**kwargs):
        raise error

    monkeypatch.setattr("marketplace.api.inquiry_create", refuse)
    response = _post(
        targets.client("buyer"), INQUIRIES, json.dumps(targets.valid_body(INQUIRIES)).encode()
    )
    assert response.status_code == status
    assert response.json() == body
    logged = [r for r in caplog.records if r.name == "core.api" and r.levelname == "ERROR"]
    assert bool(logged) == (not isinstance(error, ValidationError))


# PostgreSQL --------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("who", ["anonymous", "buyer"])
def test_nul_bytes_everywhere_on_postgresql(postgres_db, targets, who):
    """PostgreSQL refuses NUL in text (SQLite stores it): lookups, query values, body
    fields and the token header all answer a 4xx there too."""
    assert connection.vendor == "postgresql"
    before = _row_counts()
    problems = _sweep_gets(targets, who, NUL_VALUES)
    schema = _schema()
    client = targets.client(who)
    for path in [path for method, path in _operations() if method == "POST"]:
        allowed = {401} if who == "anonymous" and path == INQUIRIES else {400}
        for field in _body_fields(schema, "POST", path):
            for value in NUL_VALUES:
                body = json.dumps({**targets.valid_body(path), field: value}).encode()
                problem = _problem(_post(client, path, body), allowed, path)
                if problem:
                    problems.append(f"POST {path} {field}={value!r} ({who}): {problem}")
    response = APIClient().get(INQUIRIES, HTTP_AUTHORIZATION="Token abc\x00def")
    if response.status_code != 401:
        problems.append(f"NUL in the token: {response.status_code}")
    assert not problems, "\n".join(problems)
    assert _row_counts() == before


@pytest.mark.postgres
def test_out_of_range_numbers_on_postgresql(postgres_db, targets):
    client = targets.client("buyer")
    valid = targets.valid_body(INQUIRIES)
    for field, value in [
        ("quantity", 2**31),
        ("quantity", 10**30),
        ("target_price_usd", "100000000"),
        ("target_price_usd", 10**30),
        ("target_price_usd", str(Decimal("1E+30"))),
    ]:
        response = _post(client, INQUIRIES, json.dumps({**valid, field: value}).encode())
        assert response.status_code == 400, (field, value, response.content)
        assert list(response.json()["errors"]) == [field]
    for value in (str(2**31), str(2**63), str(10**30)):
        assert client.get(f"/api/v1/trainings/{value}/").json() == NOT_FOUND
        assert client.get(f"{INQUIRIES}{value}/").json() == NOT_FOUND
        assert client.get("/api/v1/products/", {"moq_max": value}).status_code in (200, 400)
    assert Inquiry.objects.count() == 1


@pytest.mark.parametrize("value", ["²", "٣", "9" * 5000, "-1", "1e3"])
def test_numbers_in_lookups_and_sizes_that_int_refuses_are_a_clear_400(db, value):
    response = APIClient().get("/api/v1/products/", {"page_size": value})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["page_size"]
