"""The touch engine on fixed dates: consent, the cap, quiet periods, what was already sent, warnings."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from keepwise.cadence import TOUCH_LIST_COLUMNS, touches_due
from keepwise.config import load_settings
from keepwise.data.schema import MARKETING_TOUCH_KINDS
from touchfactory import assessment, business, customers, orders, rule


def due(ds, as_of, start, end, actions, clv=None) -> pd.DataFrame:
    found = touches_due(ds, as_of, start, end, assessment(actions, clv))
    return found.assign(day=found["due_on"].dt.date)


def test_marketing_never_reaches_opted_out_or_unsubscribed_customers_but_service_does(tmp_path):
    tables = {
        "customers": customers("A", "B", "C", opted_out=("A",)),
        "orders": orders(("A", "2024-01-03"), ("B", "2024-01-03"), ("C", "2024-01-03")),
        "engagement": [{"customer_id": "C", "at": "2023-06-01", "kind": "newsletter_unsubscribe"}],
    }
    ds = business(tmp_path, tables, date(2024, 1, 3),
                  [rule("news", "monthly", 15, "newsletter"), rule("thanks", "first_purchase", 1, "thank_you")])
    found = due(ds, date(2024, 1, 3), date(2024, 1, 3), date(2024, 1, 31), {"A": "keep", "B": "keep", "C": "keep"})
    newsletters = found[found["kind"] == "newsletter"]
    assert newsletters["customer_id"].tolist() == ["B"]
    assert newsletters["day"].tolist() == [date(2024, 1, 15)]
    assert sorted(found.loc[found["kind"] == "thank_you", "customer_id"]) == ["A", "B", "C"]
    assert set(found.loc[found["customer_id"].isin(["A", "C"]), "kind"]).isdisjoint(MARKETING_TOUCH_KINDS)


def test_no_marketing_to_offboard_or_deprioritize_and_offboarding_is_quiet(tmp_path):
    tables = {
        "customers": customers("K", "D", "F", "L"),
        "orders": orders(("K", "2024-01-03"), ("D", "2024-01-03"), ("F", "2024-01-03"), ("L", "2024-01-03")),
        "touches": [{"touch_id": "T1", "customer_id": "L", "at": "2024-01-02", "kind": "offboarding_letter",
                     "channel": "mail"}],
    }
    ds = business(tmp_path, tables, date(2024, 1, 3),
                  [rule("news", "monthly", 15, "newsletter"), rule("thanks", "first_purchase", 1, "thank_you")],
                  quiet_days_after_offboarding=60)
    actions = {"K": "keep", "D": "deprioritize", "F": "offboard", "L": "keep"}
    found = due(ds, date(2024, 1, 3), date(2024, 1, 3), date(2024, 1, 31), actions)
    by_customer = found.groupby("customer_id")["kind"].apply(sorted).to_dict()
    assert by_customer == {"K": ["newsletter", "thank_you"], "D": ["thank_you"]}


def test_a_complaint_quiets_scheduled_touches_for_the_configured_days(tmp_path):
    tables = {
        "customers": customers("Q", "R"),
        "orders": orders(("Q", "2023-11-01"), ("R", "2023-11-01")),
        "tickets": [{"ticket_id": "X1", "customer_id": "Q", "opened_at": "2024-01-10", "channel": "email",
                     "kind": "complaint", "severity": "normal"}],
    }
    ds = business(tmp_path, tables, date(2024, 1, 12), [rule("news", "monthly", 15, "newsletter")],
                  quiet_days_after_complaint=14)
    found = due(ds, date(2024, 1, 12), date(2024, 1, 12), date(2024, 2, 29), {"Q": "keep", "R": "keep"})
    assert found.loc[found["customer_id"] == "Q", "day"].tolist() == [date(2024, 2, 15)]
    assert found.loc[found["customer_id"] == "R", "day"].tolist() == [date(2024, 1, 15), date(2024, 2, 15)]
    assert not found["warning"].any()  # a normal-severity complaint is not an angry one


def test_already_sent_touches_are_never_sent_again(tmp_path):
    tables = {
        "customers": customers("S", "N"),
        "orders": [
            {"order_id": "O1", "customer_id": "S", "ordered_at": "2024-01-02", "revenue": "50",
             "delivered_at": "2024-01-04"},
            {"order_id": "O2", "customer_id": "N", "ordered_at": "2024-01-02", "revenue": "50",
             "delivered_at": "2024-01-04"},
        ],
        "touches": [
            {"touch_id": "T1", "customer_id": "S", "at": "2024-01-03", "kind": "thank_you", "channel": "email"},
            {"touch_id": "T2", "customer_id": "S", "at": "2024-01-05", "kind": "follow_up", "channel": "email"},
        ],
    }
    rules = [rule("thanks", "first_purchase", 1, "thank_you"), rule("follow", "delivery", 3, "follow_up")]
    ds = business(tmp_path, tables, date(2024, 1, 5), rules)
    found = due(ds, date(2024, 1, 5), date(2024, 1, 3), date(2024, 1, 31), {"S": "keep", "N": "keep"})
    assert found.loc[found["customer_id"] == "S"].empty
    assert sorted(zip(found["kind"], found["day"], strict=True)) == [
        ("follow_up", date(2024, 1, 7)), ("thank_you", date(2024, 1, 3))]


def test_the_cap_holds_in_every_30_days_counting_touches_already_made(tmp_path):
    tables = {
        "customers": customers("C"),
        "orders": orders(("C", "2023-06-01")),
        "touches": [{"touch_id": "T1", "customer_id": "C", "at": "2023-12-27", "kind": "call", "channel": "phone"}],
    }
    ds = business(tmp_path, tables, date(2024, 1, 1), [rule("call", "every", 5, "call", "phone")],
                  max_touches_per_30_days=2)
    found = due(ds, date(2024, 1, 1), date(2024, 1, 1), date(2024, 1, 31), {"C": "keep"})
    assert found["day"].tolist() == [date(2024, 1, 1), date(2024, 1, 26), date(2024, 1, 31)]
    days = [date(2023, 12, 27), *found["day"]]
    for start in (date(2023, 12, 1) + timedelta(days=k) for k in range(70)):
        assert sum(start <= d < start + timedelta(days=30) for d in days) <= 2


def test_the_cap_keeps_warnings_first_on_a_crowded_day(tmp_path):
    tables = {
        "customers": customers("W"),
        "orders": orders(("W", "2023-12-31")),
        "tickets": [{"ticket_id": "X1", "customer_id": "W", "opened_at": "2024-01-01", "channel": "phone",
                     "kind": "complaint", "severity": "urgent"}],
    }
    rules = [rule("thanks", "first_purchase", 1, "thank_you")]
    ds = business(tmp_path, tables, date(2024, 1, 1), rules, max_touches_per_30_days=1)
    found = due(ds, date(2024, 1, 1), date(2024, 1, 1), date(2024, 1, 31), {"W": "keep"})
    assert found[["kind", "warning"]].values.tolist() == [["call", True]]
    assert "complaint" in found["code"].iloc[0]


def test_warning_signs_put_a_call_on_todays_list(tmp_path):
    gap_orders = [("V", f"2023-{m:02d}-01") for m in range(1, 11)]  # monthly buyer, silent since Oct 1
    tables = {
        "customers": customers("U", "A", "V", "Z", opted_out=("U",)),
        "orders": orders(("U", "2023-12-01"), ("A", "2023-12-01"), *gap_orders, ("Z", "2023-12-20")),
        "engagement": [{"customer_id": "U", "at": "2024-01-14", "kind": "newsletter_unsubscribe"}],
        "tickets": [{"ticket_id": "X1", "customer_id": "A", "opened_at": "2024-01-13", "channel": "phone",
                     "kind": "complaint", "severity": "high"}],
    }
    ds = business(tmp_path, tables, date(2024, 1, 15), [], warning_days=7, silence_gap_ratio=3.4,
                  valuable_clv_quantile=0.5)
    clv = {"U": 1.0, "A": 1.0, "V": 500.0, "Z": 2.0}
    found = due(ds, date(2024, 1, 15), date(2024, 1, 15), date(2024, 1, 31),
                {"U": "keep", "A": "keep", "V": "retain", "Z": "keep"}, clv)
    assert sorted(zip(found["customer_id"], found["code"], strict=True)) == [
        ("A", "angry_complaint"), ("U", "unsubscribed"), ("V", "silence")]
    assert set(found["kind"]) == {"call"} and set(found["day"]) == {date(2024, 1, 15)}


def test_gap_offer_when_the_silence_passes_twice_the_usual_gap_and_tiers_pick_rewards(tmp_path):
    tables = {
        "customers": customers("G", "H"),
        "orders": [*orders(("G", "2023-10-01"), ("G", "2023-10-11"), ("G", "2023-10-21")),
                   {"order_id": "P1", "customer_id": "H", "ordered_at": "2022-01-01", "revenue": "3000"},
                   {"order_id": "P2", "customer_id": "H", "ordered_at": "2023-12-30", "revenue": "100"}],
    }
    rules = [rule("gap", "gap", 0, "offer"), rule("gold", "every", 30, "gift", "mail", tiers=["gold"])]
    ds = business(tmp_path, tables, date(2024, 1, 1), rules, gap_ratio=2.0)
    found = due(ds, date(2024, 1, 1), date(2024, 1, 1), date(2024, 1, 30), {"G": "keep", "H": "nurture"})
    offer = found[found["kind"] == "offer"]
    assert offer["customer_id"].tolist() == ["G"] and offer["day"].tolist() == [date(2024, 1, 1)]
    gifts = found[found["kind"] == "gift"]
    assert gifts["customer_id"].tolist() == ["H"] and gifts["tier"].tolist() == ["gold"]


def test_what_was_sent_is_looked_up_kind_by_kind_and_an_unassessed_customer_is_kept(tmp_path):
    # P had a newsletter after this month's anchor (the 1st) and a call long before the call rule's anchor:
    # the newsletter is not sent again, the call is. M had the call recently and is deprioritized (no
    # marketing): nothing for M.
    # O is not in the assessment: it is a customer to keep, so its marketing goes out.
    tables = {
        "customers": customers("P", "M", "O"),
        "orders": orders(("P", "2023-06-01"), ("M", "2023-06-01"), ("O", "2023-06-01")),
        "touches": [
            {"touch_id": "T1", "customer_id": "P", "at": "2024-01-02", "kind": "newsletter", "channel": "email"},
            {"touch_id": "T2", "customer_id": "P", "at": "2023-01-02", "kind": "call", "channel": "phone"},
            {"touch_id": "T3", "customer_id": "M", "at": "2024-01-02", "kind": "call", "channel": "phone"},
        ],
    }
    rules = [rule("news", "monthly", 15, "newsletter"), rule("call", "every", 90, "call", "phone")]
    ds = business(tmp_path, tables, date(2024, 1, 3), rules)
    found = due(ds, date(2024, 1, 3), date(2024, 1, 3), date(2024, 1, 31), {"P": "keep", "M": "deprioritize"})
    by_customer = found.groupby("customer_id")["kind"].apply(sorted).to_dict()
    assert by_customer == {"P": ["call"], "O": ["call", "newsletter"]}
    assert set(found.loc[found["customer_id"] == "O", "action"]) == {"keep"}


def test_customers_the_assessment_lacks_are_timetabled_as_kept(tmp_path):
    tables = {"customers": customers("A", "B"), "orders": orders(("A", "2024-01-03"), ("B", "2024-01-03"))}
    ds = business(tmp_path, tables, date(2024, 1, 3), [rule("news", "monthly", 15, "newsletter")])
    found = due(ds, date(2024, 1, 3), date(2024, 1, 3), date(2024, 1, 31), {})
    assert sorted(found["customer_id"]) == ["A", "B"] and set(found["action"]) == {"keep"}


def test_the_last_touch_of_each_candidates_kind_is_its_customers_own():
    """Per candidate, the day its customer last had a touch of the candidate's kind: kinds interleaved in
    the last touches, a kind no candidate has, a candidate kind never sent, a customer with no touch, and
    one with touches but no candidate."""
    from keepwise.cadence.limits import CandidateCustomers, _last_sent

    found = pd.DataFrame({"customer_id": ["A", "A", "B", "C", "B"],
                          "kind": ["call", "newsletter", "call", "sms", "newsletter"]})
    people = pd.DataFrame({"customer_id": ["C", "B", "A", "D"]})
    customers = CandidateCustomers.of(found["customer_id"], people)
    found["customer"] = customers.code
    days = pd.to_datetime(["2024-01-05", "2024-01-02", "2023-12-01", "2023-11-11", "2023-10-10", "2024-01-06"])
    last_touches = pd.DataFrame({"customer_id": ["A", "B", "A", "D", "B", "C"],
                                 "kind": ["newsletter", "call", "call", "call", "letter", "call"],
                                 "day": days})
    got = _last_sent(found, last_touches, customers)
    expected = np.array(["2023-12-01", "2024-01-05", "2024-01-02", "NaT", "NaT"], dtype="datetime64[D]")
    np.testing.assert_array_equal(got, expected)
    assert np.isnat(_last_sent(found, last_touches.iloc[:0], customers)).all()


def test_candidate_customers_sort_as_their_ids_and_find_their_people():
    """The codes' ranks order the customers as their ids sort (non-ASCII ids and digits included); each code's
    person is its row of the people, -1 for a customer they lack; events of customers without a candidate
    are left out."""
    from keepwise.cadence.limits import CandidateCustomers

    ids = pd.Series(["b", "Ä", "a10", "a9", "b", "Z", "a10"], dtype=object)
    people = pd.DataFrame({"customer_id": ["a9", "Z", "b", "a10", "x"]})
    customers = CandidateCustomers.of(ids, people)
    by_rank = sorted(range(len(ids)), key=lambda row: customers.rank[customers.code[row]])
    assert [ids[row] for row in by_rank] == sorted(ids)
    assert customers.code[0] == customers.code[4] and customers.code[2] == customers.code[6]
    assert [customers.person[code] for code in customers.code] == [2, -1, 3, 0, 2, 1, 3]
    events = pd.DataFrame({"customer_id": ["x", "a9", "Ä", "q"], "day": [1, 2, 3, 4]})
    coded = customers.with_codes(events)
    assert coded["day"].tolist() == [2, 3]
    assert coded["customer"].tolist() == [customers.code[3], customers.code[1]]


def test_a_window_nothing_falls_due_in_lists_no_touch(tmp_path):
    tables = {"customers": customers("A", "B"), "orders": orders(("A", "2024-01-03"), ("B", "2024-01-03"))}
    ds = business(tmp_path, tables, date(2024, 1, 3), [rule("news", "monthly", 15, "newsletter")])
    found = touches_due(ds, date(2024, 1, 3), date(2024, 1, 3), date(2024, 1, 10), assessment({"A": "keep"}))
    assert found.empty and list(found.columns) == list(TOUCH_LIST_COLUMNS)


def test_touches_of_one_day_and_rule_are_listed_by_customer_id(tmp_path):
    """Within a day, a rule's touches follow the customers' ids as texts sort (digits as characters, capitals
    before small letters, a non-ASCII letter after them), whatever order the customers and orders come in;
    the cap and "never twice" work per customer, whatever the ids."""
    ids = ["b", "Ä", "a10", "Z", "a9", "ä", "B"]
    tables = {"customers": customers(*ids),
              "orders": orders(*((c, "2024-01-03") for c in ids)),
              "touches": [{"touch_id": "T1", "customer_id": "Z", "at": "2024-01-02", "kind": "newsletter",
                           "channel": "email"}]}
    ds = business(tmp_path, tables, date(2024, 1, 3),
                  [rule("news", "monthly", 15, "newsletter"), rule("thanks", "first_purchase", 1, "thank_you")],
                  max_touches_per_30_days=1)
    found = due(ds, date(2024, 1, 3), date(2024, 1, 3), date(2024, 1, 31), dict.fromkeys(ids, "keep"))
    # One touch in 30 days: each customer's first (the thank-you of Jan 4) leaves out their newsletter of
    # Jan 15, and Z's newsletter of Jan 2, already made, leaves out both of Z's.
    assert found["customer_id"].tolist() == sorted(set(ids) - {"Z"}) == ["B", "a10", "a9", "b", "Ä", "ä"]
    assert set(found["kind"]) == {"thank_you"} and set(found["day"]) == {date(2024, 1, 4)}


@pytest.mark.parametrize("first", ["high", "urgent"])
def test_of_angry_complaints_on_the_same_day_the_warning_names_the_most_severe(tmp_path, first):
    severities = [first, ({"high", "urgent"} - {first}).pop()]
    tables = {
        "customers": customers("A"),
        "orders": orders(("A", "2023-12-01")),
        "tickets": [{"ticket_id": f"X{i}", "customer_id": "A", "opened_at": "2024-01-13", "channel": "phone",
                     "kind": "complaint", "severity": severity} for i, severity in enumerate(severities)],
    }
    ds = business(tmp_path, tables, date(2024, 1, 15), [], warning_days=7)
    found = due(ds, date(2024, 1, 15), date(2024, 1, 15), date(2024, 1, 31), {"A": "keep"})
    assert found[["code", "reason_detail"]].values.tolist() == [["angry_complaint", "urgent"]]


def test_a_customer_the_business_failed_gets_one_recovery_call_opted_out_or_not(tmp_path):
    """The packaged timetable's service_recovery_call: a call at once to every fix_service customer (a call is
    no marketing: F2 opted out), once since their last purchase (F3 was called after it), none to the others."""
    packaged = {r.name: r for r in load_settings().cadence.rules}["service_recovery_call"].model_dump()
    tables = {
        "customers": customers("F1", "F2", "F3", "K", opted_out=("F2",)),
        "orders": orders(*((c, "2024-01-03") for c in ("F1", "F2", "F3", "K"))),
        "touches": [{"touch_id": "T1", "customer_id": "F3", "at": "2024-01-20", "kind": "call", "channel": "phone"}],
    }
    ds = business(tmp_path, tables, date(2024, 2, 1), [packaged])
    actions = {"F1": "fix_service", "F2": "fix_service", "F3": "fix_service", "K": "keep"}
    found = due(ds, date(2024, 2, 1), date(2024, 2, 1), date(2024, 2, 29), actions)
    assert sorted(zip(found["customer_id"], found["day"], found["kind"], found["channel"], strict=True)) == [
        ("F1", date(2024, 2, 1), "call", "phone"), ("F2", date(2024, 2, 1), "call", "phone")]
    assert set(found["rule"]) == {"service_recovery_call"}
