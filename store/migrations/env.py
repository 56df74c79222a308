"""Alembic environment: always run with a connection handed over by store.db (never from an ini)."""

from alembic import context

from store.mail import models as _mail_models  # noqa: F401 - its tables join the metadata
from store import macro_models as _macro_models  # noqa: F401 - its table joins the metadata
from store.sla import models as _sla_models  # noqa: F401 - its tables join the metadata
from store.rules import models as _rule_models  # noqa: F401 - its tables join the metadata
from store.models import Base
from store.search import include_name

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
    compare_type=True,
    # The search index (FTS5 tables, tsvector columns) is made by migration 0002, not the models.
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
