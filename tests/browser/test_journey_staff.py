"""Staff: work queues and the programme dashboard.

A Disperindag officer reads the dashboard's figures, verifies a business (after
opening its documents and confirming) and approves a mentor from the work queues, and
finds both figures one higher on the dashboard; the mentor is told by email. Arranged
in the database: the officer, one verified business and one approved mentor already in
the programme, a business waiting for verification and a mentor waiting for approval.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from notifications.models import Notification
from umkm.models import Certification

from ..factories import (
    PASSWORD,
    BusinessFactory,
    CertificationFactory,
    MentorFactory,
    OwnerFactory,
    PendingMentorFactory,
    StaffFactory,
)
from .pages import Actor, emails_to, seen_on

pytestmark = [pytest.mark.browser, seen_on("desktop")]

WAITING_BUSINESS = "Keripik Pak Usman"
WAITING_MENTOR = "Neneng Ratnasari"


@pytest.fixture
def programme(variant):
    staff = StaffFactory(
        email="officer@disperindag.test",
        full_name="Rahmat Hidayat",
        language=variant.language("staff"),
    )
    BusinessFactory(name="Keripik Nanas Siti", verified_at=timezone.now())
    MentorFactory(full_name="Dimas Prasetyo")
    owner = OwnerFactory(full_name="Usman Hakim", language=variant.language("owner"))
    business = BusinessFactory(owner=owner, name=WAITING_BUSINESS, nib="9120301234999")
    # Its NIB document is uploaded (the row is not opened: the confirm page links it).
    CertificationFactory(
        business=business,
        kind=Certification.Kind.NIB,
        number=business.nib,
        document=f"certificates/{business.pk}/nib.pdf",
        verified_at=None,
    )
    mentor = PendingMentorFactory(
        email="neneng@mentor.test",
        full_name=WAITING_MENTOR,
        language=variant.language("mentor"),
    )
    return staff, business, mentor


def figure(actor: Actor, key: str) -> int:
    """A headline figure as the officer reads it (digits of the shown text)."""
    value = actor.page.locator(f'[data-figure="{key}"]')
    expect(value).to_be_visible()
    return int(re.sub(r"\D", "", value.inner_text()))


def test_staff_verifies_a_business_and_approves_a_mentor(journey, programme):
    staff_user, business, mentor = programme
    staff = journey.actor("staff")

    # The dashboard's figures before.
    staff.log_in(staff_user.email, PASSWORD)
    staff.expect_path("/staff/")
    verified = figure(staff, "verified")
    approved_mentors = figure(staff, "approved_mentors")
    assert (verified, approved_mentors) == (1, 1)
    staff.shot("dashboard-before")

    # Verify the business from its queue.
    staff.follow_nav("Work queues")
    businesses = staff.page.locator('[data-queue="businesses"]')
    row = businesses.get_by_role("listitem").filter(has_text=WAITING_BUSINESS)
    expect(row).to_be_visible()
    staff.shot("queues")
    # Not one click: the row leads to a page with the documents and a confirmation.
    expect(row.locator("[data-nib-document]")).to_be_visible()
    row.get_by_role("link", name=staff.t("Check documents and verify"), exact=True).click()
    expect(staff.page.locator("[data-nib-document]")).to_be_visible()
    staff.shot("verify-confirm")
    staff.page.get_by_label(
        staff.t("I have compared the NIB document with the NIB number and the business.")
    ).check()
    staff.page.get_by_role("button", name=staff.t("Verify this business"), exact=True).click()
    staff.expect_path("/staff/queues/")
    staff.expect_message("%(name)s is verified.", name=WAITING_BUSINESS)
    expect(businesses.get_by_text(WAITING_BUSINESS)).to_have_count(0)
    business.refresh_from_db()
    assert business.is_verified
    assert Notification.objects.filter(recipient=business.owner, kind="business_verified").exists()

    # Approve the mentor from theirs; the mentor gets the email.
    mentors = staff.page.locator('[data-queue="mentors"]')
    row = mentors.get_by_role("listitem").filter(has_text=WAITING_MENTOR)
    row.get_by_role("button", name=staff.t("Approve"), exact=True).click()
    staff.expect_message("%(name)s can now act as a mentor.", name=WAITING_MENTOR)
    expect(mentors.get_by_text(WAITING_MENTOR)).to_have_count(0)
    staff.shot("queues-done")
    mentor.refresh_from_db()
    assert mentor.is_approved_mentor
    notice = Notification.objects.get(recipient=mentor, kind="mentor_approved")
    assert [message.subject for message in emails_to(mentor.email)] == [
        f"[Jembatan UMKM] {notice.title}"
    ]

    # The dashboard shows the figures as computed (with the time); computed again,
    # both are one higher.
    staff.follow_nav("Programme dashboard")
    assert figure(staff, "verified") == verified
    staff.page.get_by_role("button", name=staff.t("Compute again now")).click()
    staff.expect_path("/staff/")
    assert figure(staff, "verified") == verified + 1
    assert figure(staff, "approved_mentors") == approved_mentors + 1
    staff.shot("dashboard-after")
