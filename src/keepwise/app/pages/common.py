"""What the page modules share: safe redirects after a form, page numbers."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi.responses import RedirectResponse


def local_path(target: str | None, default: str) -> str:
    """``target`` when it is a path of this site (never another host), else ``default``."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


def back_to(target: str | None, default: str) -> RedirectResponse:
    return RedirectResponse(local_path(target, default), status_code=303)


def page_url(path: str, **params):
    """A function page -> URL keeping the other (non-empty) query parameters."""

    def url(page: int) -> str:
        query = {k: v for k, v in params.items() if v not in (None, "")}
        query["page"] = page
        return f"{path}?{urlencode(query)}"

    return url
