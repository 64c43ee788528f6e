"""What users run, run as they run it: a real process for each command, its exit code, what it prints
(complete, also when piped to a narrow reader) and what it writes, on good and on bad input."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from datafactory import valid_tables, write_csv_folder

CDNOW_END = "1997-09-30"
# Skip the classifier: these tests are about the commands, not the churn model.
FAST = '[clv]\nchurn_source = "bgnbd"\n[report]\nchurn_classifier = false\n'


def run(*args: str, columns: int = 40) -> subprocess.CompletedProcess:
    """The CLI as a subprocess whose output goes to a pipe, with a narrow COLUMNS that must not cut anything."""
    env = {**os.environ, "COLUMNS": str(columns)}
    return subprocess.run([sys.executable, "-m", "keepwise", *args], capture_output=True, text=True, timeout=600,
                          env=env)


@pytest.fixture
def fast_config(tmp_path) -> str:
    path = tmp_path / "keepwise.toml"
    path.write_text(FAST)
    return str(path)


def assert_complete(text: str) -> None:
    assert "…" not in text, text


# -- clv fit ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("model", "params", "customers"), [
    ("bgnbd", {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, 2357),
    ("mbgnbd", {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}, 2357),
    ("pareto-nbd", {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}, 2357),
    ("gamma-gamma", {"p": 6.25, "q": 3.74, "v": 15.44}, 946),
])
def test_clv_fit_prints_the_contract_json_for_each_model(cdnow_dir, model, params, customers):
    result = run("clv", "fit", str(cdnow_dir), "--model", model, "--calibration-end", CDNOW_END,
                 "--time-unit", "week", "--json")
    assert result.returncode == 0, result.stderr
    fitted = json.loads(result.stdout)
    assert fitted["model"] == model and fitted["n_customers"] == customers
    assert set(fitted["params"]) == set(params)
    # The published CDNOW fits (weeks rounded to 2 decimals); the raw log agrees to within 1%.
    for name, value in params.items():
        assert fitted["params"][name] == pytest.approx(value, rel=0.01), name
    assert fitted["log_likelihood"] < 0


def test_clv_fit_prints_a_complete_table_without_json(cdnow_dir):
    result = run("clv", "fit", str(cdnow_dir), "--model", "bgnbd", "--calibration-end", CDNOW_END)
    assert result.returncode == 0, result.stderr
    assert_complete(result.stdout)
    assert "bgnbd fitted on 2,357 customers" in " ".join(result.stdout.split())
    assert "log-likelihood: -95" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("--model", "bg"), "--model must be one of bgnbd, mbgnbd, pareto-nbd, gamma-gamma (got 'bg')"),
    (("--model", "bgnbd", "--time-unit", "month"), "--time-unit must be day or week (got 'month')"),
    (("--model", "bgnbd", "--calibration-end", "1996-01-01"), "no completed orders on or before"),
    (("--model", "bgnbd", "--calibration-end", "30/09/1997"), "--calibration-end: '30/09/1997' is not a date"),
])
def test_clv_fit_bad_input_exits_2_with_the_reason(cdnow_dir, args, message):
    full = list(args) if "--calibration-end" in args else [*args, "--calibration-end", CDNOW_END]
    result = run("clv", "fit", str(cdnow_dir), *full, "--json")
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


# -- clv predict ----------------------------------------------------------------------------------

def test_clv_predict_writes_the_contract_columns_over_the_horizon(cdnow_dir, tmp_path):
    tables = {}
    for horizon in ("26", "52"):
        out = tmp_path / f"predictions-{horizon}.csv"
        result = run("clv", "predict", str(cdnow_dir), "--model", "pareto-nbd", "--calibration-end", CDNOW_END,
                     "--time-unit", "week", "--horizon", horizon, "--out", str(out))
        assert result.returncode == 0, result.stderr
        tables[horizon] = pd.read_csv(out, dtype={"customer_id": str})
    short, long = tables["26"], tables["52"]
    assert list(short.columns[:6]) == ["customer_id", "frequency", "recency", "T", "p_alive", "expected_purchases"]
    assert len(short) == 2357 and short["customer_id"].is_unique
    assert short["p_alive"].between(0, 1).all()
    # P(alive) is as of the calibration end: the horizon does not change it; more weeks, more purchases.
    pd.testing.assert_series_equal(short["p_alive"], long["p_alive"])
    assert (long["expected_purchases"] > short["expected_purchases"]).all()
    # T is measured in weeks from the first purchase day to the calibration end (1997-01-01 .. 1997-09-30).
    assert short["T"].max() == pytest.approx(272 / 7)


@pytest.mark.parametrize(("args", "message"), [
    (("--model", "gamma-gamma", "--horizon", "52"), "--model must be one of bgnbd, mbgnbd, pareto-nbd"),
    (("--model", "bgnbd", "--horizon", "0"), "--horizon must be a positive number of weeks (got 0.0)"),
    (("--model", "bgnbd", "--horizon", "many"), "Invalid value for '--horizon'"),
])
def test_clv_predict_bad_input_exits_2_and_writes_nothing(cdnow_dir, tmp_path, args, message):
    out = tmp_path / "predictions.csv"
    result = run("clv", "predict", str(cdnow_dir), "--calibration-end", CDNOW_END, *args, "--out", str(out),
                 columns=200)  # Typer's own usage errors are boxed at the terminal width
    assert result.returncode == 2
    assert message in result.stderr
    assert not out.exists()


# -- metrics ----------------------------------------------------------------------------------------

def test_metrics_prints_complete_tables_to_a_narrow_pipe(cdnow_dir):
    result = run("metrics", str(cdnow_dir), "--as-of", CDNOW_END, "--period", "quarter", columns=30)
    assert result.returncode == 0, result.stderr
    assert_complete(result.stdout)
    for figure in ("Customer economics as of Sep 30, 1997", "2,357", "$173,116", "Churn and retention per quarter",
                   "A customer counts as lost after 180 days without a purchase.",
                   # CDNOW records orders alone: its zero cost to serve is "not recorded", as the report says.
                   "The data records no tickets, returns, invoices or order changes, so the cost to serve is not known"):
        assert figure in result.stdout, figure
    # Tables are not wrapped: a table row is one line, its borders aligned.
    rows = [line for line in result.stdout.splitlines() if line.startswith("│ Customers ")]
    assert rows and all(line.endswith("│") for line in rows)


def test_metrics_json(cdnow_dir):
    result = run("metrics", str(cdnow_dir), "--as-of", CDNOW_END, "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["as_of"] == CDNOW_END and summary["period"] == "month"
    assert summary["customers"]["total"] == 2357 and summary["cost_recorded"] is False  # orders alone
    assert summary["money"]["revenue"] == pytest.approx(173115.55)
    assert [row["period"] for row in summary["churn"]["periods"]][:2] == ["1997-01", "1997-02"]
    # The whale curve's sentence is the report's (the settings' language: English here).
    assert summary["whale"]["headline"].startswith("No customer costs more than they bring; the top 20% earn ")


@pytest.mark.parametrize(("lang", "words"), [
    ("ru", ("Экономика клиентов на 30 сент. 1997\u202fг.", "│ Клиенты                │     2\xa0357 │",
            "77\xa0902\xa0$", "Отток и удержание за квартал", "3-й кв. 1997",
            "Клиент считается ушедшим после 180 дней без покупок.", "│ Чемпионы ", "Медиана", "Удержание по когортам")),
    ("fa", ("اقتصاد مشتریان تا ۸ مهر ۱۳۷۶", "│ مشتریان             │     ۲٬۳۵۷ │", "ریزش و ماندگاری در هر فصل",
            "مشتری پس از ۱۸۰ روز بدون خرید از دست‌رفته شمرده می‌شود.", "│ قهرمانان ", "میانه")),
])
def test_metrics_prints_in_the_language_asked(cdnow_dir, lang, words):
    """The tables' titles, labels, periods, figures and notes in the reader's language; none left in English."""
    result = run("metrics", str(cdnow_dir), "--as-of", CDNOW_END, "--period", "quarter", "--lang", lang)
    assert result.returncode == 0, result.stderr
    for word in words:
        assert word in result.stdout, word
    for english in ("Customer", "Churn", "Whale", "Segment", "Cohort", "Total", "Median", "lost after", "Q3"):
        assert english not in result.stdout, english
    if lang == "fa":  # Persian digits throughout, dates in the Solar Hijri calendar
        assert not any(digit in result.stdout for digit in "0123456789")
    headline = json.loads(run("metrics", str(cdnow_dir), "--as-of", CDNOW_END, "--json", "--lang", lang).stdout)
    assert headline["whale"]["headline"].startswith(
        {"ru": "Ни один клиент не обходится дороже", "fa": "هیچ مشتری‌ای بیش از آنچه"}[lang])


def test_metrics_with_an_unknown_language_stops_before_reading_the_data(tmp_path):
    result = run("metrics", str(tmp_path / "nowhere"), "--as-of", CDNOW_END, "--lang", "de")
    assert result.returncode == 2
    assert "--lang must be one of en, fa, ru (got 'de')" in result.stderr


def test_metrics_bad_period_exits_2(cdnow_dir):
    result = run("metrics", str(cdnow_dir), "--as-of", CDNOW_END, "--period", "week")
    assert result.returncode == 2
    assert "--period must be one of month, quarter, year (got 'week')" in result.stderr


def test_metrics_validates_only_the_tables_it_reads(tmp_path):
    tables = valid_tables()
    tables["engagement"][0]["at"] = "not a date"  # not read by metrics: neither validated nor loaded
    folder = write_csv_folder(tmp_path / "engagement", tables)
    result = run("metrics", str(folder), "--as-of", "2024-12-31", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["customers"]["total"] == len(tables["customers"])
    assert run("validate", str(folder)).returncode == 2  # the whole source is still checked by validate
    tables = valid_tables()
    tables["returns"][0]["returned_at"] = "not a date"  # read by metrics (the cost to serve)
    result = run("metrics", str(write_csv_folder(tmp_path / "returns", tables)), "--as-of", "2024-12-31")
    assert result.returncode == 2
    assert "returns.csv" in result.stderr and "returned_at" in result.stderr


def test_assess_and_explain_validate_only_the_tables_they_read(tmp_path):
    tables = valid_tables()
    tables["touches"][0]["at"] = "not a date"  # not read by the assessment: neither validated nor loaded
    folder = write_csv_folder(tmp_path / "touches", tables)
    out = tmp_path / "assessment.csv"
    result = run("assess", str(folder), "--as-of", "2024-12-31", "--out", str(out), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["customers"] == len(tables["customers"]) == len(pd.read_csv(out))
    # explain reads them too, for the customer's timeline
    result = run("explain", str(folder), "C1", "--as-of", "2024-12-31", "--json")
    assert result.returncode == 2 and not result.stdout
    assert "touches.csv, row 1 (line 2), column at" in result.stderr
    assert run("validate", str(folder)).returncode == 2  # the whole source is still checked by validate
    # the exit surveys are read by the assessment (what a customer who left told us)
    tables = valid_tables()
    tables["exit_surveys"][0]["reason"] = "no such reason"
    out = tmp_path / "not-written.csv"
    result = run("assess", str(write_csv_folder(tmp_path / "surveys", tables)), "--as-of", "2024-12-31",
                 "--out", str(out))
    assert result.returncode == 2 and not out.exists()
    assert "exit_surveys.csv, row 1 (line 2), column reason" in result.stderr
    valid = write_csv_folder(tmp_path / "valid", valid_tables())
    told = {}
    for customer_id in ("C1", "C2"):
        result = run("explain", str(valid), customer_id, "--as-of", "2024-12-31", "--json")
        assert result.returncode == 0, result.stderr
        told[customer_id] = [(e["at"], e["event"], e["values"]) for e in json.loads(result.stdout)["timeline"]
                             if e["table"] in ("touches", "exit_surveys")]
    assert told == {"C1": [("2024-03-02", "touch.made", {"id": "K1", "kind": "thank_you", "channel": "email",
                                                          "cost": 0.0, "campaign": ""})],
                    "C2": [("2024-08-01", "survey.exit", {"reason": "delivery", "score": 3.0, "comment": "too slow"})]}
    # the assessment tells what C2 answered when they left (no completed order since, nor ever)
    out = tmp_path / "valid.csv"
    assert run("assess", str(valid), "--as-of", "2024-12-31", "--out", str(out)).returncode == 0
    reasons = pd.read_csv(out).set_index("customer_id")["reasons"]
    assert reasons["C2"].split(";")[0] == "exit survey 2024-08-01, reason: delivery, would recommend us 3 of 10"
    assert "exit survey" not in reasons["C1"]
    # the text shows the latest events, and says how many it left out
    every = json.loads(run("explain", str(valid), "C1", "--as-of", "2024-12-31", "--json").stdout)["timeline"]
    assert len(every) > 3
    latest = run("explain", str(valid), "C1", "--as-of", "2024-12-31", "--events", "3", columns=200)
    assert latest.returncode == 0, latest.stderr
    rows = [line for line in latest.stdout.splitlines() if line.startswith("│")]
    assert [row.split("│")[1].strip() for row in rows] == [event["at"] for event in every[-3:]]
    assert f"The last 3 of {len(every)} events; --events 0 shows them all." in latest.stdout
    whole = run("explain", str(valid), "C1", "--as-of", "2024-12-31", "--events", "0", columns=200)
    assert len([line for line in whole.stdout.splitlines() if line.startswith("│")]) == len(every)
    assert "--events 0 shows" not in whole.stdout
    refused = run("explain", str(valid), "C1", "--as-of", "2024-12-31", "--events", "-1")
    assert refused.returncode == 2 and "--events" in refused.stderr
    # how many it shows unless told is a setting ([report] explain_events, 40 by default)
    config = tmp_path / "two.toml"
    config.write_text("[report]\nexplain_events = 2\n")
    two = run("explain", str(valid), "C1", "--as-of", "2024-12-31", "--config", str(config), columns=200)
    assert len([line for line in two.stdout.splitlines() if line.startswith("│")]) == 2
    assert f"The last 2 of {len(every)} events" in two.stdout
    config.write_text("[report]\nexplain_events = -2\n")
    bad = run("explain", str(valid), "C1", "--as-of", "2024-12-31", "--config", str(config))
    assert bad.returncode == 2 and "explain_events" in bad.stderr
    tables = valid_tables()
    tables["engagement"][0]["score"] = "11"  # read by the assessment (the survey scores): 0 to 10
    out = tmp_path / "not-written.csv"
    result = run("assess", str(write_csv_folder(tmp_path / "engagement", tables)), "--as-of", "2024-12-31",
                 "--out", str(out))
    assert result.returncode == 2
    assert "engagement.csv" in result.stderr and "score" in result.stderr and not out.exists()
    result = run("explain", str(tmp_path / "engagement"), "C1", "--as-of", "2024-12-31")
    assert result.returncode == 2 and "engagement.csv" in result.stderr


def test_a_customer_who_signed_up_after_the_as_of_date_is_not_yet_a_customer(tmp_path):
    """Assessed as of a day before C2 signed up (2024-02-10), even with an order of C2's dated before it:
    C2 is left out with a warning, as later events are; the one without a sign-up date (C3) is kept."""
    tables = valid_tables()
    tables["orders"].append(dict(tables["orders"][0], order_id="O9", customer_id="C2", ordered_at="2024-01-20"))
    folder = write_csv_folder(tmp_path / "d", tables)
    out = tmp_path / "assessment.csv"
    result = run("assess", str(folder), "--as-of", "2024-02-01", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(pd.read_csv(out)["customer_id"]) == ["C1", "C3"]
    assert "customers.csv, row 2 (line 3), column signed_up_at: 1 row(s) dated after the as-of date" in result.stderr
    # The summary table's title on one line, though the pipe's reader is 40 columns wide; the notes too.
    assert f"2 customers assessed as of Feb 1, 2024 → {out}\n" in result.stdout
    assert "\nPurchase model: none could be fitted; p_alive and clv follow each customer's rhythm\n" in result.stdout
    assert "\nChurn risk from each customer's purchase rhythm\n" in result.stdout
    for command in ("explain", "letter"):
        result = run(command, str(folder), "C2", "--as-of", "2024-02-01")
        assert result.returncode == 2
        assert f"no customer 'C2' in {folder} as of 2024-02-01" in result.stderr
    assert run("explain", str(folder), "C2", "--as-of", "2024-02-10").returncode == 0


# -- explain, assess, validate, sample, demo ----------------------------------------------------------

def test_explain_prints_a_readable_dossier(cdnow_dir, fast_config):
    result = run("explain", str(cdnow_dir), "00004", "--as-of", CDNOW_END, "--config", fast_config)
    assert result.returncode == 0, result.stderr
    assert_complete(result.stdout)
    text = result.stdout
    assert text.startswith("00004  ")
    # [clv] transaction_model = "auto": the purchase model chosen by holdout is the churn source here, named as
    # the reader names it (its code and the models' technical note are the dossier's, in --json).
    assert any(f"Churn risk from {name}\n" in text for name in ("MBG/NBD", "Pareto/NBD"))
    assert "Timeline" in text and "1997-01-18" in text and "1997-08-02" in text
    assert "margin to date" in text


def test_assess_json_summary_counts_every_customer(cdnow_dir, fast_config, tmp_path):
    out = tmp_path / "assessment.csv"
    result = run("assess", str(cdnow_dir), "--as-of", CDNOW_END, "--out", str(out), "--json",
                 "--config", fast_config)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    written = pd.read_csv(out, dtype={"customer_id": str})
    assert summary["customers"] == len(written) == 2357
    assert summary["actions"] == written["action"].value_counts().to_dict()
    assert summary["churn_source"] == summary["transaction_model"] in ("mbgnbd", "pareto-nbd")
    assert summary["transaction_model_reason"].startswith(summary["transaction_model"] + ": predicted who bought")


def test_assess_summarises_in_the_language_asked(cdnow_dir, fast_config, tmp_path):
    """The table of actions, the purchase model and the churn source in the reasons' language; the technical
    notes (English, as --json gives them) with --verbose only."""
    out = tmp_path / "assessment.csv"
    result = run("assess", str(cdnow_dir), "--as-of", CDNOW_END, "--out", str(out), "--lang", "ru",
                 "--config", fast_config)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert f"Оценено клиентов: 2\xa0357, на 30 сент. 1997\u202fг. → {out}\n" in text
    assert "Действие" in text and "Клиенты" in text and "Вернуть" in text
    assert "\nМодель покупок: " in text and "лучше всех предсказала, кто покупал за последние 180 дней" in text
    assert "\nИсточник риска ухода — " in text
    for english in ("customers", "assessed", "win_back", "Purchase model", "Churn risk", "predicted who bought"):
        assert english not in text, english
    verbose = run("assess", str(cdnow_dir), "--as-of", CDNOW_END, "--out", str(out), "--lang", "ru",
                  "--config", fast_config, "--verbose")
    assert "detail: purchase model " in verbose.stderr and ": predicted who bought in the last" in verbose.stderr


def test_validate_json_lists_problems_and_rows(tmp_path):
    tables = valid_tables()
    good = run("validate", str(write_csv_folder(tmp_path / "good", tables)), "--json")
    assert good.returncode == 0, good.stderr
    report = json.loads(good.stdout)
    assert report["valid"] and report["errors"] == 0
    assert report["rows"]["orders"] == len(tables["orders"])
    tables["orders"][1]["ordered_at"] = "2025-13-45"
    bad = run("validate", str(write_csv_folder(tmp_path / "bad", tables)), "--json")
    assert bad.returncode == 2
    report = json.loads(bad.stdout)
    assert not report["valid"] and report["errors"] >= 1
    problem = next(p for p in report["problems"] if p["column"] == "ordered_at")
    assert (problem["file"], problem["row"], problem["value"]) == ("orders.csv", 2, "2025-13-45")


def test_sample_json_says_what_was_written(tmp_path):
    result = run("sample", str(tmp_path / "s"), "--customers", "60", "--seed", "3", "--json")
    assert result.returncode == 0, result.stderr
    written = json.loads(result.stdout)
    orders = pd.read_csv(written["files"]["orders"])
    assert written["rows"]["orders"] == len(orders)
    assert sum(written["planted_types"].values()) == 60
    assert Path(written["truth"]).exists()


def test_demo_writes_the_sample_business_and_the_report(tmp_path, fast_config):
    result = run("demo", "--out", str(tmp_path / "demo"), "--customers", "80", "--config", fast_config)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "demo" / "sample-shop" / "_truth.csv").exists()
    report = tmp_path / "demo" / "keepwise-demo-report.html"
    assert report.exists() and "<html" in report.read_text(encoding="utf-8")[:500].lower()
    assert str(report) in " ".join(result.stdout.split()).replace(" ", "") or "Report:" in result.stdout


def test_demo_prints_its_most_urgent_customers_in_the_language_asked(tmp_path, fast_config):
    """demo --lang ru: the report and the terminal's table alike, the reasons included (they were English)."""
    result = run("demo", "--out", str(tmp_path / "demo"), "--customers", "300", "--lang", "ru", "--config",
                 fast_config, columns=400)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    for word in ("Пример бизнеса, клиентов: 300", "Самые срочные клиенты", "Приоритет", "Деньги на кону",
                 "Главная причина", "Отчёт: "):
        assert word in text, word
    rows = [line.split("│") for line in text.splitlines() if line.startswith("│")]
    assert rows and all(cell.strip() for row in rows for cell in row[1:-1])
    reasons = " ".join(row[5] for row in rows)
    assert re.search("[а-я]{4}", reasons) and not re.search("[a-z]{4}", reasons), reasons
    for english in ("Most urgent", "Sample business", "Report:", "at stake", "offboard", "retain"):
        assert english not in text, english


def test_every_help_text_shows_the_settings_it_names():
    """Help texts name settings as "[engine] spark_master"; Rich markup took "[engine]" for a style and dropped
    it ("default  spark_master"). Every command's and option's help, as ``--help`` prints it, keeps them."""
    import re

    import typer.main

    from keepwise.cli import app

    def commands(group, path: tuple[str, ...] = ()):
        for name, command in group.commands.items():
            if hasattr(command, "commands"):  # a group (typer's own click)
                yield from commands(command, (*path, name))
            else:
                yield (*path, name), command

    checked = 0
    for path, command in commands(typer.main.get_command(app)):
        helps = [command.help or "", *(getattr(param, "help", None) or "" for param in command.params)]
        words = {word for text in helps for word in re.findall(r"\[[a-z][a-z_]*\]", text.replace("\\[", "["))}
        if not words:
            continue
        shown = run(*path, "--help", columns=400).stdout
        assert not [word for word in words if word not in shown], path
        checked += 1
    assert checked >= 6  # at least the five commands that take --spark-master, and serve
