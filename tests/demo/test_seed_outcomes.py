"""The outcomes demo (``outcomes.yaml``) goes through the services, fits the other demo
files, and a second run adds nothing."""

from demo.loaders import files
from demo.loaders.outcomes import seed_outcomes
from outcomes.figures import outcome_figures
from outcomes.models import Baseline, BaselineChange, FollowUp, MonthlyRate, Shipment

from ..factories import BusinessFactory, MentorshipFactory, OwnerFactory


def test_every_owner_of_the_outcomes_demo_is_a_demo_business():
    owners = {row["email"] for row in files.read_yaml("businesses.yaml")["businesses"]}
    data = files.read_yaml("outcomes.yaml")
    for part in ("baselines", "follow_ups", "shipments"):
        assert set(data[part]) <= owners, part


def test_seed_outcomes_twice(db):
    data = files.read_yaml("outcomes.yaml")
    emails = set(data["baselines"]) | set(data["follow_ups"]) | set(data["shipments"])
    for email in emails:
        business = BusinessFactory(owner=OwnerFactory(email=email))
        MentorshipFactory(business=business)  # the shipments "by: mentor" need one
    first = seed_outcomes()
    assert first == {
        "baselines": len(data["baselines"]),
        "follow-ups": sum(len(rounds) for rounds in data["follow_ups"].values()),
        "shipments": sum(len(rows) for rows in data["shipments"].values()),
    }
    assert seed_outcomes() == {"baselines": 0, "follow-ups": 0, "shipments": 0}
    assert MonthlyRate.objects.count() == len(data["rates"])
    assert BaselineChange.objects.count() == Baseline.objects.count() + 1  # one correction
    assert FollowUp.objects.answered().filter(channel="phone").exists()
    assert set(Shipment.objects.values_list("status", flat=True)) == {
        "verified",
        "submitted",
        "rejected",
    }
    figures = outcome_figures()
    assert figures.new_exporters >= 3
    assert figures.budget_idr > 0
    assert figures.response_rate is not None
