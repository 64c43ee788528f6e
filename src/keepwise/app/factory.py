"""The FastAPI app: pages (server-rendered Jinja2 + vendored htmx) and the REST API under ``/api``."""

from __future__ import annotations

import os
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from keepwise.app.deps import PASSWORD_PAGE, LoginRequired, PasswordChangeRequired, TokenRequired, token_user
from keepwise.app.rendering import error_page
from keepwise.app.security import SecurityHeadersMiddleware, SessionCSRFMiddleware, Sessions
from keepwise.config import Settings, load_settings
from keepwise.store import Store, open_store
from keepwise.store.permissions import Forbidden
from keepwise.store.services.base import Invalid, NotFound
from keepwise.text.problems import Phrased

REPORT_ASSETS = "/static/report"


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _api_text(request: Request, problem: Phrased) -> str:
    """A service's error in the language of the API token's user (English without a valid token)."""
    with request.app.state.store.sessions() as session:
        user = token_user(request, session)
        return problem.phrase(user.language if user is not None else "en")


def create_app(store: Store | None = None, settings: Settings | None = None) -> FastAPI:
    """The app on ``store`` (default: the store ``open_store`` finds), with ``settings``."""
    from keepwise.app.api import router as api_router
    from keepwise.app.pages import router as pages_router

    settings = settings or load_settings()
    store = store or open_store()
    app = FastAPI(title="keepwise", version="1", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json",
                  description="The keepwise staff API. Authenticate with `Authorization: Bearer <token>` "
                  "(`keepwise user token NAME`). Lists are paged with `page` and `per_page`.")
    app.state.store = store
    app.state.settings = settings
    sessions = Sessions(store.secret_key(), settings.app.session_hours * 3600)
    app.state.sessions = sessions

    # plotly.js as the report vendors it (keepwise/report/assets), served for the dashboard's charts;
    # mounted before /static, which would otherwise take the path.
    app.mount(REPORT_ASSETS, StaticFiles(directory=str(resources.files("keepwise.report").joinpath("assets"))),
              name="report-assets")
    app.state.report_assets = REPORT_ASSETS
    static = resources.files("keepwise.app").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.include_router(pages_router)
    app.include_router(api_router, prefix="/api")

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, _exc: LoginRequired) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        target = "/login"
        if request.method == "GET" and request.url.path != "/":
            from urllib.parse import quote

            target += "?next=" + quote(request.url.path)
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(PasswordChangeRequired)
    async def _password(request: Request, _exc: PasswordChangeRequired) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": PASSWORD_PAGE})
        return RedirectResponse(PASSWORD_PAGE, status_code=303)

    @app.exception_handler(TokenRequired)
    async def _token(_request: Request, _exc: TokenRequired) -> Response:
        return JSONResponse({"detail": "a valid bearer token is required"}, status_code=401,
                            headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": _api_text(request, exc)}, status_code=403)
        return error_page(request, 403, "err.forbidden")

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": _api_text(request, exc)}, status_code=404)
        return error_page(request, 404, "err.not_found", problem=exc)

    @app.exception_handler(Invalid)
    async def _invalid(request: Request, exc: Invalid) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": _api_text(request, exc), "field": exc.field}, status_code=422)
        return error_page(request, 400, "err.title", problem=exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        problems = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in exc.errors()]
        if _is_api(request):
            return JSONResponse({"detail": problems}, status_code=422)
        text = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in problems)
        return error_page(request, 400, "err.title", detail=text)

    # The last added is the outermost: security headers on every response, even a CSRF refusal.
    app.add_middleware(SessionCSRFMiddleware, sessions=sessions)
    app.add_middleware(SecurityHeadersMiddleware)
    return app


# `keepwise serve --workers N` hands its settings file to the worker processes through this variable
# (the store through KEEPWISE_DATABASE_URL and KEEPWISE_DATA_DIR).
CONFIG_VARIABLE = "KEEPWISE_CONFIG"


def app_from_environment() -> FastAPI:
    """The app one uvicorn worker process builds (``keepwise serve --workers N``): the store the parent
    opened and migrated, and its settings file, found in the environment."""
    return create_app(open_store(migrate=False), load_settings(os.environ.get(CONFIG_VARIABLE) or None))
