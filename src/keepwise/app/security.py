"""Sessions, CSRF and security headers: small ASGI middlewares of our own, tested in tests/app.

Session: a cookie signed with itsdangerous (HttpOnly, SameSite=Lax, Secure when the request came over
https) holding the user id, the user's session epoch (raised at logout, which ends every session)
and a CSRF token. CSRF: every POST/PUT/PATCH/DELETE outside ``/api`` must carry the session's token,
in the ``X-CSRF-Token`` header (htmx sends it, see base.html) or the ``csrf_token`` form field; else
403 and nothing runs. The API takes only bearer tokens, never the cookie, so it needs no CSRF token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "kw_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = b"x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_FORM_BYTES = 1_000_000
SESSION_KEY = "keepwise.session"
DIRTY_KEY = "keepwise.session_dirty"

# The only style attributes allowed: the two fixed values plotly.js (the dashboard's charts) writes with
# setAttribute — an empty style on colour-bar fills and the heatmap's pixelated image rendering. Allowed by
# their hashes alone ('unsafe-hashes' covers attributes only), so no other inline style runs.
PLOTLY_STYLE_ATTRIBUTES = ("", "".join(f"image-rendering: {value}; " for value in (
    "optimizeSpeed", "-moz-crisp-edges", "-o-crisp-edges", "-webkit-optimize-contrast", "optimize-contrast",
    "crisp-edges", "pixelated")))


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; "
       f"style-src-attr 'unsafe-hashes' {' '.join(_csp_hash(v) for v in PLOTLY_STYLE_ATTRIBUTES)}; "
       "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def new_session(user_id: int | None = None, epoch: int = 0) -> dict:
    return {"u": user_id, "e": epoch, "c": secrets.token_urlsafe(32)}


class Sessions:
    """Signs and reads the session cookie."""

    def __init__(self, secret: str, max_age_seconds: int):
        self.serializer = URLSafeTimedSerializer(secret, salt="keepwise-session")
        self.max_age = max_age_seconds

    def dumps(self, session: dict) -> str:
        return self.serializer.dumps(session)

    def loads(self, value: str) -> dict | None:
        try:
            data = self.serializer.loads(value, max_age=self.max_age)
        except BadSignature:
            return None
        return data if isinstance(data, dict) and isinstance(data.get("c"), str) else None


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


def set_session(scope, session: dict) -> None:
    """Replace the request's session (login, logout): the cookie is re-sent with the response."""
    scope[SESSION_KEY] = session
    scope[DIRTY_KEY] = True


async def _plain(send, status: int, text: str) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": text.encode()})


class SessionCSRFMiddleware:
    def __init__(self, app, sessions: Sessions):
        self.app = app
        self.sessions = sessions

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        cookie = SimpleCookie()
        try:
            cookie.load(_header(scope, b"cookie"))
        except Exception:  # noqa: BLE001  (a malformed cookie header is simply no session)
            cookie = SimpleCookie()
        session = self.sessions.loads(cookie[COOKIE].value) if COOKIE in cookie else None
        scope[SESSION_KEY] = session or new_session()
        scope[DIRTY_KEY] = session is None
        path = scope.get("path", "")
        if scope["method"] not in SAFE_METHODS and not path.startswith("/api/"):
            messages, size = [], 0
            while True:
                message = await receive()
                messages.append(message)
                size += len(message.get("body", b""))
                if size > MAX_FORM_BYTES:
                    return await _plain(send, 413, "request too large")
                if not message.get("more_body", False):
                    break
            token = _header(scope, CSRF_HEADER)
            if not token and _header(scope, b"content-type").startswith("application/x-www-form-urlencoded"):
                body = b"".join(m.get("body", b"") for m in messages)
                token = (parse_qs(body.decode("utf-8", errors="replace")).get(CSRF_FIELD) or [""])[0]
            if not token or not hmac.compare_digest(token, scope[SESSION_KEY]["c"]):
                return await _plain(send, 403, "CSRF token missing or wrong: reload the page and try again.")
            original = receive

            async def replay():
                return messages.pop(0) if messages else await original()

            receive = replay
        secure = scope.get("scheme") == "https"

        async def send_with_cookie(message):
            if message["type"] == "http.response.start" and scope.get(DIRTY_KEY):
                value = self.sessions.dumps(scope[SESSION_KEY])
                attributes = f"{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={self.sessions.max_age}"
                if secure:
                    attributes += "; Secure"
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"set-cookie", attributes.encode())]
            await send(message)

        await self.app(scope, receive, send_with_cookie)


class SecurityHeadersMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
