"""Officer accounts: argon2 hashes, authentication, counters allowed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from motcua.core.accounts import AccountError, Accounts
from motcua.core.storage import tables as t


@pytest.fixture
def accounts(db, config) -> Accounts:
    return Accounts(db, {c.id for c in config.counters})


def test_add_and_authenticate(accounts, db) -> None:
    o = accounts.add("an.nv", "matkhau-123", full_name="Nguyễn Văn An", counters=("quay-1", "quay-2"))
    assert (o.username, o.role, o.counters, o.active) == ("an.nv", "officer", ("quay-1", "quay-2"), True)
    with db.read() as conn:
        stored = conn.execute(select(t.officers.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and "matkhau-123" not in stored
    assert accounts.authenticate("an.nv", "matkhau-123") == o
    assert accounts.authenticate("an.nv", "wrong-password") is None
    assert accounts.authenticate("nobody", "matkhau-123") is None


def test_counters_allowed(accounts) -> None:
    o = accounts.add("an", "matkhau-123", counters=("quay-1",))
    assert o.may_use("quay-1") and not o.may_use("quay-2")
    everyone = accounts.add("binh", "matkhau-123")
    assert everyone.may_use("quay-5")
    admin = accounts.add("admin", "matkhau-123", role="admin", counters=("quay-1",))
    assert admin.may_use("quay-4")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"username": "An Nguyen"}, "username must be"),
        ({"password": "short"}, "at least 8"),
        ({"role": "boss"}, "role must be"),
        ({"counters": ("quay-9",)}, "unknown counter(s): quay-9"),
    ],
)
def test_bad_accounts(accounts, kwargs, message) -> None:
    args = {"username": "an", "password": "matkhau-123", **kwargs}
    with pytest.raises(AccountError, match=message.replace("(", r"\(").replace(")", r"\)")):
        accounts.add(args.pop("username"), args.pop("password"), **args)
    assert accounts.list() == []


def test_duplicate_username(accounts) -> None:
    accounts.add("an", "matkhau-123")
    with pytest.raises(AccountError, match="already exists"):
        accounts.add("an", "matkhau-456")


def test_password_change_and_disable(accounts) -> None:
    accounts.add("an", "matkhau-123")
    accounts.set_password("an", "matkhau-moi-456")
    assert accounts.authenticate("an", "matkhau-123") is None
    assert accounts.authenticate("an", "matkhau-moi-456") is not None
    accounts.set_active("an", False)
    assert accounts.authenticate("an", "matkhau-moi-456") is None
    assert accounts.list()[0].active is False
    with pytest.raises(AccountError, match="no officer"):
        accounts.set_password("ghost", "matkhau-123")
