"""IDOR matrix, generated from the URL configuration.

Every URL that takes an id, a slug or a key is listed in ``REGISTRY`` with how to build
an object that belongs to Alice's side (her business, her mentor's training, her
buyer's thread…) and is *not* public, and which of the people below may reach it. Each
other person then asks for it (GET, and POST where the URL changes something) and must
get a refusal (a redirect to sign in, 403, 404 or 405), never the object's private
marker, and no change in the database. A refusal must also look exactly like the answer
for an object that does not exist, so that ids cannot be probed. A first person who
may reach the object then gets it, which proves that the URL really points at it.

A URL with a path argument that is neither in ``REGISTRY`` nor in ``PUBLIC_BY_DESIGN``
fails ``test_every_url_with_an_argument_is_in_the_registry``: a new URL cannot escape.
Every /admin/ URL needs ``is_staff`` (``test_admin_urls_need_staff``).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from .idor_registry import (
    ACTORS,
    ADMIN_PREFIX,
    M_BUSINESS,
    PUBLIC_BY_DESIGN,
    REGISTRY,
    Actors,
    World,
    admin_urls,
    body,
    check_refused,
    control,
    fingerprint,
    missing_kwargs,
    request,
    routes_with_arguments,
)

pytestmark = pytest.mark.django_db


# The world: Alice's side, built lazily so that each URL builds only what it needs ------


# The registry ------------------------------------------------------------------------


# Walking the URL configuration ---------------------------------------------------------


def test_every_url_with_an_argument_is_in_the_registry():
    routes = routes_with_arguments()
    assert len(routes) > 50  # the walk reaches into every include
    missing = [
        f"add {route.name} (/{route.path}) to the IDOR registry"
        for route in routes
        if route.name not in REGISTRY
        and route.name not in PUBLIC_BY_DESIGN
        and not route.path.startswith(ADMIN_PREFIX)
    ]
    assert not missing, "\n".join(missing)
    names = {route.name for route in routes}
    stale = sorted((set(REGISTRY) | set(PUBLIC_BY_DESIGN)) - names)
    assert not stale, f"no longer URLs with an argument: {stale}"


# Running the matrix ------------------------------------------------------------------


@pytest.mark.no_cover  # a matrix: see the README, "Coverage"
@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_idor_matrix(name):
    world = World()
    actors = Actors(world)
    for case in REGISTRY[name]:
        kwargs = case.kwargs(world)
        url = reverse(name, kwargs=kwargs)
        missing_url = reverse(name, kwargs=missing_kwargs(kwargs)) if case.probe else None
        before = fingerprint()
        for method in case.methods:
            refused = []
            for actor in ACTORS:
                if actor in (case.changers if method == "post" else case.see):
                    continue  # may do it: the control below
                variants = [False, True] if case.api and actor != "anonymous" else [False]
                for token in variants:
                    client = actors.client(actor, token=token)
                    data = case.data(world)
                    response = request(client, method, url, data)
                    missing = request(client, method, missing_url, data) if case.probe else None
                    check_refused(case, actor, method, response, missing, url)
                    refused.append(actor)
            if method == "post":  # once for all of them: the database is the same
                assert fingerprint() == before, f"POST {url} as one of {refused} changed data"
        for method in case.methods:
            control(case, actors, url, method)


# The admin ---------------------------------------------------------------------------


@pytest.mark.no_cover  # a matrix: see the README, "Coverage"
@pytest.mark.parametrize("actor", ["anonymous", "owner", "mentor", "pending_mentor", "buyer"])
def test_admin_urls_need_staff(actor):
    world = World()
    client = Actors(world).client(actor)
    urls = admin_urls()
    assert len(urls) > 100
    before = fingerprint()
    login, index = reverse("admin:login"), reverse("admin:index")
    for url in urls:
        for method in ("get", "post"):
            response = request(client, method, url, {"post": "yes"})
            where = f"{method.upper()} {url} as {actor}"
            assert response.status_code == 302, where
            # To the admin's sign-in (the logout URL goes to the index, which does).
            assert response["Location"].startswith(login) or url == reverse("admin:logout"), where
            assert response["Location"].startswith(login) or response["Location"] == index
    assert fingerprint() == before


def test_staff_reach_the_admin():
    """The control: the same URLs are the admin for staff (a superuser, as in the demo)."""
    world = World()
    world.staff.is_superuser = True
    world.staff.save(update_fields=["is_superuser"])
    client = Actors(world).client("staff")
    assert client.get(reverse("admin:index")).status_code == 200
    url = reverse("admin:umkm_business_change", args=[world.business.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert M_BUSINESS in body(response)
