"""touches, campaign-build, campaign, exit surveys in metrics, the tier in assess: run as a user runs them."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from icalendar import Calendar

from keepwise.data.schema import MARKETING_TOUCH_KINDS, TOUCH_KINDS
from keepwise.text import messages

from datafactory import valid_tables, write_csv_folder

KEEPWISE = [sys.executable, "-m", "keepwise"]
FAST = '[clv]\nchurn_source = "bgnbd"\n'
TOUCH_COLUMNS = ["touch_id", "customer_id", "at", "kind", "channel", "campaign_id", "control", "cost"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*KEEPWISE, *args], capture_output=True, text=True, timeout=600)


def _name(customer_id: str) -> str:
    """Every other customer has a name."""
    return f"Ann {customer_id}" if int(customer_id) % 2 else ""


@pytest.fixture(scope="module")
def shop(cdnow_dir: Path, tmp_path_factory) -> tuple[Path, Path]:
    """CDNOW with campaign C1 (200 members, every 4th held back), 20 customers opted out and every other
    customer named; a fast config."""
    root = tmp_path_factory.mktemp("shop")
    data = root / "data"
    shutil.copytree(cdnow_dir, data)
    customers = list(csv.DictReader((data / "customers.csv").open()))
    ids = sorted(row["customer_id"] for row in customers)
    opted_out = set(ids[-20:])
    with (data / "customers.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*customers[0], "marketing_opt_in", "name"])
        writer.writeheader()
        writer.writerows({**row, "marketing_opt_in": str(row["customer_id"] not in opted_out).lower(),
                          "name": _name(row["customer_id"])} for row in customers)
    with (data / "touches.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(TOUCH_COLUMNS)
        for i, customer in enumerate(ids[:200]):
            writer.writerow([f"K{i:04d}", customer, "1997-06-02", "win_back_offer", "email", "C1",
                             "true" if i % 4 == 0 else "false", "0" if i % 4 == 0 else "1.50"])
    config = root / "fast.toml"
    config.write_text(FAST)
    return data, config


def test_touches_csv_has_the_contract_columns_and_respects_opt_outs(shop, tmp_path):
    data, config = shop
    out = tmp_path / "touches.csv"
    result = run("touches", str(data), "--as-of", "1997-09-30", "--from", "1997-10-01", "--to", "1997-10-31",
                 "--out", str(out), "--config", str(config))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open()))
    # The summary's title on one line, however long the path (it was wrapped to the table's width).
    assert f"Touches due from Oct 1, 1997 to Oct 31, 1997: {len(rows):,} → {out}\n" in result.stdout
    # Each kind under its name, with its count.
    for kind, count in Counter(r["kind"] for r in rows).items():
        assert re.search(rf"\n {re.escape(messages('en')[f'touch.kind.{kind}'])} +│ +{count:,} *\n", result.stdout), kind
    assert list(rows[0])[:5] == ["customer_id", "due_on", "kind", "channel", "reason"]
    assert rows and all(r["kind"] in TOUCH_KINDS and "1997-10-01" <= r["due_on"] <= "1997-10-31" for r in rows)
    opted_out = {r["customer_id"] for r in csv.DictReader((data / "customers.csv").open())
                 if r["marketing_opt_in"] == "false"}
    assert not [r for r in rows if r["customer_id"] in opted_out and r["kind"] in MARKETING_TOUCH_KINDS]
    assert all(r["reason"] for r in rows)
    assert list(rows[0])[-1] == "name" and all(r["name"] == _name(r["customer_id"]) for r in rows)
    assert {bool(r["name"]) for r in rows} == {True, False}
    # Campaign C1's win-back members were already sent a win-back offer since their last purchase.
    c1 = {r["customer_id"] for r in csv.DictReader((data / "touches.csv").open())}
    assert not [r for r in rows if r["customer_id"] in c1 and r["kind"] == "win_back_offer"]


def test_touches_ics_parses_back_and_reasons_follow_the_language(shop, tmp_path):
    data, config = shop
    out = tmp_path / "touches.ics"
    result = run("touches", str(data), "--as-of", "1997-09-30", "--from", "1997-10-01", "--to", "1997-10-07",
                 "--out", str(out), "--lang", "ru", "--config", str(config))
    assert result.returncode == 0, result.stderr
    events = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert events
    assert all("1997-10-01" <= e.decoded("dtstart").isoformat() <= "1997-10-07" for e in events)
    assert any(ch in str(events[0]["description"]) for ch in "абвгдеёжзийклмнопрстуфхцчшщыэюя")
    # the customer by id and, where they have one, by name: "Личный звонок (телефон): 0123 · Ann 0123"
    for event in events:
        customer = str(event["uid"]).split("-")[0]
        label = f"{customer} · {_name(customer)}" if _name(customer) else customer
        assert str(event["summary"]).endswith(f"): {label}"), event["summary"]
    assert any(" · Ann " in str(event["summary"]) for event in events)
    # What is printed speaks the language too: the title, the kinds and the count of warning-sign calls.
    count = f"{len(events):,}".replace(",", "\xa0")
    assert f"Контакты с 1 окт. 1997\u202fг. по 7 окт. 1997\u202fг.: {count} → {out}\n" in result.stdout
    assert "Вид" in result.stdout and "Личный звонок" in result.stdout
    assert "\nЗвонков по тревожным признакам в списке: " in result.stdout
    for english in ("Touches", "Personal call", "warning-sign", "Kind"):  # the file's name is touches.ics
        assert english not in result.stdout, english


def test_touches_bad_output_or_dates_exit_2_and_write_nothing(shop, tmp_path):
    data, config = shop
    out = tmp_path / "touches.txt"
    result = run("touches", str(data), "--as-of", "1997-09-30", "--from", "1997-10-01", "--to", "1997-10-31",
                 "--out", str(out), "--config", str(config))
    assert result.returncode == 2 and ".csv or .ics" in result.stderr and not out.exists()
    out = tmp_path / "touches.csv"
    result = run("touches", str(data), "--as-of", "1997-09-30", "--from", "1997-10-31", "--to", "1997-10-01",
                 "--out", str(out), "--config", str(config))
    assert result.returncode == 2 and "before --from" in result.stderr and not out.exists()


def test_campaign_json_per_contract_and_text_with_weaker_evidence(shop):
    data, config = shop
    result = run("campaign", str(data), "C1", "--as-of", "1997-09-30", "--window-days", "60", "--json",
                 "--config", str(config))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert list(out)[:9] == ["campaign_id", "contacted", "control", "contacted_returned", "control_returned",
                             "uplift", "ci_low", "ci_high", "p_value"]
    assert (out["contacted"], out["control"]) == (150, 50)
    assert out["uplift"] == pytest.approx(out["contacted_returned"] / 150 - out["control_returned"] / 50, abs=1e-6)
    assert out["ci_low"] <= out["uplift"] <= out["ci_high"] and 0 <= out["p_value"] <= 1
    text = run("campaign", str(data), "C1", "--as-of", "1997-09-30", "--window-days", "60", "--config", str(config))
    assert text.returncode == 0 and "Uplift" in text.stdout and "Weaker evidence" in text.stdout


def test_campaign_unknown_or_without_a_comparison_group_exits_2(shop, tmp_path):
    data, config = shop
    result = run("campaign", str(data), "NOPE", "--as-of", "1997-09-30", "--window-days", "60", "--json",
                 "--config", str(config))
    assert result.returncode == 2 and "NOPE" in result.stderr and result.stdout == ""
    one_sided = tmp_path / "one"
    shutil.copytree(data, one_sided)
    lines = (one_sided / "touches.csv").read_text().replace(",true,0", ",false,1.50")
    (one_sided / "touches.csv").write_text(lines)
    result = run("campaign", str(one_sided), "C1", "--as-of", "1997-09-30", "--window-days", "60", "--json",
                 "--config", str(config))
    assert result.returncode == 2 and "comparison group" in result.stderr and result.stdout == ""


def test_campaign_build_then_measure(shop, tmp_path):
    data, config = shop
    built = tmp_path / "built"
    shutil.copytree(data, built)
    result = run("campaign-build", str(built), "R1", "--as-of", "1997-06-30", "--out", str(built / "touches.csv"),
                 "--config", str(config))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader((built / "touches.csv").open()))
    mine = [r for r in rows if r["campaign_id"] == "R1"]
    assert len(rows) == 200 + len(mine) and list(rows[0]) == TOUCH_COLUMNS
    held = sum(r["control"] == "true" for r in mine)
    assert held == round(0.2 * len(mine)) and {r["kind"] for r in mine} <= {"retention_offer", "win_back_offer"}
    again = run("campaign-build", str(built), "R1", "--as-of", "1997-06-30", "--out", str(built / "touches.csv"),
                "--config", str(config))
    assert again.returncode == 2 and "already there" in again.stderr
    measured = run("campaign", str(built), "R1", "--as-of", "1997-09-30", "--window-days", "60", "--json",
                   "--config", str(config))
    assert measured.returncode == 0, measured.stderr
    out = json.loads(measured.stdout)
    assert (out["contacted"], out["control"]) == (len(mine) - held, held)


def test_campaign_build_tells_its_cost_as_the_measure_counts_it_in_the_language_asked(shop, tmp_path):
    """The build said "Offers: … total 6,201.57 EUR" in English, and the measure "offer cost €6,544": the
    contacts' cost was in one and not the other. Now the build tells both, its total is the cost the measure
    weighs (the contacted touches' costs in the file), and a measure before the last window closes says so
    among its lines, in the reader's language (it was an English note on stderr)."""
    from keepwise.config import load_settings

    data, config = shop
    built = tmp_path / "built"
    shutil.copytree(data, built)
    result = run("campaign-build", str(built), "R2", "--as-of", "1997-06-30", "--out", str(built / "touches.csv"),
                 "--lang", "ru", "--config", str(config))
    assert result.returncode == 0, result.stderr
    mine = [r for r in csv.DictReader((built / "touches.csv").open()) if r["campaign_id"] == "R2"]
    contacted = [r for r in mine if r["control"] == "false"]
    contact = load_settings(config).campaigns.contact_cost
    cost = sum(float(r["cost"]) for r in contacted)
    offers = cost - contact * len(contacted)

    def rub(amount: float) -> str:
        return f"{amount:,.0f}".replace(",", "\xa0") + "\xa0€" if amount >= 1000 else \
            f"{amount:.2f}".replace(".", ",") + "\xa0€"

    lines = result.stdout.splitlines()
    assert lines[0].startswith("Кампания R2 на 30 июн. 1997") and f"предложение получат {len(contacted)}, " \
        f"в контрольной группе {len(mine) - len(contacted)} → " in lines[0], lines[0]
    assert f", всего {rub(offers)}; с контактами по {rub(contact)} кампания стоит {rub(cost)}" in lines[1], lines[1]
    measured = json.loads(run("campaign", str(built), "R2", "--as-of", "1997-09-30", "--window-days", "60",
                              "--json", "--config", str(config)).stdout)
    assert measured["offer_cost"] == pytest.approx(cost, abs=0.01)
    early = run("campaign", str(built), "R2", "--as-of", "1997-07-15", "--window-days", "60", "--lang", "ru",
                "--config", str(config))
    assert early.returncode == 0 and "windows close" not in early.stderr, early.stderr
    assert "Итог не окончательный: последнее окно закрывается 29 авг. 1997\u202fг.; возвраты после 15 июл. " \
        "1997\u202fг. ещё не учтены" in early.stdout, early.stdout
    assert "стоимость предложений и контактов" in early.stdout
    late = run("campaign", str(built), "R2", "--as-of", "1997-09-30", "--window-days", "60", "--config", str(config))
    assert late.returncode == 0 and "Not final" not in late.stdout and "cost of offers and contacts" in late.stdout


@pytest.mark.parametrize(("column", "value"), [("customer_id", "NO-SUCH"), ("kind", "hug")])
def test_a_touch_naming_an_unknown_customer_or_kind_is_a_validation_error(tmp_path, column, value):
    tables = valid_tables()
    tables["touches"][1][column] = value
    folder = write_csv_folder(tmp_path / "d", tables)
    out = tmp_path / "t.csv"
    result = run("touches", str(folder), "--as-of", "2024-12-31", "--from", "2025-01-01", "--to", "2025-01-31",
                 "--out", str(out))
    assert result.returncode == 2 and not out.exists()
    assert f"touches.csv, row 2 (line 3), column {column}" in result.stderr
    assert "Traceback" not in result.stderr


def test_metrics_json_has_exit_surveys_and_assess_has_the_tier_after_the_contract(tmp_path):
    folder = write_csv_folder(tmp_path / "d", valid_tables())
    result = run("metrics", str(folder), "--as-of", "2024-12-31", "--period", "quarter", "--json")
    assert result.returncode == 0, result.stderr
    exits = json.loads(result.stdout)["exit_surveys"]
    assert exits["answers"] == 1 and exits["by_period"][0]["key"] == "2024Q3"
    assert exits["by_period"][0]["reasons"]["delivery"] == 1
    out = tmp_path / "a.csv"
    result = run("assess", str(folder), "--as-of", "2024-12-31", "--out", str(out))
    assert result.returncode == 0, result.stderr
    header = next(csv.reader(out.open()))
    assert header[:10] == ["customer_id", "action", "priority", "flags", "clv", "p_alive", "churn_risk", "profit",
                           "cost_to_serve", "reasons"]
    assert "tier" in header[10:]
    tiers = {r["customer_id"]: r["tier"] for r in csv.DictReader(out.open())}
    assert tiers["C1"] == "bronze" and tiers["C2"] == ""  # C2's only order was cancelled
