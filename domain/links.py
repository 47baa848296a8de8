"""Links and references stored as text: a video tool's URL, a recording, a document of an application.

- :func:`require_https_url`: an absolute ``https://`` URL with a host (no other scheme: a ``javascript:`` or
  ``http:`` link shown to both people of a session is refused).
- :func:`require_reference`: an https URL as above, or an opaque key of the school's file storage
  (letters, digits and ``/._-:``, such as ``applications/12/identity.pdf``). Files themselves are never
  uploaded through the API.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from domain.errors import ValidationFailed

MAX_LENGTH = 500
STORAGE_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9/._:-]*")


def require_https_url(value: str, *, field: str) -> str:
    text = value.strip()
    if not text:
        raise ValidationFailed("a URL is required", field=field)
    if len(text) > MAX_LENGTH:
        raise ValidationFailed(f"at most {MAX_LENGTH} characters", field=field)
    if any(c.isspace() or ord(c) < 32 for c in text):
        raise ValidationFailed("a URL has no spaces or control characters", field=field)
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise ValidationFailed("is not a URL", field=field) from exc
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise ValidationFailed("must be an https:// URL with a host", field=field)
    return text


def require_reference(value: str, *, field: str) -> str:
    text = value.strip()
    if "://" in text or text.lower().startswith(("http:", "https:", "javascript:", "data:")):
        return require_https_url(text, field=field)
    if not text:
        raise ValidationFailed("a reference (https URL or storage key) is required", field=field)
    if len(text) > MAX_LENGTH:
        raise ValidationFailed(f"at most {MAX_LENGTH} characters", field=field)
    if not STORAGE_KEY.fullmatch(text) or ".." in text:
        raise ValidationFailed(
            "must be an https:// URL or a storage key (letters, digits and / . _ - :)", field=field
        )
    return text


def optional_https_url(value: str, *, field: str) -> str:
    """An https URL, or "" (blank) to clear it."""
    return require_https_url(value, field=field) if value.strip() else ""
