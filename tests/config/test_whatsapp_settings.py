"""The WhatsApp variables: all four or none; a half-configured channel stops start-up
with one sentence instead of failing later at the first message."""

import os
import subprocess
import sys

from ..support import ROOT

ENV = {
    "DJANGO_DEBUG": "True",
    "DATABASE_URL": "sqlite:////tmp/jembatan-whatsapp-settings.sqlite3",
}
WHATSAPP = {
    "WHATSAPP_PHONE_NUMBER_ID": "1098765432",
    "WHATSAPP_ACCESS_TOKEN": "token",
    "WHATSAPP_APP_SECRET": "secret",
    "WHATSAPP_VERIFY_TOKEN": "verify",
}


def _check(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WHATSAPP_")}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_all_four_or_none_start():
    assert _check({}).returncode == 0
    assert _check(WHATSAPP).returncode == 0


def test_a_half_configured_channel_stops_with_one_sentence():
    result = _check({"WHATSAPP_ACCESS_TOKEN": "token"})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "WHATSAPP_PHONE_NUMBER_ID" in lines[0] and "WHATSAPP_APP_SECRET" in lines[0]
