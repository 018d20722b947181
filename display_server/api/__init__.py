"""The JSON HTTP API, version 1: the contract devices and pages rely on, described by its OpenAPI
document (``openapi.py``); it changes only by adding (docs/architecture.md)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def blueprint() -> Blueprint:
    """The API blueprint with its routes registered (``routes``; ``appointments``; ``remote``;
    ``reports`` and ``admin``, admins only). Imported here, not at package import, so that ``auth`` can use
    ``api.errors`` without a cycle through the routes."""
    from . import admin, appointments, remote, reports, routes  # noqa: F401

    return bp
