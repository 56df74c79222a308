"""The declarative base every model maps onto: one metadata with stable constraint names, so
migrations can refer to them on both dialects. Its own module so that models kept beside
store/models.py (store/sla/models.py) can map onto it without importing store/models.py, which
in turn imports them (tickets.sla_policy_id points at sla_policies: whoever maps tickets needs
that table on the metadata, in every process)."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
