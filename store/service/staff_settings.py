"""A staff member's own display settings, kept in the store so they follow them to any machine."""

from __future__ import annotations

import json
from typing import Any

from ..actors import Actor
from ..db import Store
from ..errors import BadInput
from .rules import require_staff

STAFF_DEFAULTS: dict[str, Any] = {
    "theme": "",  # none chosen: the config file's theme, or the default
    "density": "normal",
    "reading_width": 0,  # 0: the whole width
    "hide_system_messages": False,
    "time_format": "%Y-%m-%d %H:%M",
}
DENSITIES = ("compact", "normal", "relaxed")
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M", "%d/%m/%Y %H:%M", "%m/%d/%Y %I:%M %p",
                "%d %b %Y, %H:%M")


def _check(key: str, value: Any) -> Any:
    if key not in STAFF_DEFAULTS:
        raise BadInput(f"'{key}' is not a staff setting; use one of: {', '.join(STAFF_DEFAULTS)}.")
    kind = type(STAFF_DEFAULTS[key])
    if kind is bool and not isinstance(value, bool):
        raise BadInput(f"{key} must be true or false.")
    if kind is int and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 400):
        raise BadInput(f"{key} must be a whole number from 0 to 400.")
    if kind is str and (not isinstance(value, str) or not value.strip() or len(value) > 100):
        raise BadInput(f"{key} must be a short text.")
    if key == "density" and value not in DENSITIES:
        raise BadInput(f"density must be one of: {', '.join(DENSITIES)}.")
    if key == "time_format" and value not in TIME_FORMATS:
        raise BadInput("time_format must be one of the offered formats.")
    if key == "reading_width" and value and value < 40:
        raise BadInput("The reading width is 0 (the whole width) or at least 40 columns.")
    return value


def my_settings(store: Store, actor: Actor) -> dict[str, Any]:
    me = require_staff(actor, "have display settings")
    values = dict(STAFF_DEFAULTS)
    with store.sql() as q:
        rows = q.rows('SELECT "key", value FROM staff_settings WHERE staff_id = :id', {"id": me.id})
    for key, value in rows:
        if key in values:
            values[key] = json.loads(value)
    return values


def save_my_settings(store: Store, actor: Actor, changes: dict[str, Any]) -> dict[str, Any]:
    me = require_staff(actor, "have display settings")
    from ..models import StaffSetting
    from ._common import upsert

    checked = {k: _check(k, v) for k, v in changes.items()}
    with store.write() as s:
        for key, value in checked.items():
            upsert(s, StaffSetting, {"staff_id": me.id, "key": key, "value": json.dumps(value)},
                   ["staff_id", "key"], ["value"])
    return my_settings(store, actor)
