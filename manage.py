#!/usr/bin/env python
import os
import secrets
import sys

# Commands that only read the code (no request is served, nothing is signed or sent):
# on a fresh clone they run without the production variables, which the settings
# otherwise demand. `check --deploy` is left out: it must see the real configuration.
OFFLINE_COMMANDS = {
    "check",
    "makemigrations",
    "showmigrations",
    "sqlmigrate",
    "makemessages",
    "compilemessages",
    "help",
    "version",
}


def _offline_defaults(argv: list[str]) -> None:
    command = argv[1] if len(argv) > 1 else "help"
    if command not in OFFLINE_COMMANDS or "--deploy" in argv:
        return
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ.setdefault("SITE_URL", "http://localhost")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    _offline_defaults(sys.argv)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
