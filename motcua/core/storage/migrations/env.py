"""Alembic environment: runs migrations on the connection of a :class:`Database`."""

from alembic import context

from motcua.core.storage.tables import metadata

db = context.config.attributes["database"]

with db.engine.connect() as connection:
    if db.is_sqlite:
        # SQLite rebuilds a table to alter it; with foreign keys on, dropping the old table would
        # fail (or cascade) while other rows still point at it. The pragma only takes effect
        # outside a transaction, hence on the driver connection before SQLAlchemy begins one.
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=db.is_sqlite,  # SQLite needs table rebuilds for ALTER
    )
    with context.begin_transaction():
        context.run_migrations()
        if db.is_sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migration left rows with broken foreign keys: {broken[:5]}")
    connection.commit()
    if db.is_sqlite:
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
