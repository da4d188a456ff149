"""E-mail reminders over SMTP (standard library, in a worker thread).

Each message has a plain-text and an HTML part, the one-click unsubscribe headers
(RFC 8058) and a Message-ID derived from the reminder, so a receiving system can recognise
it; the text itself already carries the mandatory lines checked by the guard.
"""

from __future__ import annotations

import asyncio
import html
import re
import smtplib
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from bot.settings import Settings

URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    unsubscribe_url: str
    reference: str  # e.g. "reminder-12": the Message-ID's left part


def build_message(sender: str, email: Email, language: str) -> EmailMessage:
    # Long header lines (the unsubscribe URL) stay readable instead of RFC 2047-encoded.
    message = EmailMessage(policy=policy.SMTP.clone(max_line_length=998))
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False)
    domain = sender.rsplit("@", 1)[-1] or "ecoute.invalid"
    message["Message-ID"] = make_msgid(idstring=email.reference, domain=domain)
    message["Content-Language"] = language
    message["Auto-Submitted"] = "auto-generated"
    if email.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(email.text)
    message.add_alternative(_html(email.text, language), subtype="html")
    return message


def _html(text: str, language: str) -> str:
    paragraphs = []
    for block in text.split("\n\n"):
        escaped = html.escape(block)
        linked = URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        paragraphs.append(f"<p>{linked.replace(chr(10), '<br>')}</p>")
    body = "\n".join(paragraphs)
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8"></head>'
        f'<body style="font-family:sans-serif;font-size:15px;line-height:1.5">{body}</body></html>'
    )


class EmailSender:
    """Sends one message per call; raises on any refusal so the caller can retry later."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    @property
    def enabled(self) -> bool:
        return bool(self._settings.smtp_host)

    async def send(self, email: Email, language: str) -> None:
        message = build_message(self._settings.smtp_from, email, language)
        await asyncio.to_thread(self._send, message)

    def _send(self, message: EmailMessage) -> None:
        s = self._settings
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=30) as smtp:
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_username:
                password = s.smtp_password.get_secret_value() if s.smtp_password else ""
                smtp.login(s.smtp_username, password)
            smtp.send_message(message)
