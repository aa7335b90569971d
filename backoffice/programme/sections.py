"""More sections of the programme dashboard: one include template and one function each.

A section (WhatsApp delivery per channel, outcomes …) plugs in with one entry here:

    SECTIONS = [
        Section(
            "whatsapp",
            "backoffice/programme/sections/whatsapp.html",
            whatsapp_delivery_figures,  # (filters, today) -> JSON-able data
        ),
    ]

The function runs the section's queries (a fixed number, whatever the data size) and
returns plain data: dicts, lists, numbers, strings, ``Decimal`` and dates (labels and
translations belong in the template). Its result is stored in the programme snapshot
with the other figures, so the page reads it ready-made; a snapshot made before the
section existed gets it computed on the spot. The dashboard renders the sections in
this order after the charts, each as ``{% include section.template %}`` with ``data``
(what the function returned), ``filters``, ``period`` and ``export_query`` in context;
its ``<section class="card programme-section" id="<key>">`` is the template's own.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from .periods import Filters


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    figures: Callable[[Filters, dt.date], object]


SECTIONS: list[Section] = []
