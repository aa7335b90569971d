"""The webhook's signature check and the parts of Meta's payload the channel reads.

Meta signs every POST with ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw
body keyed with the app secret>``. Anything that does not parse into the expected
shape raises ``BadPayload`` (the view answers 400).
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings

MAX_TEXT_CHARS = 10_000  # longer than any message WhatsApp lets a person send


class BadPayload(ValueError):
    pass


def signature_valid(body: bytes, header: str | None) -> bool:
    secret = settings.WHATSAPP_APP_SECRET
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def sign(body: bytes, secret: str) -> str:
    """The header value Meta would send (for the tests and the fake server)."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_token_valid(token: str | None) -> bool:
    expected = settings.WHATSAPP_VERIFY_TOKEN
    return bool(expected and token) and hmac.compare_digest(expected.encode(), token.encode())


@dataclass(frozen=True)
class Status:
    message_id: str
    status: str  # sent | delivered | read | failed
    error_code: str
    error: str


@dataclass(frozen=True)
class Incoming:
    message_id: str
    sender: str  # wa_id: digits
    text: str
    context_id: str  # the message of ours it answers, or ""
    sent_at: datetime


def _str(value, *, limit: int = 200) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise BadPayload("expected a short string")
    return value


def _list(container: dict, key: str) -> list:
    value = container.get(key, [])
    if not isinstance(value, list):
        raise BadPayload(f"{key} is not a list")
    return value


def _dict(value) -> dict:
    if not isinstance(value, dict):
        raise BadPayload("expected an object")
    return value


def _timestamp(value) -> datetime:
    try:
        seconds = int(value)
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError) as exc:
        raise BadPayload("bad timestamp") from exc


def parse(body: bytes) -> tuple[list[Status], list[Incoming]]:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise BadPayload("not JSON") from exc
    payload = _dict(payload)
    statuses: list[Status] = []
    incoming: list[Incoming] = []
    for entry in _list(payload, "entry"):
        for change in _list(_dict(entry), "changes"):
            change = _dict(change)
            if change.get("field") != "messages":
                continue
            value = _dict(change.get("value", {}))
            for raw in _list(value, "statuses"):
                raw = _dict(raw)
                errors = _list(raw, "errors")
                first = _dict(errors[0]) if errors else {}
                statuses.append(
                    Status(
                        message_id=_str(raw.get("id")),
                        status=_str(raw.get("status"), limit=20),
                        error_code=str(first.get("code", ""))[:20],
                        error=str(first.get("title") or first.get("message") or "")[:1000],
                    )
                )
            for raw in _list(value, "messages"):
                raw = _dict(raw)
                kind = raw.get("type")
                if kind == "text":
                    text = _str(_dict(raw.get("text")).get("body"), limit=MAX_TEXT_CHARS)
                elif kind == "button":
                    text = _str(_dict(raw.get("button")).get("text"), limit=MAX_TEXT_CHARS)
                else:
                    text = ""  # images, voice notes, stickers: nothing we can store
                context = _dict(raw.get("context", {}))
                incoming.append(
                    Incoming(
                        message_id=_str(raw.get("id")),
                        sender=_str(raw.get("from"), limit=20),
                        text=text,
                        context_id=_str(context.get("id", "")),
                        sent_at=_timestamp(raw.get("timestamp")),
                    )
                )
    return statuses, incoming
