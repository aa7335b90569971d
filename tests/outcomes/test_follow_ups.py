"""Follow-up surveys: the daily sweep opens the due rounds and reminds (each once), the
signed link opens the survey of one business only, and staff enter phone answers."""

import datetime as dt
import time
from unittest import mock

import pytest
from django.core import signing
from django.utils import timezone

from notifications.models import Notification
from outcomes import services
from outcomes.models import FollowUp
from outcomes.tasks import sweep_follow_ups

from ..factories import (
    AnsweredFollowUpFactory,
    BaselineFactory,
    FollowUpFactory,
    MentorshipFactory,
)
from ..support.forms_as_sent import signed_in

pytestmark = pytest.mark.usefixtures("english_texts")


ANSWERS = {
    "revenue_band": "lt2b",
    "women_paid": "3",
    "men_paid": "2",
    "women_unpaid": "0",
    "men_unpaid": "1",
    "export_status": "direct",
    "markets": "Pekanbaru, Malaysia",
    "certificates": ["pirt", "halal"],
    "attribution": "no",
}


def started(days_ago: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days_ago)


class TestSchedule:
    def test_rounds(self):
        start = dt.date(2025, 8, 31)
        assert services.rounds_due(start, dt.date(2026, 2, 27)) == []
        assert services.rounds_due(start, dt.date(2026, 2, 28)) == [(6, dt.date(2026, 2, 28))]
        assert services.rounds_due(start, dt.date(2027, 9, 1)) == [
            (6, dt.date(2026, 2, 28)),
            (12, dt.date(2026, 8, 31)),
            (24, dt.date(2027, 8, 31)),
        ]

    def test_sweep_opens_the_due_round_once_and_emails_the_owner(
        self, cast, django_capture_on_commit_callbacks, mailoutbox
    ):
        cast.mentorship.started_at = started(200)
        cast.mentorship.save()
        MentorshipFactory(business=cast.other_business, started_at=started(100))  # not due
        with django_capture_on_commit_callbacks(execute=True):
            assert sweep_follow_ups() == {"opened": 1, "reminded": 0}
            assert sweep_follow_ups() == {"opened": 0, "reminded": 0}
        follow_up = FollowUp.objects.get()
        assert (follow_up.business, follow_up.months) == (cast.business, 6)
        assert follow_up.sent_at is not None
        note = Notification.objects.get(kind="outcome_survey")
        assert note.recipient == cast.owner
        assert note.url.startswith(f"/outcomes/survey/{cast.business.slug}/")
        assert len(mailoutbox) == 1
        assert note.url in mailoutbox[0].body

    def test_only_the_latest_round_of_a_long_mentorship(self, cast):
        cast.mentorship.started_at = started(800)  # 26 months: the 24-month round
        cast.mentorship.save()
        services.follow_ups_sweep()
        assert list(FollowUp.objects.values_list("months", flat=True)) == [24]

    def test_reminders_after_7_and_14_days_each_once_and_not_once_answered(self, cast):
        follow_up = FollowUpFactory(business=cast.business, sent_at=started(8))
        answered = AnsweredFollowUpFactory(business=cast.other_business, sent_at=started(20))
        assert services.follow_ups_remind() == 1
        assert services.follow_ups_remind() == 0
        later = timezone.now() + dt.timedelta(days=7)
        assert services.follow_ups_remind(now=later) == 1
        assert services.follow_ups_remind(now=later) == 0
        follow_up.refresh_from_db()
        assert follow_up.reminders_sent == 2
        assert Notification.objects.filter(kind="outcome_survey_reminder").count() == 2
        assert not Notification.objects.filter(recipient=answered.business.owner).exists()


class TestSurveyLink:
    def url(self, follow_up, slug=None):
        token = services.survey_token(follow_up)
        return f"/outcomes/survey/{slug or follow_up.business.slug}/{token}/"

    def test_the_owner_answers_without_signing_in(self, cast):
        BaselineFactory(business=cast.business)
        follow_up = FollowUpFactory(business=cast.business)
        url = self.url(follow_up)
        page = signed_in(None).get(url)
        assert page.status_code == 200
        assert "Would this have happened without the programme?" in page.text
        response = signed_in(None).post(url, ANSWERS)
        assert response.status_code == 200
        assert "Thank you" in response.text
        follow_up.refresh_from_db()
        assert follow_up.is_answered
        assert (follow_up.women_paid, follow_up.men_unpaid, follow_up.attribution) == (3, 1, "no")
        assert follow_up.certificates == ["halal", "pirt"] or follow_up.certificates == [
            "pirt",
            "halal",
        ]
        assert follow_up.channel == "link"

    def test_a_second_answer_is_refused(self, cast):
        follow_up = AnsweredFollowUpFactory(business=cast.business, women_paid=3)
        response = signed_in(None).post(self.url(follow_up), {**ANSWERS, "women_paid": "50"})
        assert response.status_code == 409
        follow_up.refresh_from_db()
        assert follow_up.women_paid == 3

    def test_expired(self, cast):
        follow_up = FollowUpFactory(business=cast.business)
        month_ago = time.time() - 31 * 86400
        with mock.patch("django.core.signing.time.time", return_value=month_ago):
            url = self.url(follow_up)  # signed 31 days ago
        response = signed_in(None).get(url)
        posted = signed_in(None).post(url, ANSWERS)
        assert response.status_code == 410
        assert "expired" in response.text
        assert posted.status_code == 410
        follow_up.refresh_from_db()
        assert not follow_up.is_answered

    def test_reused_for_another_business(self, cast):
        follow_up = FollowUpFactory(business=cast.business)
        FollowUpFactory(business=cast.other_business)
        url = self.url(follow_up, slug=cast.other_business.slug)
        response = signed_in(None).get(url)
        assert response.status_code == 403
        assert "another business" in response.text
        assert signed_in(None).post(url, ANSWERS).status_code == 403
        assert not FollowUp.objects.answered().exists()

    @pytest.mark.parametrize("change", ["payload", "signature", "garbage", "other_salt"])
    def test_altered(self, cast, change):
        follow_up = FollowUpFactory(business=cast.business)
        other = FollowUpFactory(business=cast.other_business)
        token = services.survey_token(follow_up)
        if change == "payload":  # another follow-up's id with this token's signature
            forged = signing.dumps({"f": other.pk, "b": other.business_id}, salt="x")
            token = forged.split(":", 1)[0] + ":" + token.split(":", 1)[1]
        elif change == "signature":
            token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        elif change == "garbage":
            token = "not-a-token"
        else:
            token = signing.dumps({"f": follow_up.pk, "b": follow_up.business_id}, salt="x")
        response = signed_in(None).get(f"/outcomes/survey/{cast.business.slug}/{token}/")
        assert response.status_code == 400
        assert "not valid" in response.text

    def test_a_bad_answer_is_refused_and_changes_nothing(self, cast):
        follow_up = FollowUpFactory(business=cast.business)
        response = signed_in(None).post(self.url(follow_up), {**ANSWERS, "women_paid": "-3"})
        assert response.status_code == 400
        follow_up.refresh_from_db()
        assert not follow_up.is_answered


class TestPhoneAnswers:
    def test_staff_enter_answers_from_a_call(self, cast):
        follow_up = FollowUpFactory(business=cast.business)
        client = signed_in(cast.staff)
        assert client.get(f"/outcomes/staff/follow-ups/{follow_up.pk}/").status_code == 200
        response = client.post(f"/outcomes/staff/follow-ups/{follow_up.pk}/", ANSWERS)
        assert response.status_code == 302
        follow_up.refresh_from_db()
        assert (follow_up.channel, follow_up.answered_by) == ("phone", cast.staff)

    @pytest.mark.parametrize("who", ["owner", "mentor", "buyer"])
    def test_others_get_404(self, cast, who):
        follow_up = FollowUpFactory(business=cast.business)
        response = signed_in(cast[who]).post(f"/outcomes/staff/follow-ups/{follow_up.pk}/", ANSWERS)
        assert response.status_code == 404
        follow_up.refresh_from_db()
        assert not follow_up.is_answered
