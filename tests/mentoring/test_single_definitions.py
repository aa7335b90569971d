""" "An active mentor of this business" and export readiness are each defined once.

The source proofs read the code (every module outside tests and migrations) with
Python's own parser:

- no query filters mentorships on the active status except ``MentorshipQuerySet`` in
  ``mentoring/models.py``, the one definition (active, with an approved mentor whose
  account is active); everything else asks ``Mentorship.objects.active()``, the
  selectors built on it or ``Business.objects.mentored_by(user)``;
- no module outside ``mentoring/readiness/`` builds a readiness item, pairs a checklist key with
  its label, or defines a readiness function of its own;
- umkm imports neither mentoring nor readiness (its pages load the ``readiness``
  template tags), readiness imports only mentoring's models, and the API imports
  selectors and services, never a view module.

The behaviour proofs: a mentor whose mentorship is requested, declined, completed or
expired, or whose mentor approval was withdrawn, gets 404 on the business's back-office
pages, its product review and its inquiry threads, and is told of nothing; the same
mentor with an active mentorship is let in and told.
"""

import ast

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from marketplace import services as marketplace_services
from marketplace.models import Inquiry
from mentoring.models import Mentorship
from mentoring.readiness.checks import CHECKS
from mentoring.readiness.selectors import business_readiness, export_ready_q, readiness_scores
from mentoring.selectors import active_mentors_of, businesses_mentored_by, is_active_mentor
from notifications.models import Notification
from umkm import services as umkm_services
from umkm.models import Business, Certification, Product, ProductImage

from ..factories import (
    AttendedRegistrationFactory,
    BuyerFactory,
    CertificationFactory,
    ListedProductFactory,
    MentorFactory,
    MentorshipFactory,
    ProductFactory,
    StaffFactory,
)
from ..support import ROOT

PROJECT = {
    "accounts",
    "backoffice",
    "config",
    "core",
    "demo",
    "marketplace",
    "mentoring",
    "notifications",
    "umkm",
}
SKIP_DIRS = {".venv", "tests", "migrations", "node_modules", "var", "static", "locale", ".git"}


def sources() -> dict[str, ast.Module]:
    """Every Python module of the project but tests and migrations, parsed."""
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIP_DIRS & set(relative.parts[:-1]):
            continue
        found[relative.as_posix()] = ast.parse(path.read_text(encoding="utf-8"))
    return found


SOURCES = sources()


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _mentions_active(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return node.value == "active"
    if isinstance(node, ast.Attribute):
        return node.attr == "ACTIVE"
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return any(_mentions_active(element) for element in node.elts)
    return False


def _is_status_lookup(name: str) -> bool:
    return name.split("__")[-1] == "status" or name.endswith("status__in")


WRITES = {"create", "get_or_create", "update_or_create", "update", "Mentorship"}


def active_status_filters() -> list[str]:
    """Where code filters on an active status: ``status="active"``,
    ``mentorship__status=Mentorship.Status.ACTIVE``, ``status__in=[…, ACTIVE]``, and
    lookups spelled in strings (``"mentorships__status"``)."""
    found = []
    for name, tree in SOURCES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _call_name(node) not in WRITES:
                for keyword in node.keywords:
                    if (
                        keyword.arg
                        and _is_status_lookup(keyword.arg)
                        and _mentions_active(keyword.value)
                    ):
                        found.append(f"{name}:{node.lineno} {keyword.arg}")
            if isinstance(node, ast.Constant) and any(
                lookup in str(node.value)
                for lookup in ("mentorships__status", "mentorship__status")
            ):
                found.append(f"{name}:{node.lineno} {node.value!r}")
    return found


def test_the_active_mentor_condition_is_written_once():
    places = active_status_filters()
    assert places, "the scan finds the definition itself"
    assert {place.split(":")[0] for place in places} == {"mentoring/models.py"}, places


def test_the_scan_would_see_a_second_definition():
    tree = ast.parse(
        "Mentorship.objects.filter(status='active')\n"
        "Business.objects.filter(mentorships__status=Mentorship.Status.ACTIVE)\n"
        "Count('mentorships', filter=Q(user__mentorships__status__in=['active']))\n"
        "Business.objects.filter(**{'mentorships__status': 'active'})\n"
        "Mentorship.objects.create(status='active')\n"  # a write, not a rule
    )
    SOURCES["example.py"] = tree
    try:
        assert len([p for p in active_status_filters() if p.startswith("example.py")]) == 4
    finally:
        del SOURCES["example.py"]


# Readiness -----------------------------------------------------------------------------

READINESS_NAMES = {"CheckItem", "Readiness", "Check", "Facts", "BusinessFacts", "Checklist"}
READINESS_FUNCTIONS = {
    "product_readiness",
    "business_readiness",
    "business_facts",
    "export_ready_q",
    "with_readiness",
    "readiness_score",
    "readiness_scores",
}


def _labels() -> set[str]:
    with translation.override(None):
        return {str(check.label) for check in CHECKS}


def _strings(node: ast.AST) -> set[str]:
    """String literals among a tuple's elements or a call's arguments, one level deep
    (``_("HS code")`` counts as its string)."""
    values = set()
    children = node.elts if isinstance(node, ast.Tuple | ast.List) else node.args
    for child in children:
        if isinstance(child, ast.Call) and child.args:
            child = child.args[0]
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            values.add(child.value)
    return values


def test_no_module_outside_readiness_builds_a_readiness_item():
    keys = {check.key for check in CHECKS}
    labels = _labels()
    offending = []
    for name, tree in SOURCES.items():
        if name.startswith("mentoring/readiness/"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _call_name(node) in READINESS_NAMES:
                offending.append(f"{name}:{node.lineno} builds {_call_name(node)}")
            if (
                isinstance(node, ast.FunctionDef | ast.ClassDef)
                and node in tree.body  # a module's own function or class
                and node.name in READINESS_FUNCTIONS | READINESS_NAMES
            ):
                offending.append(f"{name}:{node.lineno} defines {node.name}")
            if isinstance(node, ast.Assign) and any(
                getattr(target, "id", "") in {"FOOD_PERMITS", "MIN_PHOTOS", "READINESS_KEYS"}
                for target in node.targets
            ):
                offending.append(f"{name}:{node.lineno} defines a readiness constant")
            if isinstance(node, ast.Tuple | ast.List | ast.Call):
                strings = _strings(node)
                if strings & keys and strings & labels:
                    offending.append(f"{name}:{node.lineno} pairs a key with its label")
    assert offending == []


# Imports -------------------------------------------------------------------------------


def _imports(tree: ast.Module, *, module_level: bool) -> set[str]:
    nodes = tree.body if module_level else ast.walk(tree)
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def _top(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


def test_umkm_imports_neither_mentoring_nor_readiness():
    for name, tree in SOURCES.items():
        if not name.startswith("umkm/"):
            continue
        assert "readiness" not in _top(_imports(tree, module_level=False)), name
        assert "mentoring" not in _top(_imports(tree, module_level=True)), name
    for name in ("umkm/models.py", "umkm/selectors.py", "umkm/services.py"):
        everywhere = _imports(SOURCES[name], module_level=False)
        assert "mentoring" not in _top(everywhere), name
        assert "django.apps" not in everywhere, name  # no apps.get_model to dodge it


def test_readiness_reads_mentoring_models_only_and_mentoring_models_do_not_read_it():
    for name, tree in SOURCES.items():
        if name.startswith("mentoring/readiness/"):
            mentoring = {m for m in _imports(tree, module_level=False) if m.startswith("mentoring")}
            assert mentoring <= {"mentoring.models"}, name
    assert "readiness" not in _top(_imports(SOURCES["mentoring/models.py"], module_level=False))


def test_the_api_imports_selectors_and_services_never_views():
    tree = SOURCES["marketplace/api.py"]
    relative = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module
    }
    assert not {m for m in relative if m.startswith("views")}, relative
    ours = {m for m in _imports(tree, module_level=False) if m.split(".")[0] in PROJECT}
    assert not {m for m in ours if ".views" in m}, ours


# Behaviour: the rule at every door ------------------------------------------------------

LOST = ["requested", "declined", "completed", "expired", "approval_withdrawn"]


def _mentor_with(business, how: str):
    """A mentor of ``business`` in the state ``how`` (or "active")."""
    mentor = MentorFactory()
    status = how if how in Mentorship.Status.values else Mentorship.Status.ACTIVE
    MentorshipFactory(mentor=mentor, business=business, status=status)
    if how == "approval_withdrawn":
        mentor.mentor_approved_at = None
        mentor.save(update_fields=["mentor_approved_at"])
    elif how == "deactivated":
        mentor.is_active = False
        mentor.save(update_fields=["is_active"])
    return mentor


@pytest.fixture
def shop(db):
    """A verified food business with a listed product, a submitted draft and a thread."""
    listed = ListedProductFactory(business__verified_at=timezone.now())
    business = listed.business
    draft = ProductFactory(business=business, status=Product.Status.SUBMITTED)
    buyer = BuyerFactory()
    inquiry = marketplace_services.inquiry_create(
        buyer=buyer,
        business=business,
        product=listed,
        quantity=500,
        unit="pack",
        incoterm="FOB",
        destination_country="NL",
        message="Please quote 500 packs.",
    )
    return business, draft, buyer, inquiry


def _pages(business, draft, inquiry) -> dict:
    return {
        "business": reverse("umkm:business-detail", args=[business.slug]),
        "products": reverse("umkm:product-list", args=[business.slug]),
        "product": reverse("umkm:product-detail", args=[draft.pk]),
        "thread": reverse("marketplace:inquiry-detail", args=[inquiry.pk]),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("how", LOST)
def test_a_mentor_who_lost_the_business_gets_404_everywhere(client, shop, how):
    business, draft, _buyer, inquiry = shop
    mentor = _mentor_with(business, how)
    client.force_login(mentor)
    for page, url in _pages(business, draft, inquiry).items():
        assert client.get(url).status_code == 404, page
    response = client.post(reverse("umkm:product-approve", args=[draft.pk]), {"comment": ""})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert (draft.status, draft.is_listed) == (Product.Status.SUBMITTED, False)
    queue = client.get(reverse("umkm:review-queue"))
    assert queue.status_code == 404 or draft not in queue.context["products"]
    assert not is_active_mentor(user=mentor, business=business)
    assert business not in businesses_mentored_by(mentor)
    assert mentor not in active_mentors_of(business)


@pytest.mark.django_db
def test_the_same_mentor_with_an_active_mentorship_is_let_in(client, shop):
    business, draft, _buyer, inquiry = shop
    mentor = _mentor_with(business, "active")
    client.force_login(mentor)
    for page, url in _pages(business, draft, inquiry).items():
        assert client.get(url).status_code == 200, page
    assert draft in client.get(reverse("umkm:review-queue")).context["products"]
    client.post(reverse("umkm:product-approve", args=[draft.pk]), {"comment": ""})
    draft.refresh_from_db()
    assert draft.is_listed


def _told(user, kind: str) -> bool:
    return Notification.objects.filter(recipient=user, kind=kind).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("how", [*LOST, "deactivated", "active"])
def test_only_an_active_mentor_is_told_of_submissions_and_inquiries(shop, how):
    business, _draft, buyer, _inquiry = shop
    mentor = _mentor_with(business, how)
    staff = StaffFactory()
    product = ProductFactory(business=business)
    umkm_services.product_submit(product=product, actor=business.owner)
    marketplace_services.inquiry_create(
        buyer=buyer,
        business=business,
        product=None,
        quantity=100,
        unit="pack",
        incoterm="FOB",
        destination_country="NL",
        message="A second question.",
    )
    active = how == "active"
    assert _told(mentor, "product_submitted") is active
    assert _told(mentor, "inquiry_received") is active
    # Without an active mentor, staff review the product.
    assert _told(staff, "product_submitted") is not active
    assert _told(business.owner, "inquiry_received")


@pytest.mark.django_db
@pytest.mark.parametrize("how", [*LOST, "deactivated"])
def test_a_business_whose_mentor_lost_it_has_no_mentor_on_its_checklist(client, how):
    product = ListedProductFactory(business__verified_at=timezone.now())
    business = product.business
    CertificationFactory(business=business, kind=Certification.Kind.PIRT)
    CertificationFactory(business=business, kind=Certification.Kind.HALAL)
    AttendedRegistrationFactory(business=business)
    ProductImage.objects.bulk_create(
        ProductImage(product=product, image=f"products/x{i}.jpg", width=4, height=3)
        for i in range(3)
    )
    mentor = _mentor_with(business, how)
    missing = {item.key for item in business_readiness(business).missing}
    assert "mentor" in missing
    bulk = readiness_scores(Business.objects.filter(pk=business.pk))[business.pk]
    assert bulk == business_readiness(business).score
    assert not Product.objects.filter(export_ready_q(), pk=product.pk).exists()
    # The supplier page does not name them either.
    page = client.get(reverse("marketplace:supplier", args=[business.slug]))
    assert mentor.get_full_name() not in page.context["mentor_names"]
    # With an active mentor instead, the product is export-ready.
    MentorshipFactory(business=business)
    assert Product.objects.filter(export_ready_q(), pk=product.pk).exists()


@pytest.mark.django_db
def test_inquiry_visibility_is_one_selector_for_the_web_and_the_api(shop):
    from marketplace.selectors import inbox_for, inquiries_visible_to

    business, _draft, buyer, inquiry = shop
    Inquiry.objects.filter(pk=inquiry.pk).update(status=Inquiry.Status.SPAM)
    mentor = _mentor_with(business, "active")
    # Spam leaves the owner's and the mentor's view; the buyer keeps it, shown as open.
    assert inquiry not in inquiries_visible_to(business.owner)
    assert inquiry not in inquiries_visible_to(mentor)
    assert inquiry in inquiries_visible_to(buyer)
    assert inquiry in inbox_for(buyer, status=Inquiry.Status.OPEN)
    assert inquiry not in inbox_for(buyer, status=Inquiry.Status.REPLIED)
    assert not inbox_for(buyer).filter(~Q(buyer=buyer)).exists()
