"""E-mail over SMTP (the standard library's smtplib): who to tell and how to reach the server."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage

__all__ = ["Mailer"]


@dataclass(frozen=True)
class Mailer:
    host: str
    port: int = 25
    sender: str = "xerosync@localhost"
    recipients: tuple[str, ...] = ()
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    timeout: float = 10.0

    def send(self, subject: str, body: str) -> None:
        if not self.recipients:
            return
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        message["Subject"] = subject
        message.set_content(body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username and self.password:
                smtp.login(self.username, self.password)
            smtp.send_message(message)
