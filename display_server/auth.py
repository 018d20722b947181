"""Who is asking: a device (config token), an officer (API bearer token or page session).

Devices send ``Authorization: Bearer <token>`` from the config. Officers log in
(:func:`attempt_login`, throttled) for a signed bearer token (API) or a session cookie (pages);
requests authenticated by the cookie must also carry the CSRF token when they change anything.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps

from flask import current_app, g, request, session
from flask_wtf.csrf import CSRFProtect
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import SQLAlchemyError

from config.schema import DeviceConfig
from motcua.core.accounts import Officer
from motcua.core.i18n import DEFAULT, words
from motcua.core.storage.database import error_reason

from .api.errors import ApiError

log = logging.getLogger(__name__)

TOKEN_MAX_AGE_S = 12 * 3600
csrf = CSRFProtect()


@dataclass(frozen=True)
class Principal:
    kind: str  # "device" or "officer"
    device: DeviceConfig | None = None
    officer: Officer | None = None
    via_session: bool = False

    @property
    def device_id(self) -> str | None:
        return self.device.id if self.device is not None else None

    @property
    def actor(self) -> str:
        if self.device is not None:
            return f"device:{self.device.id}"
        return f"officer:{self.officer.username}" if self.officer else "anonymous"


def _services():
    return current_app.extensions["motcua"]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="motcua-api-token")


@dataclass(frozen=True)
class LoginAttempt:
    """How a login attempt ended: the officer (and their password hash, for the token or the
    session), or no officer: wrong credentials, or throttled for ``retry_after_s`` seconds."""

    officer: Officer | None = None
    password_hash: str = ""
    retry_after_s: int = 0  # > 0: too many failures; the password was not checked


def attempt_login(username: str, password: str) -> LoginAttempt:
    """Check an officer's credentials from this request's address, through the login throttle
    (per address and account); the page and the API answer the result each in their own way."""
    keys = (request.remote_addr or "", username)
    throttle = _services().login_throttle  # failed page and API logins add up
    wait = throttle.retry_after(*keys)
    if wait:
        return LoginAttempt(retry_after_s=wait)
    accounts = _services().accounts
    officer = accounts.authenticate(username, password) if username and password else None
    if officer is None:
        throttle.failed(*keys)
        _keep_failure(username, keys[0])
        return LoginAttempt()
    throttle.succeeded(*keys)
    return LoginAttempt(officer, accounts.password_hash(officer.id))


def _keep_failure(username: str, address: str) -> None:
    """A wrong password in the audit log (``account.login_failed``, never streamed), with the
    address it came from. The name tried is kept only if it is an account's: anything else may
    be a password typed in the wrong box. A full disk or a database down leaves it out (logged),
    and the answer is still "wrong credentials"."""
    services = _services()
    known = bool(username) and services.accounts.by_username(username) is not None
    log.info("failed login for %s from %s", username if known else "a name that is not an account",
             address or "?")
    try:
        services.engine.record("account.login_failed", "anonymous",
                               username=username if known else "", address=address)
    except SQLAlchemyError as exc:
        log.warning("a failed login was not kept in the audit log: %s", error_reason(exc))


def issue_token(officer: Officer, password_hash: str) -> str:
    """A bearer token for ``officer``; it dies when the password changes or after 12 hours."""
    return _serializer().dumps({"o": officer.id, "h": password_hash[-12:]})


def _officer_from_token(token: str) -> Officer | None:
    try:
        data = _serializer().loads(token, max_age=TOKEN_MAX_AGE_S)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("o"), int):
        return None
    return _active_officer(data["o"], data.get("h"))


def _active_officer(officer_id: object, hash_tail: object) -> Officer | None:
    """The officer if still active and with the same password as when the token was made."""
    if not isinstance(officer_id, int):
        return None
    found = _services().accounts.get_with_hash(officer_id)
    if found is None or not found[0].active or found[1][-12:] != hash_tail:
        return None
    return found[0]


def current_principal() -> Principal | None:
    """The authenticated caller of this request, or None."""
    if "principal" in g:
        return g.principal
    principal = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        token = header[7:].strip()
        device = _device_by_token(token)
        if device is not None:
            principal = Principal("device", device=device)
            _services().requests_seen[device.id] = (datetime.now(UTC), request.remote_addr or "")
        else:
            officer = _officer_from_token(token)
            if officer is not None:
                principal = Principal("officer", officer=officer)
    elif session.get("officer_id"):
        officer = _active_officer(session["officer_id"], session.get("h"))
        if officer is not None:
            principal = Principal("officer", officer=officer, via_session=True)
    g.principal = principal
    return principal


def registered_caller() -> bool:
    """An officer or a configured device: by its bearer token or session, or, for a screen's
    EventSource (which cannot send headers), by its device token in ``?device=``."""
    if current_principal() is not None:
        return True
    token = request.args.get("device", "")
    return bool(token) and _device_by_token(token) is not None


def _device_by_token(token: str) -> DeviceConfig | None:
    found = None
    for device in _services().config.devices:
        if hmac.compare_digest(device.token.encode(), token.encode()):
            found = device
    return found


def check_csrf(principal: Principal) -> None:
    """Cookie-authenticated changes need the CSRF token (header X-CSRFToken or form field)."""
    if principal.via_session and request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()


def require(*, device_kinds: tuple[str, ...] = (), officer: bool = False, admin: bool = False):
    """Allow devices of ``device_kinds`` and/or officers (admins only when ``admin``)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            principal = current_principal()
            if principal is None:
                raise ApiError(401)
            if principal.device is not None:
                if principal.device.kind not in device_kinds:
                    raise ApiError(403)
            elif principal.officer is not None:
                if not (officer or admin):
                    raise ApiError(403)
                if admin and principal.officer.role != "admin":
                    raise ApiError(403)
                check_csrf(principal)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def officer_for_counter(counter_id: str) -> Principal:
    """The current officer, if allowed to act on ``counter_id``: 401 without credentials, 403 for
    a device, then 404 for an unknown counter (nobody learns the counters without logging in); a
    change made with the page's session cookie must carry the CSRF token."""
    principal = current_principal()
    if principal is None:
        raise ApiError(401)
    if principal.officer is None:
        raise ApiError(403, "officers_only",
                       words(DEFAULT).gettext("Chỉ cán bộ đã đăng nhập mới làm được thao tác này."))
    if _services().config.counter(counter_id) is None:
        raise ApiError(404, "unknown_counter", words(DEFAULT).gettext("Quầy không tồn tại."))
    if not principal.officer.may_use(counter_id):
        raise ApiError(403, "counter_not_allowed",
                       words(DEFAULT).gettext("Bạn không được phân công ở quầy này."))
    check_csrf(principal)
    return principal
