"""Measuring a campaign from a loaded data source where who returned, when and for how much is planted."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from keepwise.campaigns import CampaignError, measure_campaign
from keepwise.config import load_settings
from keepwise.data.loader import load

AS_OF = date(2024, 6, 30)


def _write(folder: Path, name: str, rows: list[dict]) -> None:
    with (folder / f"{name}.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _campaign(folder: Path, contacted: int = 40, control: int = 20):
    """Members touched on 2024-03-01; contacted returners (every 2nd) buy 100 (margin 45), control ones
    (every 4th) buy 80; plus orders that must not count (too late, cancelled, before the touch)."""
    folder.mkdir()
    ids = [f"M{i:03d}" for i in range(contacted + control)]
    _write(folder, "customers", [{"customer_id": c} for c in [*ids, "X"]])
    touches, orders = [], []
    for i, c in enumerate(ids):
        held = i >= contacted
        touches.append({"touch_id": f"T{i}", "customer_id": c, "at": "2024-03-01T10:00:00", "kind": "win_back_offer",
                        "channel": "email", "campaign_id": "WB", "control": str(held).lower(),
                        "cost": "0" if held else "6"})
        returns = (i - contacted) % 4 == 0 if held else i % 2 == 0
        if returns:
            orders.append({"order_id": f"O{i}", "customer_id": c, "ordered_at": "2024-03-31T10:00:00",
                           "revenue": "80" if held else "100", "cost_of_goods": "44" if held else "55",
                           "status": "completed"})
        orders.append({"order_id": f"L{i}", "customer_id": c, "ordered_at": "2024-04-01T10:00:01",
                       "revenue": "500", "cost_of_goods": "1", "status": "completed"})  # one second too late
        orders.append({"order_id": f"C{i}", "customer_id": c, "ordered_at": "2024-03-05", "revenue": "500",
                       "cost_of_goods": "1", "status": "cancelled"})
        orders.append({"order_id": f"B{i}", "customer_id": c, "ordered_at": "2024-02-01", "revenue": "500",
                       "cost_of_goods": "1", "status": "completed"})
    touches.append({"touch_id": "TX", "customer_id": "X", "at": "2024-03-01", "kind": "offer", "channel": "email",
                    "campaign_id": "", "control": "", "cost": ""})
    _write(folder, "touches", touches)
    _write(folder, "orders", orders)
    return load(folder, AS_OF, load_settings())


def test_return_rates_uplift_and_money_from_the_planted_outcomes(tmp_path):
    result = measure_campaign(_campaign(tmp_path / "d"), "WB", AS_OF, 31)
    out = result.to_dict()
    assert list(out)[:9] == ["campaign_id", "contacted", "control", "contacted_returned", "control_returned",
                             "uplift", "ci_low", "ci_high", "p_value"]
    assert (out["contacted"], out["control"], out["contacted_returned"], out["control_returned"]) == (40, 20, 20, 5)
    assert out["uplift"] == pytest.approx(0.25)
    assert out["ci_low"] < 0.25 < out["ci_high"] and 0 < out["p_value"] < 0.1
    # Per member: contacted 0.5 x 100 = 50 revenue, 22.5 margin; control 0.25 x 80 = 20, 9.
    assert out["extra_revenue"] == pytest.approx(40 * 30.0)
    assert out["extra_margin"] == pytest.approx(40 * 13.5)
    assert out["offer_cost"] == pytest.approx(240.0) and out["net_margin"] == pytest.approx(540 - 240)
    assert out["windows_complete"] is True
    assert "weaker evidence" in out["churn_before_after"]["note"]


def test_unknown_campaign_or_missing_group_cannot_be_measured(tmp_path):
    ds = _campaign(tmp_path / "d")
    with pytest.raises(CampaignError, match="no campaign 'NOPE'"):
        measure_campaign(ds, "NOPE", AS_OF, 30)
    only_contacted = _campaign(tmp_path / "e", contacted=10, control=0)
    with pytest.raises(CampaignError, match="comparison group"):
        measure_campaign(only_contacted, "WB", AS_OF, 30)


def test_every_campaign_of_the_report_reads_one_churn_table(tmp_path, monkeypatch):
    # The report measures every campaign; their churn before and after comes from one churn-by-period
    # table by [campaigns] churn_period: the caller's when it has one, else one computed once.
    import keepwise.campaigns.measure as measure
    import keepwise.campaigns.overview as overview
    from keepwise.metrics.activity import churn_by_period

    _campaign(tmp_path / "d")
    ds = load(tmp_path / "d", AS_OF, load_settings(overrides={"campaigns": {"churn_period": "month"}}))
    by_month = churn_by_period(ds, AS_OF, "month")
    alone = measure_campaign(ds, "WB", AS_OF, 31).to_dict()["churn_before_after"]
    assert alone["available"] and alone["before_period"] == "2024-02" and alone["after_period"] == "2024-03"
    computed = []

    def counted(*args, **kwargs):
        computed.append(args[2] if len(args) > 2 else kwargs.get("period"))
        return churn_by_period(*args, **kwargs)

    monkeypatch.setattr(measure, "churn_by_period", counted)
    monkeypatch.setattr(overview, "churn_by_period", counted)
    given = overview.learning(ds, AS_OF, "quarter", None, by_month)
    assert computed == [] and given.campaigns[0].to_dict()["churn_before_after"] == alone
    on_its_own = overview.learning(ds, AS_OF, "quarter", None)
    assert computed == ["month"] and on_its_own.campaigns[0].to_dict()["churn_before_after"] == alone
    # A table given is the one read: a doctored rate shows up as it is.
    doctored = by_month.assign(churn_rate=0.123)
    assert overview.learning(ds, AS_OF, "quarter", None, doctored).campaigns[0].to_dict()[
        "churn_before_after"]["after"] == 0.123


def test_the_exit_surveys_read_the_service_measures_the_caller_has(tmp_path, monkeypatch):
    """The report's highlights have the service measures of its period: the exit surveys set their reasons
    against those, not against a second computation of them. A doctored set of measures shows up as it is."""
    from keepwise.campaigns import overview
    from keepwise.metrics.service_quality import ServiceQuality, service_quality

    _campaign(tmp_path / "d")  # the business, to which its exit surveys are added
    answers = [("2024-02-01", "delivery")] * 4 + [("2024-02-01", "price")] * 6
    answers += [("2024-05-01", "delivery")] * 5 + [("2024-05-01", "quality")] * 5
    _write(tmp_path / "d", "exit_surveys", [{"customer_id": f"M{i:03d}", "at": at, "reason": reason, "score": "3"}
                                            for i, (at, reason) in enumerate(answers)])
    ds = load(tmp_path / "d", AS_OF, load_settings())
    measured = service_quality(ds, AS_OF, "quarter")
    computed = []

    def counted(*args, **kwargs):
        computed.append(args[2] if len(args) > 2 else kwargs.get("period"))
        return service_quality(*args, **kwargs)

    monkeypatch.setattr(overview, "service_quality", counted)
    on_its_own = overview.learning(ds, AS_OF, "quarter", None).exit_surveys
    assert computed == ["quarter"] and on_its_own["by_period"][1]["reasons"]["delivery"] == 5
    given = overview.learning(ds, AS_OF, "quarter", None, service=measured).exit_surveys
    assert computed == ["quarter"] and given == on_its_own
    assert not given["findings"]  # the orders hold no deliveries: no failure to set a reason against
    periods = pd.DataFrame({"period_start": pd.to_datetime(["2024-01-01", "2024-04-01"]),
                            "n_delivered": [100, 100], "n_on_time": [97, 93]})  # late deliveries 3 -> 7
    doctored = ServiceQuality(periods, {}, {})
    findings = overview.learning(ds, AS_OF, "quarter", None, service=doctored).exit_surveys["findings"]
    assert computed == ["quarter"]
    assert [(f["period"], f["reason"], f["before"], f["after"]) for f in findings] == [("2024Q2", "delivery", 3, 7)]


@pytest.mark.parametrize("held_first", [True, False])
def test_a_member_is_in_the_group_of_its_first_touch_and_contacted_when_both_share_that_moment(tmp_path, held_first):
    from keepwise.campaigns.members import campaign_members

    folder = tmp_path / "d"
    folder.mkdir()
    _write(folder, "customers", [{"customer_id": c} for c in ("TIE", "HELD", "SENT")])

    def touch(i, customer, at, held):
        return {"touch_id": f"T{i}", "customer_id": customer, "at": at, "kind": "win_back_offer", "channel": "email",
                "campaign_id": "WB", "control": str(held).lower(), "cost": "0"}

    tie = [touch(1, "TIE", "2024-03-01", held_first), touch(2, "TIE", "2024-03-01", not held_first)]
    later = [touch(3, "HELD", "2024-03-01", True), touch(4, "HELD", "2024-03-02", False),
             touch(5, "SENT", "2024-03-02", True), touch(6, "SENT", "2024-03-01", False)]
    _write(folder, "touches", tie + later)
    _write(folder, "orders", [{"order_id": "O1", "customer_id": "SENT", "ordered_at": "2024-01-01", "revenue": "1"}])
    members = campaign_members(load(folder, AS_OF, load_settings()), "WB", AS_OF, 30)
    assert members.set_index("customer_id")["control"].to_dict() == {"HELD": True, "SENT": False, "TIE": False}
