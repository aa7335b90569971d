"""Verification shows the documents and asks for an explicit confirmation; without the
NIB document it is refused unless staff record a reason — in the service, so the staff
pages, the admin and the demo all obey (issue 15: one click from a queue row whose
documents said none were uploaded)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from umkm import services
from umkm.models import Business, Certification

from ..factories import BusinessFactory, CertificationFactory, StaffFactory
from ..support.forms_as_sent import signed_in

MISSING = "The NIB document has not been uploaded."


@pytest.fixture
def unverified(cast):
    Business.objects.filter(pk=cast.business.pk).update(verified_at=None)
    cast.business.refresh_from_db()
    return cast.business


def with_nib_document(business):
    return CertificationFactory(
        business=business,
        kind=Certification.Kind.NIB,
        number=business.nib,
        document=f"certificates/{business.pk}/nib.pdf",
        verified_at=None,
    )


def verify_url(business, next_url=""):
    url = reverse("umkm:business-verify", args=[business.slug])
    return f"{url}?next={next_url}" if next_url else url


# The service ---------------------------------------------------------------------------


@pytest.mark.usefixtures("english_texts")
def test_without_the_nib_document_the_service_refuses_and_changes_nothing(unverified, cast):
    with pytest.raises(ValidationError) as caught:
        services.business_verify(business=unverified, staff=cast.staff)
    assert MISSING in " ".join(caught.value.messages)
    unverified.refresh_from_db()
    assert not unverified.is_verified


def test_the_refusal_is_translated(unverified, cast):
    with translation.override("id"), pytest.raises(ValidationError) as caught:
        services.business_verify(business=unverified, staff=cast.staff)
    assert caught.value.messages == [gettext(services.MSG_NIB_DOCUMENT_MISSING)]


def test_a_recorded_reason_lets_staff_verify_without_the_document(unverified, cast):
    assert services.business_verify(
        business=unverified, staff=cast.staff, reason="  Checked in the OSS register.  "
    )
    unverified.refresh_from_db()
    assert unverified.is_verified
    assert unverified.verification_note == "Checked in the OSS register."


def test_with_the_nib_document_no_reason_is_needed(unverified, cast):
    with_nib_document(unverified)
    assert services.business_verify(business=unverified, staff=cast.staff)
    unverified.refresh_from_db()
    assert unverified.is_verified and unverified.verification_note == ""


def test_only_staff_can_verify(unverified, cast):
    with_nib_document(unverified)
    with pytest.raises(PermissionDenied):
        services.business_verify(business=unverified, staff=cast.owner)


def test_the_admin_action_obeys_the_same_rule(client, db):
    without = BusinessFactory(verified_at=None)
    documented = BusinessFactory(verified_at=None)
    with_nib_document(documented)
    client.force_login(StaffFactory(is_superuser=True, language="en"))
    response = client.post(
        reverse("admin:umkm_business_changelist"),
        {"action": "verify", "_selected_action": [without.pk, documented.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert MISSING in response.content.decode()
    without.refresh_from_db()
    documented.refresh_from_db()
    assert not without.is_verified
    assert documented.is_verified


# The confirm page ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "other_owner", "mentor", "buyer"])
def test_only_staff_open_the_confirm_page(cast, unverified, role):
    client = signed_in(cast[role])
    assert client.get(verify_url(unverified)).status_code == 404
    assert client.post(verify_url(unverified), {"confirm": "on", "reason": "x"}).status_code == 404
    unverified.refresh_from_db()
    assert not unverified.is_verified


def test_anonymous_is_sent_to_sign_in(client, unverified):
    response = client.get(verify_url(unverified))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_confirm_page_shows_the_documents(cast, unverified, language):
    cast.staff.language = language
    cast.staff.save(update_fields=["language"])
    document = with_nib_document(unverified)
    content = signed_in(cast.staff).get(verify_url(unverified)).content.decode()
    assert reverse("umkm:certification-document", args=[document.pk]) in content
    assert unverified.nib in content
    assert 'name="confirm"' in content


def test_the_confirm_page_says_when_the_nib_document_is_missing(cast, unverified):
    content = signed_in(cast.staff).get(verify_url(unverified)).content.decode()
    assert "data-nib-missing" in content
    assert 'name="reason"' in content


def test_a_post_without_the_confirmation_verifies_nothing(cast, unverified):
    with_nib_document(unverified)
    response = signed_in(cast.staff).post(verify_url(unverified), {})
    assert response.status_code == 400
    unverified.refresh_from_db()
    assert not unverified.is_verified


@pytest.mark.parametrize("language", ["en", "id"])
def test_a_missing_document_without_reason_is_refused_on_the_page(cast, unverified, language):
    cast.staff.language = language
    cast.staff.save(update_fields=["language"])
    response = signed_in(cast.staff).post(verify_url(unverified), {"confirm": "on"})
    assert response.status_code == 400
    with translation.override(language):
        expected = gettext(services.MSG_NIB_DOCUMENT_MISSING)
    assert expected in response.content.decode().replace("&#x27;", "'")
    unverified.refresh_from_db()
    assert not unverified.is_verified


def test_confirmed_with_a_reason_verifies_and_returns_to_the_queue(cast, unverified):
    queue = reverse("backoffice:staff-queues")
    response = signed_in(cast.staff).post(
        verify_url(unverified),
        {"confirm": "on", "reason": "NIB checked in the OSS register", "next": queue},
    )
    assert response.status_code == 302 and response["Location"] == queue
    unverified.refresh_from_db()
    assert unverified.is_verified
    assert unverified.verified_by == cast.staff
    assert unverified.verification_note == "NIB checked in the OSS register"


def test_the_queue_row_links_to_the_documents_and_the_confirm_step(cast, unverified):
    other = BusinessFactory(verified_at=None)
    document = with_nib_document(other)
    content = signed_in(cast.staff).get(reverse("backoffice:staff-queues")).content.decode()
    row = content.split('data-queue="businesses"')[1].split("</section>")[0]
    assert reverse("umkm:certification-document", args=[document.pk]) in row
    assert "data-nib-missing" in row  # cast.business has none
    assert verify_url(unverified) in row
    # No one-click verification: the row has no form posting to the verify URL.
    assert 'method="post"' not in row


def test_the_verification_page_rows_link_to_the_confirm_step(cast, unverified):
    content = signed_in(cast.staff).get(reverse("umkm:staff-verification")).content.decode()
    assert verify_url(unverified) in content
    assert f'action="{verify_url(unverified)}"' not in content
