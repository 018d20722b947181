"""The JSON HTTP API, version 1 (the contract in ARCHITECTURE.md)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Register their routes on bp; reports and admin: admins only.
from . import admin, reports, routes  # noqa: E402,F401
