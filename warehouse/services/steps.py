"""What every scan service returns (the next expected step) and scan-id idempotency.

A scanner sends a `scan_id` with each state-changing request. The first time, the change is
made and its answer stored in a ScanRecord in the same transaction; a retry with the same id
and the same content gets the stored answer back and changes nothing; the same id with other
content is refused.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from warehouse.exceptions import ScanReused
from warehouse.models import ScanRecord


@dataclass(frozen=True)
class NextStep:
    """The answer to a scan: what the operator does next, a message, and the context to show."""

    step: str
    message: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def fingerprint(**content: Any) -> str:
    """A stable hash of a request's content."""
    raw = json.dumps(content, sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def scan_replay(*, scan_id: str | None, action: str, content_hash: str) -> NextStep | None:
    """Return the stored answer if this scan id was already processed (same content)."""
    if not scan_id:
        return None
    record = ScanRecord.objects.filter(scan_id=scan_id).first()
    if record is None:
        return None
    if record.action != action or record.fingerprint != content_hash:
        raise ScanReused(
            f"Scan id {scan_id} was already used for another request; send a new scan id."
        )
    return NextStep(**record.response)


def scan_remember(*, scan_id: str | None, action: str, content_hash: str, step: NextStep) -> None:
    """Store the answer of a processed scan (inside the caller's transaction)."""
    if scan_id:
        ScanRecord.objects.create(
            scan_id=scan_id, action=action, fingerprint=content_hash, response=step.as_dict()
        )
