"""The errors the store's services raise reach people in their language: pages and the API phrase the
error's catalog key and facts (keepwise.text.problems); the command line and logs keep English."""

from __future__ import annotations

import ast
import string
from importlib import resources
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from keepwise.store.services.base import Invalid, NotFound
from keepwise.text import LANGUAGES, messages


def _set_language(client, csrf, lang):
    client.post("/me/language", data={"language": lang, "csrf_token": csrf})


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_service_error_on_a_page_is_in_the_users_language(client_for, lang):
    client, csrf = client_for("agent")
    _set_language(client, csrf, lang)
    response = client.get("/customers/NO-SUCH-ID")
    assert response.status_code == 404
    expected = messages(lang)["error.no_customer"].format(customer_id="NO-SUCH-ID")
    assert expected.replace("'", "&#39;") in response.text
    invalid = client.post("/customers/x/notes", data={"text": " ", "csrf_token": csrf})
    assert invalid.status_code in (400, 404)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_api_error_is_in_the_token_users_language(client_for, token_for, app, ids, lang):
    client, csrf = client_for("agent")
    _set_language(client, csrf, lang)
    api = TestClient(app)
    headers = {"Authorization": f"Bearer {token_for('agent')}"}
    missing = api.get("/api/customers/NO-SUCH-ID", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["detail"] == messages(lang)["error.no_customer"].format(customer_id="NO-SUCH-ID")
    bad = api.post(f"/api/complaints/{ids.ticket_id}/respond", json={"minutes": 20_000}, headers=headers)
    assert bad.status_code == 422
    refused = api.post(f"/api/customers/{ids.customer_id}/decision", headers=headers,
                       json={"kind": "override", "action": ids.override_action, "reason": "x"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == messages(lang)["error.forbidden"].format(permission="override_action")


def test_an_error_keeps_its_facts_and_is_english_for_the_command_line():
    problem = Invalid("error.too_long", "reason", field="reason", limit=5000)
    assert str(problem) == "reason is longer than 5000 characters" and problem.field == "reason"
    assert problem.phrase("ru") == "поле «reason» длиннее 5000 символов"
    assert str(NotFound("error.no_run", run_id=7)) == "no run 7"


def test_every_error_raised_in_the_code_has_a_sentence_in_every_language_with_the_same_fields():
    """Each ``Invalid``/``NotFound``/``GoodwillRefused``/``CampaignError`` raised names a catalog key that
    every language has, with the same {fields}; no service builds an English sentence."""
    source = Path(str(resources.files("keepwise")))
    raised = set()
    for path in source.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in {"Invalid", "NotFound", "GoodwillRefused", "CampaignError"} and node.args):
                first = node.args[0]
                if isinstance(first, ast.Constant):
                    raised.add(first.value)
                else:  # re-raised from another phrased error: its key and facts travel on
                    assert isinstance(first, ast.Attribute) and first.attr == "key", f"{path}: {ast.unparse(node)}"
    assert len(raised) > 30 and all(key.startswith("error.") for key in raised), raised
    fields = {lang: {key: {f for _, f, _, _ in string.Formatter().parse(messages(lang)[key]) if f}
                     for key in raised} for lang in LANGUAGES}
    for lang in LANGUAGES:
        assert fields[lang] == fields["en"], lang
