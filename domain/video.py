"""Video rooms of sessions (R13: every session is held by video).

A session is held on the school's platform, in a room named by a random, unguessable id of its own
(``Session.video_uid``) put into the configured URL template, or in an external tool whose https URL the
mentor set on the session or on the pair. :func:`video_link` is the one place that says which: the
GraphQL ``Session.videoLink``, the calendar feeds and the booking messages all call it.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from domain.config import school_config

if TYPE_CHECKING:
    from domain.models import Mentorship, Session


def new_video_uid() -> str:
    """128 random bits, URL-safe (22 characters)."""
    return secrets.token_urlsafe(16)


def platform_link(video_uid: str) -> str:
    return school_config().video_url_template.format(session_uid=video_uid)


def choose(session_url: str, pair_url: str, video_uid: str) -> str:
    """The session's own external URL, else the pair's, else the school's platform room."""
    return session_url or pair_url or platform_link(video_uid)


def link_for(session: Session, mentorship: Mentorship | None) -> str:
    """Where ``session`` is held, given its pair (already loaded, e.g. for a whole feed)."""
    return choose(session.video_url, mentorship.video_url if mentorship else "", session.video_uid)


async def video_link(session: Session) -> str:
    """Where ``session`` is held: the URL both people open (the notifications, the feeds, the API)."""
    if session.video_url:
        return session.video_url
    from domain.models import Mentorship

    pair = await Mentorship.get_or_none(id=session.mentorship_id).only("id", "video_url")
    return link_for(session, pair)
