"""Storage: SQLAlchemy Core tables, database connections and Alembic migrations."""

from .database import Database
from .migrate import upgrade

__all__ = ["Database", "upgrade"]
