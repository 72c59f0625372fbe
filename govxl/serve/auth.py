"""Who may do what: the compiler's admin token and one token per roster unit, kept only as SHA-256 hashes in
the desk's own tables (prefix desk_) of the archive's database, so that a copied database opens no desk."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from govxl.merge import unit_key

_META = sa.MetaData()
ADMIN = sa.Table(
    "desk_admin",
    _META,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("token_sha256", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
UNIT_TOKENS = sa.Table(
    "desk_unit_tokens",
    _META,
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("unit_key", sa.String, primary_key=True),
    sa.Column("unit", sa.String, nullable=False),
    sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
)


def new_token() -> str:
    """256 random bits, URL-safe: a unit's link carries it."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_hash(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True)
class UnitGrant:
    """What a unit's token opens: that unit's submissions of that year."""

    year: int
    unit: str

    def owns(self, unit: str) -> bool:
        return unit_key(unit) == unit_key(self.unit)


class Tokens:
    """The desk's tables in the archive's database."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        _META.create_all(engine)
        self._grants: dict[str, UnitGrant] = {}
        self._load()

    def _load(self) -> None:
        """Every unit token's grant, by hash, kept in memory: a request's token is looked up without waiting
        for the archive's worker thread (busy checking uploads). Only the desk writes these tables, and it
        reloads them after every change."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(UNIT_TOKENS.c.token_sha256, UNIT_TOKENS.c.year, UNIT_TOKENS.c.unit))
            self._grants = {str(r.token_sha256): UnitGrant(int(r.year), str(r.unit)) for r in rows}

    def admin_hash(self, from_env: str | None) -> tuple[str, str | None]:
        """(hash of the admin token, the token when it was made just now and must be shown once). A token
        given in GOVXL_ADMIN_TOKEN is used as is and not stored; else the stored one, else a new one."""
        if from_env:
            return token_hash(from_env), None
        with self.engine.begin() as conn:
            stored = conn.execute(sa.select(ADMIN.c.token_sha256).where(ADMIN.c.id == 1)).scalar()
            if stored:
                return str(stored), None
            token = new_token()
            conn.execute(sa.insert(ADMIN).values(id=1, token_sha256=token_hash(token), created_at=_now()))
            return token_hash(token), token

    def reset_admin(self) -> str:
        token = new_token()
        with self.engine.begin() as conn:
            conn.execute(sa.delete(ADMIN))
            conn.execute(sa.insert(ADMIN).values(id=1, token_sha256=token_hash(token), created_at=_now()))
        return token

    def grant(self, token: str) -> UnitGrant | None:
        return self._grants.get(token_hash(token))

    def issue(self, year: int, units: Sequence[str]) -> list[tuple[str, str | None]]:
        """(unit, new token or None) for every unit of a roster just imported: units that already had a token
        keep it (their links keep working), new units get one, units no longer on the roster lose theirs."""
        keys = {unit_key(u): u for u in units}
        out: list[tuple[str, str | None]] = []
        with self.engine.begin() as conn:
            have = set(conn.execute(sa.select(UNIT_TOKENS.c.unit_key).where(UNIT_TOKENS.c.year == year)).scalars())
            gone = have - set(keys)
            if gone:
                conn.execute(
                    sa.delete(UNIT_TOKENS).where(UNIT_TOKENS.c.year == year, UNIT_TOKENS.c.unit_key.in_(gone))
                )
            rows: list[dict[str, Any]] = []
            for key, unit in keys.items():
                if key in have:
                    out.append((unit, None))
                    continue
                token = new_token()
                rows.append(
                    {
                        "year": year,
                        "unit_key": key,
                        "unit": unit,
                        "token_sha256": token_hash(token),
                        "created_at": _now(),
                    }
                )
                out.append((unit, token))
            if rows:
                conn.execute(sa.insert(UNIT_TOKENS), rows)
        self._load()
        return out

    def reissue(self, year: int, unit: str) -> str | None:
        """A new token for a unit that lost its link (the old one stops working); None if it has none."""
        token = new_token()
        with self.engine.begin() as conn:
            done = conn.execute(
                sa.update(UNIT_TOKENS)
                .where(UNIT_TOKENS.c.year == year, UNIT_TOKENS.c.unit_key == unit_key(unit))
                .values(token_sha256=token_hash(token), created_at=_now())
            )
        self._load()
        return token if done.rowcount else None


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
