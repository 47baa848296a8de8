"""Logging: plain lines in development; in production one JSON object per line and per event (the API,
uvicorn's access and error lines, the worker and arq), for a log collector to parse.

A small formatter over the standard library rather than another dependency: it only needs json.dumps of
the record's fields (a traceback goes into ``exc`` as one string, so an event stays one line). A client's
mistake (an HTTP 4xx, a GraphQL error) is one ``client_error`` line on ``mentormatch.requests``.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from infra.settings import Settings

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message", "taskName"}
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
requests_log = logging.getLogger("mentormatch.requests")


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", ...extra fields, "exc"}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, _version, status = record.args
            event.update(client=client, method=method, path=path, status=status)
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in event:
                event[key] = value if isinstance(value, str | int | float | bool | None) else repr(value)
        if record.exc_info:
            event["exc"] = self.formatException(record.exc_info)
        return json.dumps(event, ensure_ascii=False)


def configure_logging(settings: Settings) -> None:
    """The root logger's one handler on stderr: JSON in production, plain text otherwise."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if not settings.is_development else logging.Formatter(PLAIN_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("tortoise").setLevel(logging.WARNING)  # "Tortoise-ORM startup/shutdown" at INFO


def uvicorn_log_config(settings: Settings) -> dict[str, Any]:
    """uvicorn's logging: its own default in development; in production its loggers go to the root
    logger's JSON handler."""
    from uvicorn.config import LOGGING_CONFIG

    if settings.is_development:
        return LOGGING_CONFIG
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "loggers": {
            name: {"handlers": [], "level": "INFO", "propagate": True}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }


def log_client_error(status: int | None, code: str, method: str, path: str, message: str) -> None:
    """One line per client mistake, no traceback: the client was told, the server has nothing to fix.
    ``status`` None: a GraphQL error (``method`` "graphql", ``path`` the field path or empty)."""
    requests_log.info(
        "client_error %s",
        json.dumps(
            {"status": status, "code": code, "method": method, "path": path, "message": message[:200]}
        ),
    )
