"""Server-rendered pages, one module per area; each route declares its permission (``page_can``)."""

from fastapi import APIRouter

from keepwise.app.pages import (
    account,
    admin,
    auth,
    complaints,
    customers,
    home,
    offboarding,
    runs,
    touches,
    worklists,
)

router = APIRouter(include_in_schema=False)
for module in (auth, home, worklists, customers, complaints, offboarding, runs, admin, touches, account):
    router.include_router(module.router)

__all__ = ["router"]
