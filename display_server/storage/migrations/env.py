"""Alembic environment: runs migrations on the connection of a :class:`Database`."""

from alembic import context

from display_server.storage.tables import metadata

db = context.config.attributes["database"]

with db.engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=db.is_sqlite,  # SQLite needs table rebuilds for ALTER
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
