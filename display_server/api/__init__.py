"""The JSON HTTP API, version 1 (the contract in ARCHITECTURE.md)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import reports, routes  # noqa: E402,F401  (register their routes on bp; reports: admins only)
