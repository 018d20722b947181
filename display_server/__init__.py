"""The display server: the Flask app (``create_app``), its API and pages, the event stream to
browsers, voice announcements for the screens.

The queue engine, storage, reports and accounts it serves live in the core, :mod:`motcua.core`,
which imports no Flask, so the CLI, tests and benchmarks use them directly.
"""
