"""A thin client for the one Graph API call the channel makes: ``POST
/{phone-number-id}/messages`` (a template or, inside the 24-hour window, a text).

Errors come back as ``GraphError`` carrying Meta's error code, and whether another
attempt may succeed (rate limits, Meta's temporary failures, the network) or not (an
invalid number, a paused template, a bad token).
"""

from dataclasses import dataclass

import httpx
from django.conf import settings

TIMEOUT = httpx.Timeout(10.0, connect=5.0)

# Meta's codes for a failure that may pass: throttling, its own temporary errors.
RETRYABLE_CODES = frozenset(
    {
        "1",  # API unknown
        "2",  # API service temporarily unavailable
        "4",  # application request limit reached
        "80007",  # WhatsApp Business Account rate limit
        "130429",  # Cloud API throughput reached
        "131000",  # something went wrong
        "131016",  # service unavailable
        "131056",  # too many messages to the same number (pair rate limit)
        "133004",  # server temporarily unavailable
    }
)
# The 24-hour window closed after all: the message must go as a template.
WINDOW_CLOSED_CODE = "131047"


@dataclass
class GraphError(Exception):
    code: str
    message: str
    retryable: bool

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def _post(payload: dict) -> str:
    """Send ``payload`` and return the new message's id (``wamid.…``)."""
    url = f"{settings.WHATSAPP_API_URL}/{settings.WHATSAPP_PHONE_NUMBER_ID}/messages"
    headers = {"Authorization": f"Bearer {settings.WHATSAPP_ACCESS_TOKEN}"}
    try:
        response = httpx.post(url, json=payload, headers=headers, timeout=TIMEOUT)
    except httpx.HTTPError as exc:
        raise GraphError(
            code="network", message=str(exc) or type(exc).__name__, retryable=True
        ) from exc
    try:
        data = response.json()
    except ValueError:
        data = {}
    if response.status_code >= 400 or not isinstance(data, dict) or "error" in data:
        error = data.get("error") if isinstance(data, dict) else None
        error = error if isinstance(error, dict) else {}
        code = str(error.get("code") or f"http{response.status_code}")
        details = (error.get("error_data") or {}) if isinstance(error, dict) else {}
        message = str(error.get("message") or response.reason_phrase)
        if isinstance(details, dict) and details.get("details"):
            message = f"{message} ({details['details']})"
        retryable = (
            code in RETRYABLE_CODES or response.status_code == 429 or response.status_code >= 500
        )
        raise GraphError(code=code, message=message[:1000], retryable=retryable)
    try:
        return str(data["messages"][0]["id"])
    except (KeyError, IndexError, TypeError) as exc:
        raise GraphError(
            code="response", message="No message id in the answer", retryable=True
        ) from exc


def send_template(
    *, to: str, name: str, language: str, body: list[str], button: list[str] | None = None
) -> str:
    components: list[dict] = []
    if body:
        components.append(
            {"type": "body", "parameters": [{"type": "text", "text": value} for value in body]}
        )
    if button:
        components.append(
            {
                "type": "button",
                "sub_type": "url",
                "index": "0",
                "parameters": [{"type": "text", "text": value} for value in button],
            }
        )
    return _post(
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to.lstrip("+"),
            "type": "template",
            "template": {"name": name, "language": {"code": language}, "components": components},
        }
    )


def send_text(*, to: str, text: str, reply_to: str = "") -> str:
    payload = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to.lstrip("+"),
        "type": "text",
        "text": {"preview_url": True, "body": text[:4096]},
    }
    if reply_to:
        payload["context"] = {"message_id": reply_to}
    return _post(payload)
