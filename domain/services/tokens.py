"""Bearer tokens: opaque random strings, stored as SHA-256 hashes, with an expiry and revocation."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from domain.access import ANONYMOUS, Viewer
from domain.enums import Role
from domain.errors import NotFound, ValidationFailed
from domain.models import ApiToken, Mentor, Student
from domain.outbox import in_transaction
from domain.services._common import get_or_not_found

PREFIX = "mm_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(
    role: Role,
    *,
    mentor_id: int | None = None,
    student_id: int | None = None,
    ttl: timedelta = timedelta(days=30),
    label: str = "",
) -> tuple[str, ApiToken]:
    """Create a token; the plain text is returned once and never stored."""
    if role is Role.MENTOR and (mentor_id is None or student_id is not None):
        raise ValidationFailed("a mentor token names the mentor", field="mentorId")
    if role is Role.STUDENT and (student_id is None or mentor_id is not None):
        raise ValidationFailed("a student token names the student", field="studentId")
    if role is Role.STAFF and (mentor_id is not None or student_id is not None):
        raise ValidationFailed("a staff token names nobody", field="role")
    if ttl <= timedelta(0):
        raise ValidationFailed("must be positive", field="ttl")
    plain = PREFIX + secrets.token_urlsafe(32)
    async with in_transaction():
        if mentor_id is not None:
            await get_or_not_found(Mentor, mentor_id, field="mentorId")
        if student_id is not None:
            await get_or_not_found(Student, student_id, field="studentId")
        row = await ApiToken.create(
            token_hash=hash_token(plain),
            role=role,
            mentor_id=mentor_id,
            student_id=student_id,
            label=label,
            expires_at=datetime.now(UTC) + ttl,
        )
    return plain, row


class TokenCache:
    """Viewers of tokens looked up recently, by token hash (a bounded LRU, one per process): the API
    trusts one for ``max_age_s`` seconds instead of a SQL statement per request. ``revoke_token`` drops
    the entry at once; a revocation by another process is seen once the entry is older than
    ``max_age_s``. Only valid tokens are kept (an unknown token is looked up every time)."""

    def __init__(self, size: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self.clock = clock
        self._viewers: OrderedDict[str, tuple[float, Viewer]] = OrderedDict()

    def get(self, key: str, max_age_s: float) -> Viewer | None:
        found = self._viewers.get(key)
        if found is None:
            return None
        if self.clock() - found[0] > max_age_s:
            del self._viewers[key]
            return None
        return found[1]

    def put(self, key: str, viewer: Viewer) -> None:
        self._viewers[key] = (self.clock(), viewer)
        self._viewers.move_to_end(key)
        while len(self._viewers) > self.size:
            self._viewers.popitem(last=False)

    def drop(self, token_id: int) -> None:
        for key in [k for k, (_, v) in self._viewers.items() if v.token_id == token_id]:
            del self._viewers[key]

    def clear(self) -> None:
        self._viewers.clear()


TOKEN_CACHE = TokenCache()


async def identify(
    token: str | None, *, now: datetime | None = None, max_age_s: float = 0.0
) -> Viewer | None:
    """The viewer a presented token speaks for; None when it is unknown, malformed, expired or revoked
    (the caller must be told: 401 / UNAUTHENTICATED, not silently made anonymous). With ``max_age_s``
    a viewer looked up at most that many seconds ago by this process is reused (``TokenCache``); its
    expiry is still checked against ``now``."""
    if not token or not token.startswith(PREFIX) or len(token) > 100:
        return None
    key = hash_token(token)
    moment = now or datetime.now(UTC)
    if max_age_s > 0:
        cached = TOKEN_CACHE.get(key, max_age_s)
        if cached is not None and cached.expires_at is not None and cached.expires_at > moment:
            return cached
    row = await ApiToken.get_or_none(token_hash=key)
    if row is None or row.revoked_at is not None or row.expires_at <= moment:
        return None
    viewer = Viewer(
        role=row.role,
        mentor_id=row.mentor_id,
        student_id=row.student_id,
        token_id=row.id,
        expires_at=row.expires_at,
    )
    if max_age_s > 0:
        TOKEN_CACHE.put(key, viewer)
    return viewer


async def authenticate(token: str | None, *, now: datetime | None = None) -> Viewer:
    """The viewer a token speaks for; ANONYMOUS for no token or an unknown, expired or revoked one."""
    return await identify(token, now=now) or ANONYMOUS


async def still_valid(token_id: int, *, now: datetime | None = None) -> bool:
    row = await ApiToken.get_or_none(id=token_id)
    return row is not None and row.revoked_at is None and row.expires_at > (now or datetime.now(UTC))


async def revoke_token(token_id: int, *, by: Viewer | None = None) -> ApiToken:
    """Revoke a token (idempotent). ``by``: staff revoke any token, anyone else only their own
    (a token of the same person); a refused token looks exactly like a missing one."""
    row = await get_or_not_found(ApiToken, token_id, field="id", entity="token")
    if by is not None and not by.is_staff:
        own = by.is_authenticated and (
            row.id == by.token_id
            or (row.role is by.role and row.mentor_id == by.mentor_id and row.student_id == by.student_id)
        )
        if not own:
            raise NotFound("token", token_id, field="id")
    TOKEN_CACHE.drop(row.id)  # this process stops trusting it now (others within their cache's age)
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        await ApiToken.filter(id=row.id, revoked_at__isnull=True).update(revoked_at=row.revoked_at)
        TOKEN_CACHE.drop(row.id)  # a request that looked it up meanwhile: at most its cache's age
    return row


def bearer(header: str | None) -> str | None:
    """The token in an ``Authorization: Bearer <token>`` header (case-insensitive scheme)."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None
