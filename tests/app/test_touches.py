"""Keeping in touch in the app: today's touches, marked done (a touches row on the timeline), exit
surveys recorded, a campaign's page; bad input refused."""

from __future__ import annotations

import re

import sqlalchemy as sa

from keepwise.store.contract import CONTRACT_TABLES
from webkit import csrf_of


def _rows(store, table: str, customer_id: str) -> list:
    t = CONTRACT_TABLES[table]
    with store.sessions() as session:
        return session.execute(sa.select(t).where(t.c.customer_id == customer_id)).all()


DUE = re.compile(r'action="/customers/([^/"]+)/touches" class="inline">.*?name="kind" value="([^"]+)">'
                 r'<input type="hidden" name="channel" value="([^"]+)"')


def test_todays_touches_marked_done_land_on_the_timeline(client_for, store):
    client, token = client_for("agent")
    page = client.get("/touches?who=all")
    assert page.status_code == 200
    due = DUE.findall(page.text)
    assert due, "the sample business has touches due today"
    assert f'name="csrf_token" value="{token}"' in page.text  # the forms carry the session's token
    customer_id, kind, channel = due[0]
    before = len(_rows(store, "touches", customer_id))
    done = client.post(f"/customers/{customer_id}/touches",
                       data={"kind": kind, "channel": channel, "back": "touches", "csrf_token": token},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/touches"
    assert len(_rows(store, "touches", customer_id)) == before + 1
    after = {(c, k) for c, k, _ in DUE.findall(client.get("/touches?who=all").text)}
    assert (customer_id, kind) not in after and len(after) == len({(c, k) for c, k, _ in due}) - 1
    mine = client.get("/touches").text  # nothing is assigned to the agent yet: said so, not "nothing due"
    assert "No customer is assigned to you." in mine and 'href="/touches?who=all"' in mine
    assert "Nothing due today." not in mine
    # Once a customer with nothing due is assigned, nothing is due among the agent's own.
    from keepwise.store.models import User
    from keepwise.store.services.base import Actor
    from keepwise.store.services.worklists import assign

    due_ids = {c for c, _, _ in DUE.findall(client.get("/touches?who=all").text)}
    with store.sessions() as session:
        agent = session.scalars(sa.select(User).where(User.role == "agent")).first()
        customers = CONTRACT_TABLES["customers"]
        quiet = next(c for c in session.scalars(sa.select(customers.c.customer_id)) if c not in due_ids)
        assign(session, Actor.system(), quiet, agent.id)
    mine = client.get("/touches").text
    assert "Nothing due today." in mine and "No customer is assigned to you." not in mine


def test_a_touch_and_an_exit_survey_are_recorded_and_bad_input_is_refused(client_for, store, ids):
    client, token = client_for("agent")
    customer = ids.customer_id
    touches_before = len(_rows(store, "touches", customer))
    ok = client.post(f"/customers/{customer}/touches", data={"kind": "call", "channel": "phone", "csrf_token": token},
                     follow_redirects=False)
    assert ok.status_code == 303 and len(_rows(store, "touches", customer)) == touches_before + 1
    bad = client.post(f"/customers/{customer}/touches", data={"kind": "hug", "channel": "phone", "csrf_token": token},
                      follow_redirects=False)
    assert bad.status_code in (400, 422) and len(_rows(store, "touches", customer)) == touches_before + 1
    surveys_before = len(_rows(store, "exit_surveys", customer))
    recorded = client.post(f"/customers/{customer}/exit-survey",
                           data={"reason": "delivery", "score": "2", "comment": "always late", "csrf_token": token},
                           follow_redirects=False)
    assert recorded.status_code == 303
    rows = _rows(store, "exit_surveys", customer)
    assert len(rows) == surveys_before + 1 and rows[-1].reason == "delivery" and rows[-1].score == 2
    for data in ({"reason": "delivery", "score": "11"}, {"reason": "boredom"}):
        refused = client.post(f"/customers/{customer}/exit-survey", data={**data, "csrf_token": token},
                              follow_redirects=False)
        assert refused.status_code in (400, 422)
    assert len(_rows(store, "exit_surveys", customer)) == surveys_before + 1
    page = client.get(f"/customers/{customer}").text
    form = page[page.index('id="exit-survey-form"'):]
    assert csrf_of(form) == token  # the form carries the session's token (a macro imported with context)
    # on the timeline; a survey without a score or comment leaves no "– of 10" behind
    assert client.post(f"/customers/{customer}/exit-survey", data={"reason": "price", "csrf_token": token},
                       follow_redirects=False).status_code == 303
    timeline = client.get(f"/customers/{customer}?category=surveys").text
    assert "Exit survey: left because of delivery; would recommend us 2 of 10. always late" in timeline
    assert re.search(r"Exit survey: left because of price\s*<", timeline)
    assert "– of 10" not in timeline


def test_the_campaign_page_shows_the_measured_effect_and_an_unknown_one_is_not_found(client_for):
    client, _ = client_for("manager")
    page = client.get("/campaigns/WB1")
    assert page.status_code == 200 and 'id="campaign-effect"' in page.text and "Uplift" in page.text
    assert client.get("/campaigns/NOPE").status_code == 404
