"""What the journeys do in a browser, written the way a person sees the page.

An ``Actor`` is one person with their own browser context (cookies, viewport, the
browser's language) and the language the site shows them. Every label, button and
message is looked up by its English msgid and translated into the actor's language
with the project's own catalogues, so one journey runs in English and in Indonesian.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import Locator, Page, expect

if TYPE_CHECKING:
    from playwright.sync_api import Browser

PHONE_WIDTH = 360


@dataclass(frozen=True)
class Variant:
    """How the journey is seen: a desktop in English, or a phone in Indonesian.

    On the phone, the Indonesian users (owners, mentors, staff) see the site in
    Indonesian, as DESIGN.md expects of them; the buyer abroad keeps English.
    """

    name: str
    width: int
    height: int
    is_mobile: bool

    @property
    def is_phone(self) -> bool:
        return self.is_mobile

    def language(self, role: str) -> str:
        if not self.is_phone or role == "buyer":
            return "en"
        return "id"


VARIANTS = {
    "desktop": Variant("desktop", 1280, 800, is_mobile=False),
    "phone": Variant("phone", PHONE_WIDTH, 740, is_mobile=True),
}
BROWSER_LOCALES = {"en": "en-GB", "id": "id-ID"}


def seen_on(name: str):
    """A journey run in one of the ``VARIANTS`` only (a module's ``pytestmark``).

    The phone journeys (``test_journey_phone.py``) hold every role to both variants.
    Each longer flow runs once, as its people work: on the phone for the owners, mentors
    and buyers (the phone variant shows the site in Indonesian to them and in English to
    the buyer, so both languages go through every such flow), on the desktop in English
    for the staff's back office.
    """
    if name not in VARIANTS:
        raise ValueError(f"no variant {name!r}; the variants are {sorted(VARIANTS)}")
    return pytest.mark.parametrize("variant", [name], indirect=True)


def translate(msgid: str, language: str, **params) -> str:
    """The text a person reading ``language`` sees for ``msgid``."""
    with translation.override(language):
        text = translation.gettext(msgid)
    return text % params if params else text


def emails_to(address: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if address in message.to]


def link_in_email(address: str, pattern: str) -> str:
    """The path of the last link matching ``pattern`` mailed to ``address``."""
    for message in reversed(emails_to(address)):
        found = re.search(pattern, message.body)
        if found:
            return found.group(0)
    raise AssertionError(f"no email to {address} with a link like {pattern!r}")


@dataclass
class Journey:
    """One run of a journey: the live server, the browser, the variant, screenshots."""

    base_url: str
    browser: Browser
    variant: Variant
    screenshot_dir: Path
    actors: list[Actor] = field(default_factory=list)
    shots: int = 0

    def actor(self, role: str, language: str | None = None) -> Actor:
        language = language or self.variant.language(role)
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport={"width": self.variant.width, "height": self.variant.height},
            is_mobile=self.variant.is_mobile,
            has_touch=self.variant.is_mobile,
            locale=BROWSER_LOCALES[language],
            timezone_id="Asia/Jakarta",
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        actor = Actor(journey=self, role=role, language=language, page=context.new_page())
        self.actors.append(actor)
        return actor

    def screenshot(self, actor: Actor, name: str) -> Path:
        self.shots += 1
        path = self.screenshot_dir / f"{self.shots:02d}-{actor.role}-{name}.png"
        actor.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        for actor in self.actors:
            actor.page.context.close()


@dataclass
class Actor:
    journey: Journey
    role: str
    language: str
    page: Page

    # Finding things the way a person does -------------------------------------------

    def t(self, msgid: str, **params) -> str:
        return translate(msgid, self.language, **params)

    def field(self, label: str, **params) -> Locator:
        """The form field whose label reads ``label`` (with or without the colon).

        ``label`` is the msgid: a model field's verbose name is lower case and the
        form shows it capitalised, hence the case-insensitive match.
        """
        text = re.escape(self.t(label, **params))
        return self.page.get_by_label(re.compile(rf"^\s*{text}\s*:?\s*$", re.IGNORECASE))

    def button(self, name: str, **params) -> Locator:
        return self.page.get_by_role("button", name=self.t(name, **params), exact=True)

    def link(self, name: str, **params) -> Locator:
        return self.page.get_by_role("link", name=self.t(name, **params), exact=True)

    def open_menu(self) -> None:
        """Open the header's menu when it is folded behind its button (a phone)."""
        toggle = self.page.locator(".menu-toggle")
        if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
            toggle.click()

    def open_filters(self) -> None:
        """Open a list's filters when they are folded behind "Filters (n)" (a phone)."""
        toggle = self.page.locator(".filters-toggle")
        if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
            toggle.click()

    def nav(self, name: str) -> Locator:
        """A link of the site's main navigation (its name may end with an unread count)."""
        self.open_menu()
        navigation = self.page.get_by_role("navigation", name=self.t("Main navigation"))
        text = re.escape(self.t(name))
        return navigation.get_by_role("link", name=re.compile(rf"^{text}(\s+\d+.*)?$"))

    def follow_nav(self, name: str) -> None:
        """Click a link of the main navigation and wait until its page has loaded.

        A click only starts the navigation: a check run straight after it may find the
        old page unloading and no header at all, so this waits for the new document.
        """
        link = self.nav(name)
        with self.page.expect_navigation(wait_until="load"):
            link.click()

    def heading(self, text: str, **params) -> Locator:
        return self.page.get_by_role("heading", name=self.t(text, **params))

    # Doing and checking ---------------------------------------------------------------

    def goto(self, path: str) -> None:
        self.page.goto(path)

    def expect_message(self, msgid: str, **params) -> None:
        """The green (or amber) line at the top of the page after an action."""
        messages = self.page.locator(".messages")
        expect(messages).to_contain_text(self.t(msgid, **params))

    def expect_path(self, path: str) -> None:
        expect(self.page).to_have_url(re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$"))

    def shot(self, name: str) -> Path:
        """Screenshot a key page, which must be in the actor's language."""
        expect(self.page.locator("html")).to_have_attribute("lang", self.language)
        return self.journey.screenshot(self, name)

    def fits_phone(self) -> None:
        """On the phone, the page must not scroll sideways."""
        if not self.journey.variant.is_phone:
            return
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH, f"{self.page.url} is {width}px wide on a {PHONE_WIDTH}px phone"

    # Accounts -------------------------------------------------------------------------

    def sign_up(self, *, email: str, full_name: str, role_label: str, password: str) -> None:
        """Fill allauth's sign-up form, choosing the role and the actor's language."""
        self.field("Email").fill(email)
        self.field("Full name").fill(full_name)
        self.page.get_by_role("radio", name=self.t(role_label), exact=True).check()
        self.field("Preferred language").select_option(self.language)
        self.field("Password").fill(password)
        self.field("Password (again)").fill(password)
        self.button("Sign Up").click()
        expect(self.heading("Verify Your Email Address")).to_be_visible()

    def confirm_email(self, email: str) -> None:
        """Open the link of the verification email and confirm it."""
        path = link_in_email(email, r"/accounts/confirm-email/[^/\s]+/")
        self.goto(path)
        self.button("Confirm").click()

    def log_in(self, email: str, password: str) -> None:
        self.goto("/accounts/login/")
        self.field("Email").fill(email)
        self.field("Password").fill(password)
        self.button("Sign In").click()
        expect(self.page).not_to_have_url(re.compile(r"/accounts/login/"))
