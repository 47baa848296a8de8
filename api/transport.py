"""How uvicorn serves the app: no connection may hold a half-sent request open.

uvicorn closes a connection that stays idle ``timeout_keep_alive`` seconds after a response, but it
waits forever for the head of a request that was started and never finished (or never started on a new
connection), so a few hundred such sockets hold the server's connection slots. ``TimedHttpToolsProtocol``
closes a connection that has not sent a whole request head within ``HEAD_TIMEOUT_S`` of opening or of its
previous response; the body's own deadline is the GraphQL middleware's (``api.limits.BODY_TIMEOUT_S``,
answered 408).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEAD_TIMEOUT_S = 10.0
KEEP_ALIVE_S = 5


class TimedHttpToolsProtocol(HttpToolsProtocol):
    head_timeout_s = HEAD_TIMEOUT_S
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def on_headers_complete(self) -> None:
        self._cancel_head_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(self.head_timeout_s, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.close()


def server_options(head_timeout_s: float = HEAD_TIMEOUT_S) -> dict[str, Any]:
    """uvicorn.run / uvicorn.Config keyword arguments used by ``mentormatch serve``.

    The default protocol is named by its import path: ``serve --workers N`` hands the options to worker
    processes, which import it (a class made here could not be pickled to them)."""
    if head_timeout_s == HEAD_TIMEOUT_S:
        return {"http": "api.transport:TimedHttpToolsProtocol", "timeout_keep_alive": KEEP_ALIVE_S}
    protocol = type("TimedHttpToolsProtocol", (TimedHttpToolsProtocol,), {"head_timeout_s": head_timeout_s})
    return {"http": protocol, "timeout_keep_alive": KEEP_ALIVE_S}
