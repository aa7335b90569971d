"""Where a reply to a notification goes: the registry of reply handlers.

The notification core knows no domain app, so a domain app registers, for the kinds
whose notifications can be answered (an inquiry, for example), a function that turns
the reply into its own write through its own service, under its own rules. The
marketplace registers its handler in ``MarketplaceConfig.ready``.

A handler is called as ``handler(notification=…, author=…, body=…, reference=…)``
inside a transaction; ``reference`` is the channel's id of the incoming message (the
same reply delivered twice must be stored once). It raises ``ValidationError`` or
``PermissionDenied`` to refuse the reply; the message is then read back to the person.
"""

from collections.abc import Callable

ReplyHandler = Callable[..., object]

_handlers: dict[str, ReplyHandler] = {}


def register(*, kinds: list[str], handler: ReplyHandler) -> None:
    for kind in kinds:
        _handlers[kind] = handler


def handler_for(kind: str) -> ReplyHandler | None:
    return _handlers.get(kind)


def answerable_kinds() -> set[str]:
    return set(_handlers)
