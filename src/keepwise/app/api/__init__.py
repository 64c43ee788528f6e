"""The REST API under ``/api``: bearer tokens, the same permissions and services as the pages, paged lists."""

from fastapi import APIRouter

from keepwise.app.api import routes

router = APIRouter()
router.include_router(routes.router)

__all__ = ["router"]
