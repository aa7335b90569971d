"""Values kept as JSON in the database (the stored programme and outcome figures): the
two types JSON lacks carry a tag, so they come back as what they were.

``encode`` turns decimals, dates and datetimes into ``{"$decimal": "…"}``,
``{"$date": "…"}`` and ``{"$datetime": "…"}``, dataclasses into dicts of their fields,
tuples into lists and dict keys into text; ``decode`` undoes the tags (the caller
rebuilds its dataclasses and tuples from what it knows they were).
"""

import datetime as dt
from dataclasses import asdict, is_dataclass
from decimal import Decimal


def encode(value):
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if is_dataclass(value) and not isinstance(value, type):
        return encode(asdict(value))
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    return value


def decode(value):
    if isinstance(value, dict):
        if len(value) == 1:
            ((tag, text),) = value.items()
            if tag == "$decimal":
                return Decimal(text)
            if tag == "$datetime":
                return dt.datetime.fromisoformat(text)
            if tag == "$date":
                return dt.date.fromisoformat(text)
        return {key: decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode(item) for item in value]
    return value
