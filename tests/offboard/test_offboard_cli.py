"""``keepwise letter``, ``proposals`` and ``policies`` run as a user runs them: a real process."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys

import pytest

KEEPWISE = [sys.executable, "-m", "keepwise"]
AS_OF = "2026-06-30"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*KEEPWISE, *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def data(business) -> str:
    return str(business.folder)


def test_letter_english_markdown(data):
    result = run("letter", data, "A1", "--as-of", AS_OF, "--lang", "en", "--format", "md", "--role", "manager")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.split()) > 40
    assert result.stdout.startswith("# About your account with us")
    assert "Thank you, sincerely" in result.stdout and "€120.00" in result.stdout
    assert "not 'offboard'" not in result.stderr and "Traceback" not in result.stderr


def test_letter_persian_html_defaults_to_the_customers_language(data):
    result = run("letter", data, "F1", "--as-of", AS_OF, "--format", "html")
    assert result.returncode == 0, result.stderr
    assert '<html lang="fa" dir="rtl">' in result.stdout
    assert "۲۵ اسفند ۱۴۰۲" in result.stdout  # customer since 2024-03-15


def test_letter_unknown_customer_exits_2_naming_the_id(data):
    result = run("letter", data, "NO-SUCH-CUSTOMER", "--as-of", AS_OF)
    assert result.returncode == 2
    assert "NO-SUCH-CUSTOMER" in result.stderr and result.stdout == ""
    assert "Traceback" not in result.stderr


def test_letter_language_fallback_and_a_customer_not_to_offboard_say_so(data):
    result = run("letter", data, "N1", "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert "no letter template in 'de': the letter is in English" in result.stderr
    assert "assessed 'grow', not 'offboard'" in result.stderr
    assert "Thank you, sincerely" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (("--format", "pdf"), "--format must be one of md, html"),
        (("--role", "intern"), "--role must be one of agent, manager, admin"),
        (("--goodwill", "-5"), "cannot be negative"),
        (("--goodwill", "80"), "above the agent's cap of 50.00 EUR: it needs a manager's approval"),
        (("--as-of", "2026-13-01"), "--as-of: '2026-13-01' is not a date"),
    ],
)
def test_letter_bad_input_exits_2_with_a_clear_message(data, args, message):
    options = dict(zip(args[::2], args[1::2], strict=True))
    as_of = options.pop("--as-of", AS_OF)
    extra = [item for pair in options.items() for item in pair]
    result = run("letter", data, "B1", "--as-of", as_of, *extra)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr and result.stdout == ""
    assert "Traceback" not in result.stderr


def test_letter_goodwill_within_a_managers_cap_and_configured_alternatives(data, tmp_path):
    config = tmp_path / "keepwise.toml"
    config.write_text(
        '[offboard]\nalternatives = ["Anywhere Co"]\nsender_name = "The Example Team"\n'
        '[offboard.alternatives_by_country]\nRU = ["Acme & Sons <acme@example.ru>"]\n',
        encoding="utf-8",
    )
    result = run("letter", data, "B1", "--as-of", AS_OF, "--lang", "en", "--format", "html", "--role", "manager",
                 "--goodwill", "80", "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert "credit your account with €80.00" in result.stdout
    assert "<li>Acme &amp; Sons &lt;acme@example.ru&gt;</li>" in result.stdout
    assert "Anywhere Co" not in result.stdout and "The Example Team" in result.stdout


def test_proposals_csv_and_portfolio_what_if(data, tmp_path):
    out = tmp_path / "proposals.csv"
    result = run("proposals", data, "--as-of", AS_OF, "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0])[:4] == ["customer_id", "action", "proposal", "yearly_profit_effect"]
    reprice = next(r for r in rows if r["proposal"] == "reprice")
    assert (reprice["customer_id"], float(reprice["price_change"])) == ("M1", 0.24)
    # whole units, as the what-if's column holds figures of €1,000 and more
    assert "if these actions were taken" in result.stdout and "+€638 " in result.stdout


def test_proposals_for_an_unknown_customer_writes_nothing(data, tmp_path):
    out = tmp_path / "proposals.csv"
    result = run("proposals", data, "--as-of", AS_OF, "--out", str(out), "--customer", "GHOST")
    assert result.returncode == 2 and "GHOST" in result.stderr
    assert not out.exists()


def test_policies_json(data):
    result = run("policies", data, "--as-of", AS_OF, "--json")
    assert result.returncode == 0, result.stderr
    reviews = {review["policy"]: review for review in json.loads(result.stdout)}
    assert set(reviews) == {"free_returns", "discounts", "free_order_changes", "payment_terms"}
    assert reviews["free_order_changes"]["profit_effect"] == 270.0
    assert reviews["free_returns"]["touched_by_action"] == {"offboard": 1}
    assert set(reviews["discounts"]["top_shares"]) == {"1%", "5%", "10%"}


def test_policies_table(data):
    result = run("policies", data, "--as-of", AS_OF, "--lang", "en")
    assert result.returncode == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "Free order changes" in line)
    cells = [cell.strip() for cell in row.split("│")]
    assert cells[1:3] == ["€270.00", "2"], row
    assert cells[4:6] == ["a fee of €15.00 per change request", "+€270.00"], row
    assert "Generous policies, the year to Jun 30, 2026" in result.stdout


@pytest.mark.parametrize(("lang", "policies", "what_if"), [
    ("ru", ["Щедрые правила за год по 30 июн. 2026 г.", "Бесплатные изменения заказов", "+270,00 €",
            "плата 15,00 € за каждое изменение заказа"],
     ["Клиентов: 1, предложений:", "Сделать клиентов прибыльными (1)", "+638 €", "Годовая прибыль изменилась бы"]),
    ("fa", ["سیاست‌های سخاوتمندانه، سال منتهی به ۹ تیر ۱۴۰۵", "تغییر رایگان سفارش",
            "بیش از ۳ بار در سال"],
     ["۱ مشتری، ", "سودآور کردن ۱ مشتری", "۶۳۸ ", "سود سالانه از"]),
])
def test_policies_and_proposals_print_in_the_language_asked(data, tmp_path, lang, policies, what_if):
    """The terminal's table is the report's section, in the --lang given: its words, figures and dates."""
    def printed(*args: str) -> str:
        result = run(*args, "--as-of", AS_OF, "--lang", lang)
        assert result.returncode == 0, result.stderr
        return re.sub("[\u00a0\u202f]", " ", result.stdout)  # Babel's no-break spaces, as the texts are written

    shown = printed("policies", data)
    assert all(text in shown for text in policies) and "Free order changes" not in shown, shown
    shown = printed("proposals", data, "--out", str(tmp_path / "p.csv"))
    assert all(text in shown for text in what_if) and "if these actions were taken" not in shown, shown


def test_an_unknown_language_stops_policies_and_proposals_before_any_work(data, tmp_path):
    for args in (("policies",), ("proposals", "--out", str(tmp_path / "p.csv"))):
        result = run(args[0], data, "--as-of", AS_OF, *args[1:], "--lang", "de")
        assert result.returncode == 2 and "--lang must be one of en, fa, ru (got 'de')" in result.stderr
    assert not (tmp_path / "p.csv").exists()
