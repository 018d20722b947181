"""The core every shell uses, importing no Flask, no Kivy and no click: the queue engine
(:mod:`.queue`, with the PostgreSQL event relay), storage (:mod:`.storage`: SQLAlchemy Core,
Alembic migrations), reports (:mod:`.reports`), accounts (:mod:`.accounts`) and the optional
extras (:mod:`.extras`). It imports only ``config`` below it; import-linter checks this
(``[tool.importlinter]`` in pyproject.toml).
"""
