"""Sending the message outbox (``domain.services.notifications``): claim due rows, send each, mark it.

Where messages go (``MailSettings.from_env``):

- ``MENTORMATCH_SMTP_HOST`` set: real SMTP through ``aiosmtplib`` (``MENTORMATCH_SMTP_PORT``, default
  587; ``MENTORMATCH_SMTP_USER``/``PASSWORD``; ``MENTORMATCH_SMTP_STARTTLS``, default on;
  ``MENTORMATCH_SMTP_FROM``, default ``mentormatch@localhost``);
- otherwise (the embedded default) one ``.eml`` file per message in ``MENTORMATCH_MAIL_DIR`` (default
  ``mail/`` next to ``mentormatch.sqlite3``), named by the message's key hash: writing it again replaces
  the same file.

Every attempt of a message carries the same Message-ID (from its idempotency key). A message is sent by
the sender that holds its claim, and only while the claim's lease runs; a send that raises is retried with
backoff (``notifications.mark_failed``) and, after the last attempt, stays failed for staff to see.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Protocol

import aiosmtplib

from domain.enums import MessageStatus
from domain.services import introductions, notifications
from infra.settings import default_database_path

log = logging.getLogger(__name__)

JOB_NAME = "send_messages"


@dataclass(frozen=True)
class MailSettings:
    host: str | None = None
    port: int = 587
    user: str | None = None
    password: str | None = None
    sender: str = "mentormatch@localhost"
    starttls: bool = True
    timeout_s: float = 30.0
    folder: Path = field(default_factory=lambda: default_database_path().parent / "mail")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> MailSettings:
        env = os.environ if env is None else env
        folder = env.get("MENTORMATCH_MAIL_DIR")
        settings = cls(
            host=env.get("MENTORMATCH_SMTP_HOST") or None,
            port=int(env.get("MENTORMATCH_SMTP_PORT", "587")),
            user=env.get("MENTORMATCH_SMTP_USER") or None,
            password=env.get("MENTORMATCH_SMTP_PASSWORD") or None,
            sender=env.get("MENTORMATCH_SMTP_FROM") or "mentormatch@localhost",
            starttls=env.get("MENTORMATCH_SMTP_STARTTLS", "1").lower() not in ("0", "false", "no"),
        )
        return replace(settings, folder=Path(folder)) if folder else settings

    def describe(self) -> str:
        return f"SMTP {self.host}:{self.port}" if self.host else f"files in {self.folder}"


class Transport(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class SmtpTransport:
    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings

    async def send(self, message: EmailMessage) -> None:
        s = self.settings
        await aiosmtplib.send(
            message,
            hostname=s.host,
            port=s.port,
            username=s.user,
            password=s.password,
            start_tls=s.starttls,
            timeout=s.timeout_s,
        )


class FolderTransport:
    """The embedded default: ``<folder>/<hash of the Message-ID>.eml``, written atomically."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def send(self, message: EmailMessage) -> None:
        await asyncio.to_thread(self._write, message)

    def _write(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256(str(message["Message-ID"]).encode()).hexdigest()[:24]
        tmp = self.folder / f".{name}.tmp"
        tmp.write_bytes(message.as_bytes())
        tmp.replace(self.folder / f"{name}.eml")


def transport_for(settings: MailSettings) -> Transport:
    return SmtpTransport(settings) if settings.host else FolderTransport(settings.folder)


def email_of(claimed: notifications.Claimed, sender: str) -> EmailMessage:
    row = claimed.message
    email = EmailMessage()
    email["From"] = sender
    email["To"] = row.email
    email["Subject"] = row.subject
    email["Message-ID"] = notifications.message_id(row.key)
    email["Date"] = formatdate(row.created_at.timestamp(), usegmt=True)
    email["X-Mentormatch-Kind"] = row.kind.value
    email.set_content(row.text)
    email.add_alternative(row.html, subtype="html")
    if row.ics:
        email.add_attachment(
            row.ics.encode(), maintype="text", subtype="calendar", filename="session.ics", params={}
        )
    email["Content-Language"] = row.language  # after the parts: set_content drops Content-* headers
    return email


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    lost_claim: int = 0


async def send_pending(
    transport: Transport, settings: MailSettings, *, batch: int = 20, lease_s: float = notifications.LEASE_S
) -> SendReport:
    """Send every message due now, batch by batch, until none is left for this sender."""
    report = SendReport()
    while True:
        claimed = await notifications.claim(limit=batch, lease_s=lease_s)
        if not claimed:
            return report
        for item in claimed:
            if not await notifications.still_held(item):
                report.lost_claim += 1
                continue
            try:
                await transport.send(email_of(item, settings.sender))
            except Exception as exc:  # SMTP down, refused, timed out: retried with backoff
                status = await notifications.mark_failed(item, f"{type(exc).__name__}: {exc}")
                log.warning("message %s not sent (%s): %s", item.message.id, status, exc)
                if status is MessageStatus.FAILED:
                    report.failed += 1
                else:
                    report.retried += 1
                continue
            if await notifications.mark_sent(item):
                report.sent += 1
            else:
                report.lost_claim += 1


_sending: asyncio.Task[SendReport | None] | None = None


async def send_now() -> SendReport:
    """One pass with the configuration of the environment (the arq job, the in-process runner): write
    the introductions that published runs owe (``introductions.write_due``) and the reminders now due
    (``notifications.send_reminders``), then send every message due."""
    settings = MailSettings.from_env()
    await introductions.write_due()
    await notifications.send_reminders()
    return await send_pending(transport_for(settings), settings)


def start_in_process() -> None:
    """The embedded setup: one sending pass in a task of this process (none when one is running: it
    takes the new rows too, as it loops until nothing is due)."""
    global _sending
    if _sending is not None and not _sending.done() and _sending.get_loop() is asyncio.get_running_loop():
        return
    _sending = asyncio.create_task(_logged_pass(), name="mentormatch-send-messages")


async def _logged_pass() -> SendReport | None:
    try:
        return await send_now()
    except Exception as exc:  # the database went away (shutdown): the rows stay pending for the next pass
        log.warning("the sending pass stopped: %s: %s", type(exc).__name__, exc)
        return None


async def wait_in_process() -> None:
    if _sending is not None and _sending.get_loop() is asyncio.get_running_loop():
        await asyncio.gather(_sending, return_exceptions=True)
