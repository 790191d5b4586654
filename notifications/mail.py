"""E-mail backends for customer notifications, on Django's e-mail framework.

`SMTPBackend` is Django's SMTP backend with one addition: the message is sent in two steps.
Everything up to the end-of-data marker goes to the server first; then `before_commit()` runs
(the drain's lease fence, which records that the commit is starting); only then is the final
"." sent, which is the moment the server takes the message for good (RFC 5321 §4.1.1.4). If the
fence refuses, the connection is dropped before the "." and the server discards the message
(§3.8), so a worker that lost its lease can never deliver.

`FileBackend` writes each message to EMAIL_FILE_PATH as `<Message-ID>.eml` (write, then rename):
sending the same message twice leaves one file, so it is idempotent by Message-ID and the drain
may re-send an interrupted message safely. Used in development (`make run` → var/mail/).

Any other Django backend (console, locmem, django-anymail) works too: the fence then runs just
before `send_messages`, and the whole call is the in-doubt window.
"""

from __future__ import annotations

import os
import pathlib
import re
import smtplib
import tempfile
from collections.abc import Callable

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend
from django.core.mail.message import EmailMessage

CRLF = b"\r\n"


class _TwoPhaseData:
    """smtplib's DATA command, with a hook between the message body and the final '.'."""

    before_commit: Callable[[], None] | None = None

    def data(self, msg):  # type: ignore[no-untyped-def]
        self.putcmd("data")  # type: ignore[attr-defined]
        code, repl = self.getreply()  # type: ignore[attr-defined]
        if code != 354:
            raise smtplib.SMTPDataError(code, repl)
        if isinstance(msg, str):
            msg = smtplib._fix_eols(msg).encode("ascii")  # type: ignore[attr-defined]
        q = smtplib._quote_periods(msg)  # type: ignore[attr-defined]
        if q[-2:] != CRLF:
            q += CRLF
        self.send(q)  # type: ignore[attr-defined]
        if self.before_commit is not None:
            self.before_commit()  # may raise: then the '.' is never sent
        self.send(b"." + CRLF)  # type: ignore[attr-defined]
        code, reply = self.getreply()  # type: ignore[attr-defined]
        return code, reply


class TwoPhaseSMTP(_TwoPhaseData, smtplib.SMTP):
    pass


class TwoPhaseSMTPSSL(_TwoPhaseData, smtplib.SMTP_SSL):
    pass


class SMTPBackend(DjangoSMTPBackend):
    """Django's SMTP backend whose DATA step runs a hook right before the server commits."""

    idempotent_by_message_id = False

    @property
    def connection_class(self):  # type: ignore[no-untyped-def, override]
        return TwoPhaseSMTPSSL if self.use_ssl else TwoPhaseSMTP

    def send_committing(self, message: EmailMessage, *, before_commit: Callable[[], None]) -> None:
        """Send one message; `before_commit` runs after the body, before the final '.'.

        Raises what smtplib raises (SMTPException, OSError) and whatever `before_commit` raises;
        after any error the connection is dropped without QUIT (mid-DATA a QUIT would be body).
        """
        if self.connection is None:
            self.open()
        self.connection.before_commit = before_commit
        try:
            self._send_strict(message)
        except BaseException:
            self._drop()
            raise
        finally:
            if self.connection is not None:
                self.connection.before_commit = None

    def _send_strict(self, message: EmailMessage) -> None:
        # Django's _send swallows nothing when fail_silently is False; call it and insist.
        if not self._send(message):
            raise smtplib.SMTPException("the message has no recipients")

    def _drop(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()  # the socket only: no QUIT
            finally:
                self.connection = None


def _file_name(message_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._@-]", "_", message_id.strip("<>"))[:180] + ".eml"


class FileBackend(BaseEmailBackend):
    """One file per Message-ID under EMAIL_FILE_PATH; re-sending overwrites, never duplicates."""

    idempotent_by_message_id = True

    def __init__(self, *args, file_path: str | None = None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.path = pathlib.Path(file_path or getattr(settings, "EMAIL_FILE_PATH", "var/mail"))

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        self.path.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            msg = message.message()
            data = msg.as_bytes(linesep="\n")
            fd, tmp = tempfile.mkstemp(dir=self.path, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, self.path / _file_name(str(msg["Message-ID"])))
            sent += 1
        return sent
