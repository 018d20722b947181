"""Which phone is asking, for the remote-ticket limits: a random id in a long-lived cookie signed
with the server's secret (a forged or edited one counts as none), set on the first answer."""

from __future__ import annotations

import secrets

from flask import after_this_request, current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "motcua_phone"
MAX_AGE_S = 400 * 24 * 3600  # the longest browsers keep a cookie


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="motcua-phone")


def phone_id() -> str:
    """This request's phone id: its cookie's, else a new one the answer sets."""
    if "motcua_phone" in g:
        return g.motcua_phone
    raw = request.cookies.get(COOKIE, "")
    try:
        ident = _signer().loads(raw) if raw and len(raw) < 200 else None
    except BadSignature:
        ident = None
    if not isinstance(ident, str):
        ident = secrets.token_urlsafe(16)
        value = _signer().dumps(ident)

        @after_this_request
        def _remember(response):
            keep_cookie(response, COOKIE, value, MAX_AGE_S)
            return response

    g.motcua_phone = ident
    return ident


def keep_cookie(response, name: str, value: str, max_age_s: int) -> None:
    """Set a cookie only this site's pages send back (not scripts, not cross-site posts)."""
    response.set_cookie(name, value, max_age=max_age_s, httponly=True, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))


def client_address() -> str:
    """The client's address as the server sees it (the server sets it; no proxy headers are
    trusted)."""
    return request.remote_addr or "?"
