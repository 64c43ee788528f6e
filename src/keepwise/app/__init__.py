"""The staff web app: FastAPI, server-rendered pages and a REST API over ``keepwise.store``."""

from keepwise.app.factory import create_app

__all__ = ["create_app"]
