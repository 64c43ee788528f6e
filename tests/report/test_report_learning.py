"""The campaigns and exit-surveys section, rendered from a hand-built ``Learning``."""

from __future__ import annotations

from datetime import date

from bs4 import BeautifulSoup

from keepwise.campaigns import CampaignResult, Learning, two_proportion_effect
from keepwise.report.build import render_page
from keepwise.report.learning import learning_section
from keepwise.text.translator import Translator


def _learning(worked: bool, cost: float = 800.0) -> Learning:
    effect = two_proportion_effect(400, 120 if worked else 60, 100, 15)
    result = CampaignResult("WB7", 60, effect, date(2026, 1, 31), date(2026, 4, 1), date(2026, 6, 30),
                            extra_revenue=5000.0, extra_margin=2000.0, cost=cost,
                            churn={"period": "quarter", "available": True, "before": 0.05, "after": 0.04,
                                   "before_period": "2025Q4", "after_period": "2026Q1"})
    surveys = {"period": "quarter", "answers": 10,
               "by_period": [{"key": "2026Q1", "answers": 10, "reasons": {"delivery": 4, "price": 6},
                              "shares": {"delivery": 0.4, "price": 0.6}}],
               "findings": [{"period": "2026Q1", "reason": "delivery", "share": 0.4, "answers": 10,
                             "failure": "late_deliveries", "before_period": "2025Q4", "before": 3, "after": 6,
                             "change": "doubled"}]}
    return Learning([result], {"C0": "no held-back members"}, surveys)


def _section(learning: Learning, lang: str = "en"):
    t = Translator.for_report(lang, "EUR")
    html = render_page(t, [learning_section(learning, t)], "shop", "meta")
    return BeautifulSoup(html, "html.parser").find("section", id="campaigns")


def test_a_campaign_that_worked_its_table_weaker_evidence_and_exit_findings():
    card = _section(_learning(worked=True))
    text = card.get_text(" ", strip=True)
    assert "Campaign WB7 brought customers back: +15.0 pts" in text
    cells = [td.get_text(strip=True) for td in card.find("table").find_all("td")]
    assert cells[:6] == ["WB7", "Jan 31, 2026", "400", "100", "30.0%", "15.0%"]
    assert "weaker evidence" in text and "WB7: churn 5.0% in Q4 2025, 4.0% in Q1 2026" in text
    assert "C0 cannot be measured: no held-back members" in text
    assert "Q1 2026 (10 answers): 40% cite delivery; late deliveries doubled in the same quarter (3 to 6)" in text


def test_a_campaign_that_brought_customers_back_at_a_loss_says_so():
    """The demo's WB1 "brought customers back … (net -€4,581)": that it did not pay is said in words, in each
    language; one that paid reads as before."""
    for lang, said in (("en", "held-back group, but it cost more than the margin they brought (net -€500.00)."),
                       ("ru", "но обошлась дороже маржи, которую они принесли (итого -500,00"),
                       ("fa", "اما هزینه‌اش از حاشیهٔ سودی که آوردند بیشتر شد")):
        text = _section(_learning(worked=True, cost=2500.0), lang).get_text(" ", strip=True)
        assert said in text.replace("\xa0", " "), lang
    paid = _section(_learning(worked=True)).get_text(" ", strip=True)
    assert "than in the held-back group (net €1,200)." in paid and "but it cost more" not in paid


def test_no_effect_says_so_and_the_section_speaks_persian():
    assert "No campaign shows an effect beyond chance" in _section(_learning(worked=False)).get_text(" ", strip=True)
    persian = _section(_learning(worked=True), "fa").get_text(" ", strip=True)
    assert "کمپین" in persian and "تحویل" in persian
    # the quarters named in Persian words and digits (were "2025Q4")
    assert "WB7: ریزش ۵٫۰٪ در سه‌ماههٔ چهارم ۲۰۲۵، ۴٫۰٪ در سه‌ماههٔ اول ۲۰۲۶" in persian and "Q" not in persian
    assert "سه‌ماههٔ اول ۲۰۲۶ (۱۰ پاسخ): ۴۰٪ دلیل را تحویل می‌دانند" in persian
    russian = _section(_learning(worked=True), "ru").get_text(" ", strip=True)
    assert "WB7: отток 5,0% за 4-й кв. 2025, 4,0% за 1-й кв. 2026" in russian
    assert "1-й кв. 2026 (10 ответов): 40% называют доставку" in russian


def test_the_exit_claims_line_counts_in_every_language():
    """How many who left blamed us, and for how many the records show it: plurals by the count, Persian digits."""
    def line(lang: str, claimed: int, borne_out: int) -> str:
        learning = _learning(worked=True)
        learning.exit_surveys = {**learning.exit_surveys,
                                 "claims": {"claimed": claimed, "borne_out": borne_out, "window_days": 365}}
        return _section(learning, lang).get_text(" ", strip=True)

    assert ("21 customers who left blamed delivery, quality or service; the records of 1 of them show that failure, "
            "at most 365 days before their last order or since.") in line("en", 21, 1)
    assert "1 customer who left blamed" in line("en", 1, 0)
    for borne_out, word in ((1, "клиента"), (2, "клиентов"), (5, "клиентов"), (21, "клиента")):
        assert (f"обслуживание: 21; у {borne_out} {word} из них записи показывают этот сбой в течение 365 дней "
                "до последнего заказа или после него") in line("ru", 21, borne_out)
    assert "۲۱ مشتری هنگام رفتن" in line("fa", 21, 3) and "سوابق ۳ نفر" in line("fa", 21, 3)
    # no one blamed us: no line
    assert "blamed" not in line("en", 0, 0)
