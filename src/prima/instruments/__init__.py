"""Survey instruments as data: items, dimensions, scale and texts in Bahasa Indonesia and English.

Built-in instruments live in ``builtin/<name>.json``; users may pass their own JSON or YAML file
with at least ``{"name", "scale": [MIN, MAX], "items": [{"id", "dimension", "text": {"id", "en"}}]}``.
"""

from prima.instruments.model import (
    Instrument,
    InstrumentError,
    Item,
    builtin_names,
    load_instrument,
)

__all__ = ["Instrument", "InstrumentError", "Item", "builtin_names", "load_instrument"]
