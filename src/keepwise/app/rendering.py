"""Rendering pages: the Jinja2 environment (autoescaped) and what every template gets."""

from __future__ import annotations

from importlib import resources

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from keepwise.app.i18n import AppText
from keepwise.app.security import CSRF_FIELD, SESSION_KEY
from keepwise.store.permissions import Permission, allowed
from keepwise.text import LANGUAGES
from keepwise.text.problems import Phrased

_environment = Environment(
    loader=FileSystemLoader(str(resources.files("keepwise.app").joinpath("templates"))),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=_environment)


def text_for(request: Request, user=None) -> AppText:
    settings = request.app.state.settings
    lang = getattr(user, "language", None) or "en"
    return AppText(lang, settings.general.currency, settings.general.locale)


def render(request: Request, name: str, caller=None, status_code: int = 200, **context) -> HTMLResponse:
    user = caller.user if caller is not None else None
    session = request.scope.get(SESSION_KEY) or {}
    context.update(
        request=request,
        user=user,
        t=text_for(request, user),
        csrf_token=session.get("c", ""),
        csrf_field=CSRF_FIELD,
        can=(lambda p: allowed(user.role, Permission(p))) if user is not None else (lambda p: False),
        languages=LANGUAGES,
    )
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def error_text(request: Request, user, problem: Exception) -> str:
    """A service's error (``Invalid``, ``NotFound``, ``Forbidden``: a catalog key and its facts) in the
    user's language; any other error's own text."""
    return problem.phrase(text_for(request, user).lang) if isinstance(problem, Phrased) else str(problem)


def error_page(request: Request, status: int, key: str, detail: str = "", problem: Exception | None = None
               ) -> HTMLResponse:
    """The error page; ``problem``, when given, is phrased in the signed-in user's language as the detail."""
    from keepwise.app.deps import session_user

    session = request.app.state.store.sessions()
    try:
        user = session_user(request, session)
        caller = None
        if user is not None:
            from keepwise.app.deps import Caller
            from keepwise.store.services.base import Actor

            caller = Caller(user, Actor.of(user))
        if problem is not None:
            detail = error_text(request, user, problem)
        return render(request, "error.html", caller, status_code=status, message_key=key, detail=detail)
    finally:
        session.close()
