"""The admins' and managers' pages over HTTP, in the reader's words: the audit log says what was done to what,
and the values it changed (it showed the action's code and the stored JSON in every language); the users page
names each user's role and language."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import sqlalchemy as sa

from keepwise.app.i18n import catalog
from keepwise.store.models import AuditEntry, User
from keepwise.store.services.base import Actor, audit
from keepwise.text import LANGUAGES
from keepwise.text.problems import phrase_problem


def _rows(page: str) -> list[list[str]]:
    """The audit table's rows, newest first: each cell's text, a value list's pairs as 'name: value; ...'."""
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        cells = []
        for cell in re.findall(r"<td>(.*?)</td>", row, flags=re.S):
            cell = re.sub(r"</dt><dd>", ": ", cell)
            cell = re.sub(r"</dd>(?=<dt>)", "; ", cell)
            cells.append(html.unescape(re.sub(r"<[^>]+>", "", cell)).strip())
        rows.append(cells)
    return rows


def _language(client, token: str, lang: str) -> None:
    assert client.post("/me/language", data={"language": lang, "csrf_token": token},
                       follow_redirects=False).status_code == 303


def test_the_audit_log_names_actions_objects_and_changed_values_in_the_readers_words(client_for, ids, store):
    manager, token = client_for("manager")
    override = manager.post(f"/customers/{ids.customer_id}/decision",
                            data={"kind": "override", "action": ids.override_action,
                                  "reason": "long-standing partner", "csrf_token": token}, follow_redirects=False)
    assert override.status_code == 303
    assert manager.post(f"/customers/{ids.customer_id}/exit-survey",
                        data={"reason": "price", "score": "0", "csrf_token": token},
                        follow_redirects=False).status_code == 303
    revoked = manager.post(f"/tokens/{ids.tokens['manager']}/revoke", data={"csrf_token": token},
                           follow_redirects=False)
    assert revoked.status_code == 303
    _language(manager, token, "ru")
    with store.sessions() as session:
        manager_id = session.scalar(sa.select(User.id).where(User.username == "manager"))

    ru = manager.get("/audit").text
    language, token_revoked, survey, overridden = _rows(ru)[:4]
    # a user by id and by name (the entry keeps the id)
    assert language[1:] == ["manager", "Язык изменён", f"пользователь {manager_id} · manager", "язык: English",
                            "язык: Русский"]
    # the token's user and name did not change: only its revocation is shown
    assert token_revoked[2:4] == ["Токен API отозван", f"токен API {ids.tokens['manager']}"]
    assert token_revoked[4] == "отозван: –" and token_revoked[5].startswith("отозван: ")
    assert re.fullmatch(r"отозван: \d+ [а-я]+\.? \d{4}\sг\., \d\d:\d\d:\d\d", token_revoked[5])
    assert survey[2:4] == ["Опрос при уходе записан", f"клиент {ids.customer_id}"]
    assert "причина: цена" in survey[5] and "оценка: 0" in survey[5] and "комментарий: –" in survey[5]
    assert overridden[2:4] == ["Действие заменено", f"клиент {ids.customer_id}"]
    assert overridden[5].startswith("действие: ") and "причина: long-standing partner" in overridden[5]
    created = next(row for row in _rows(ru) if row[2] == "Создан токен API" and "agent laptop" in row[5])
    with store.sessions() as session:
        agent_id = session.scalar(sa.select(User.id).where(User.username == "agent"))
    assert f"пользователь: {agent_id} · agent" in created[5]  # a user's id in a value, with their name
    body = ru[ru.index("<tbody>"):ru.index("</tbody>")]
    for raw in ("{", "null", "true", "exit_survey.record", "action.override", ids.override_action, "price"):
        assert raw not in body, raw

    _language(manager, token, "fa")
    page = manager.get("/audit?object_type=source").text
    # a path keeps its own direction in a right-to-left line (its leading "/" was shown at its end)
    assert re.search(r"<td>منبع <bdi>/[^<]+/sample</bdi></td>", page)
    fa = _rows(manager.get("/audit").text)
    assert fa[0][2:5] == ["زبان تغییر کرد", f"کاربر {manager_id} · manager".translate(
        str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")), "زبان: Русский"]
    assert "دلیل: قیمت" in fa[3][5] and "امتیاز: ۰" in fa[3][5]


def test_every_action_the_store_audits_has_its_words_in_every_language():
    """The actions are the third argument of each ``audit(...)`` call of the services (an f-string's choices
    spelled out)."""
    services = Path(__file__).parents[2] / "src" / "keepwise" / "store" / "services"
    actions = set()
    for path in services.glob("*.py"):
        for call in re.findall(r"\baudit\(session, \w+, (.+?), \"", path.read_text(), flags=re.S):
            actions |= set(re.findall(r'"([a-z_.]+)"', call))
            if 'f"action.{kind}"' in call:
                actions |= {"action.accept", "action.override"}
    assert len(actions) >= 40 and {"login", "user.deactivate", "incident.unconfirm", "action.override"} <= actions
    for lang in LANGUAGES:
        missing = sorted(a for a in actions if f"audit.action.{a}" not in catalog(lang))
        assert not missing, (lang, missing)


def test_the_users_page_names_each_users_language_in_its_own_words(client_for):
    admin, token = client_for("admin")
    _language(admin, token, "ru")
    page = admin.get("/users").text
    rows = _rows(page)
    assert rows[0][:4] == ["admin", "Admin", "администратор", "Русский"]
    assert {row[3] for row in rows} <= {"English", "فارسی", "Русский"}


def test_a_refused_refund_is_told_in_the_readers_language(client_for, ids, app, store):
    """Why a refund was refused was stored as its English sentence; now as the message's key and facts."""
    agent, token = client_for("agent")
    amount = app.state.settings.goodwill.cap_agent + 10
    refused = agent.post(f"/complaints/{ids.ticket_id}/close", follow_redirects=False,
                         data={"substantiated": "yes", "refund": str(amount), "csrf_token": token})
    assert refused.status_code == 400
    with store.sessions() as session:
        entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "complaint.refund_refused")).one()
    stored = json.loads(entry.after)["refused"]
    assert stored["key"] and stored["values"]  # the message's key and facts, not a sentence
    manager, manager_token = client_for("manager")
    told = {}
    for lang in ("ru", "en"):
        _language(manager, manager_token, lang)
        row = next(row for row in _rows(manager.get("/audit").text) if row[3].endswith(ids.ticket_id))
        told[lang] = row[5]
    assert "cap" in told["en"] and "cap" not in told["ru"]
    assert phrase_problem(stored["key"], stored["values"], "ru") in told["ru"]


def test_a_stored_refusal_whose_message_is_gone_is_shown_as_stored(client_for, store):
    """An entry outlives the catalog it was phrased from: a renamed message must not break the page."""
    with store.sessions() as session:
        audit(session, Actor.system(), "complaint.refund_refused", "ticket", "T-GONE", None,
              {"refused": {"key": "error.no_longer_there", "values": {"amount": 5.0}}})
        session.commit()
    manager, _ = client_for("manager")
    page = manager.get("/audit?object_type=ticket&object_id=T-GONE")
    assert page.status_code == 200 and "error.no_longer_there" in html.unescape(page.text)
