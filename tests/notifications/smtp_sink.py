"""A real SMTP server (aiosmtpd) standing for the outside world: the buyers' mail server.

It speaks SMTP on an ephemeral port in a thread of the test process. What it accepts (a 250
after the final ".") is the buyers' inbox. Controls, set by the test:
  mode "ok"            accept everything
  mode "tempfail_rcpt" 451 to RCPT TO (the server is busy: try later)
  mode "reject_rcpt"   550 to RCPT TO (no such mailbox: permanent)
  mode "stall_rcpt"    hold the RCPT TO answer until `release()` (nothing accepted yet)
  mode "stall_after_accept"  take the message into the inbox, then hold the 250 until release()
  mode "drop_after_accept"   take the message into the inbox, then close the connection
                             without answering (the client never learns it was accepted)
`stalled` is set when a stall begins. A mode applies to the next `count` messages (None: all).
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading

from aiosmtpd.controller import Controller

from tests.channels_sync.worker import free_port


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def _hold(self) -> None:
        self.sink.stalled.set()
        await asyncio.get_running_loop().run_in_executor(None, self.sink._released.wait)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        mode = self.sink._mode_for_rcpt()
        if mode == "tempfail_rcpt":
            return "451 4.3.2 Try again later"
        if mode == "reject_rcpt":
            return "550 5.1.1 No such mailbox"
        if mode == "stall_rcpt":
            await self._hold()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.sink.lock:
            self.sink.inbox.append(message)  # from here on the server has it
            mode = self.sink._take_data_mode()
        if mode == "stall_after_accept":
            await self._hold()
        if mode == "drop_after_accept":
            server.transport.close()
            return "250 accepted (never heard)"
        return "250 2.0.0 Message accepted for delivery"


class SmtpSink:
    def __init__(self) -> None:
        self.port = free_port()
        self.inbox: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()
        self.stalled = threading.Event()
        self._released = threading.Event()
        self._mode, self._count = "ok", None
        self._data_mode = "ok"
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self._released.set()
        self.controller.stop()

    def set_mode(self, mode: str, count: int | None = None) -> None:
        with self.lock:
            self._mode, self._count = mode, count
            self.stalled.clear()
            self._released.clear()

    def release(self) -> None:
        self._released.set()

    def _mode_for_rcpt(self) -> str:
        with self.lock:
            mode = self._mode
            if mode in ("ok",):
                self._data_mode = "ok"
                return mode
            if self._count is not None:
                if self._count <= 0:
                    self._data_mode = "ok"
                    return "ok"
                self._count -= 1
            self._data_mode = mode
            return mode

    def _take_data_mode(self) -> str:
        mode, self._data_mode = self._data_mode, "ok"
        return mode

    def messages_for(self, event_key: str) -> list[email.message.EmailMessage]:
        with self.lock:
            return [m for m in self.inbox if m["X-Notification-Event"] == event_key]
