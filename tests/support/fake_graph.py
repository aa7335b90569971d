"""A fake of Meta's Graph API for the WhatsApp channel: real HTTP on 127.0.0.1, in a
thread, with the request and response shapes of ``POST /{version}/{phone-number-id}/
messages`` — success, Meta's error bodies (invalid number, paused template, rate
limits, a bad token) — and the webhook bodies Meta signs. Never the network.

``serving(settings)`` starts the server, points the WHATSAPP_ settings at it (turning
the channel on) and records every message sent.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from notifications.whatsapp import templates as registry
from notifications.whatsapp.webhook import sign

TOKEN = "test-access-token"
PHONE_NUMBER_ID = "1098765432"
APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
VERSION = "v24.0"

ERRORS = {
    # code: (HTTP status, type, message) as Meta answers them
    131026: (400, "OAuthException", "Message undeliverable"),
    132015: (400, "OAuthException", "Template is paused"),
    131047: (400, "OAuthException", "Re-engagement message"),
    130429: (400, "OAuthException", "Rate limit hit"),
    131056: (400, "OAuthException", "(Business Account, Consumer Account) pair rate limit hit"),
    190: (401, "OAuthException", "Invalid OAuth access token"),
    131000: (500, "OAuthException", "Something went wrong"),
}


@dataclass
class FakeGraph:
    url: str = ""
    sent: list[dict] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)  # Meta error codes, next first
    delay: float = 0.0
    _ids = itertools.count(1)
    _server: ThreadingHTTPServer | None = None

    # The test's handles ---------------------------------------------------------------

    def fail_next(self, *codes: int) -> None:
        self.failures.extend(codes)

    def templates_sent(self) -> list[dict]:
        return [m for m in self.sent if m["type"] == "template"]

    def texts_sent(self) -> list[dict]:
        return [m for m in self.sent if m["type"] == "text"]

    # Webhook bodies as Meta sends them --------------------------------------------------

    @staticmethod
    def webhook_body(*, statuses=(), messages=()) -> bytes:
        return json.dumps(
            {
                "object": "whatsapp_business_account",
                "entry": [
                    {
                        "id": "102290129340398",
                        "changes": [
                            {
                                "field": "messages",
                                "value": {
                                    "messaging_product": "whatsapp",
                                    "metadata": {
                                        "display_phone_number": "15550783881",
                                        "phone_number_id": PHONE_NUMBER_ID,
                                    },
                                    **({"statuses": list(statuses)} if statuses else {}),
                                    **({"messages": list(messages)} if messages else {}),
                                },
                            }
                        ],
                    }
                ],
            }
        ).encode()

    @staticmethod
    def status(message_id: str, status: str, *, error_code: int | None = None) -> dict:
        body = {
            "id": message_id,
            "status": status,
            "timestamp": str(int(time.time())),
            "recipient_id": "6281234567890",
        }
        if error_code:
            body["errors"] = [
                {"code": error_code, "title": ERRORS.get(error_code, ("", "", "x"))[2]}
            ]
        return body

    _incoming = itertools.count(1)

    @classmethod
    def text_message(cls, *, sender: str, text: str, context_id: str = "", at: int | None = None):
        message = {
            "from": sender.lstrip("+"),
            "id": f"wamid.IN{next(cls._incoming):08d}",
            "timestamp": str(at or int(time.time())),
            "type": "text",
            "text": {"body": text},
        }
        if context_id:
            message["context"] = {"from": "15550783881", "id": context_id}
        return message

    @staticmethod
    def signature(body: bytes) -> str:
        return sign(body, APP_SECRET)

    # The server -----------------------------------------------------------------------

    def start(self) -> FakeGraph:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _error(self, code: int, detail: str = "") -> None:
                status, kind, message = ERRORS.get(code, (400, "OAuthException", "Error"))
                self._answer(
                    status,
                    {
                        "error": {
                            "message": message,
                            "type": kind,
                            "code": code,
                            "error_data": {"messaging_product": "whatsapp", "details": detail},
                            "fbtrace_id": "AbCdEf123",
                        }
                    },
                )

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path != f"/{VERSION}/{PHONE_NUMBER_ID}/messages":
                    return self._answer(404, {"error": {"message": "Unknown path", "code": 803}})
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._error(190)
                try:
                    payload = json.loads(raw)
                except ValueError:
                    return self._error(100, "Invalid JSON")
                problem = _check(payload)
                if problem:
                    return self._error(*problem)
                if fake.delay:
                    time.sleep(fake.delay)
                if fake.failures:
                    return self._error(fake.failures.pop(0))
                fake.sent.append(payload)
                message_id = f"wamid.FAKE{next(fake._ids):08d}"
                answer = {
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": payload["to"], "wa_id": payload["to"]}],
                    "messages": [{"id": message_id}],
                }
                if payload["type"] == "template":
                    answer["messages"][0]["message_status"] = "accepted"
                payload["_id"] = message_id
                return self._answer(200, answer)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}/{VERSION}"
        # A short poll: shutdown() waits for the loop's next look (0.5 s by default, on
        # each of the 200-odd tests that start a fake).
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()


def _registered() -> dict[tuple[str, str], int]:
    """The templates an operator registered: the registry's, and the code template."""
    known = {(t.name, t.language): len(t.parameters) for t in registry.registry()}
    for language in registry.LANGUAGES:
        known[(registry.VERIFICATION_TEMPLATE, language)] = 1
    return known


def _check(payload) -> tuple[int, str] | None:
    """Meta's validation of a message request, as far as the channel uses it."""
    if not isinstance(payload, dict) or payload.get("messaging_product") != "whatsapp":
        return 100, "messaging_product is required"
    if not re.fullmatch(r"[1-9][0-9]{7,14}", str(payload.get("to", ""))):
        return 100, "Invalid parameter: to"
    if payload.get("type") == "text":
        text = payload.get("text") or {}
        if not isinstance(text.get("body"), str) or not text["body"] or len(text["body"]) > 4096:
            return 100, "text.body is required, at most 4096 characters"
        return None
    if payload.get("type") != "template":
        return 100, "Unsupported type"
    template = payload.get("template") or {}
    key = (template.get("name"), (template.get("language") or {}).get("code"))
    known = _registered()
    if key not in known:
        return 132001, f"Template name does not exist in the translation: {key}"
    components = {c.get("type"): c for c in template.get("components", [])}
    body = components.get("body", {}).get("parameters", [])
    if len(body) != known[key]:
        return 132000, f"Number of parameters does not match: {len(body)} != {known[key]}"
    for parameter in body:
        text = parameter.get("text")
        if not isinstance(text, str) or not text or "\n" in text or "\t" in text:
            return 132018, "Parameter text cannot have new-line/tab characters"
    button = components.get("button")
    if button is None or len(button.get("parameters", [])) != 1:
        return 131008, "Required parameter is missing: the URL button"
    return None


ERRORS[132001] = (404, "OAuthException", "Template name does not exist in the translation")
ERRORS[132000] = (400, "OAuthException", "Number of parameters does not match")
ERRORS[132018] = (400, "OAuthException", "There was an issue with the parameters")
ERRORS[131008] = (400, "OAuthException", "Required parameter is missing")
ERRORS[100] = (400, "OAuthException", "Invalid parameter")


@contextmanager
def serving(settings):
    """The channel on, talking to a fake Graph API on 127.0.0.1 (use in a fixture with
    pytest-django's ``settings``)."""
    fake = FakeGraph().start()
    settings.WHATSAPP_API_URL = fake.url
    settings.WHATSAPP_PHONE_NUMBER_ID = PHONE_NUMBER_ID
    settings.WHATSAPP_ACCESS_TOKEN = TOKEN
    settings.WHATSAPP_APP_SECRET = APP_SECRET
    settings.WHATSAPP_VERIFY_TOKEN = VERIFY_TOKEN
    try:
        yield fake
    finally:
        fake.stop()
