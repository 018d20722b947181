"""The JSON HTTP API, version 1: the contract devices and pages rely on, described by its OpenAPI
document (``openapi.py``); it changes only by adding (docs/architecture.md)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Register their routes on bp; reports and admin: admins only.
from . import admin, reports, routes  # noqa: E402,F401
