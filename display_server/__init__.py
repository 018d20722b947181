"""The display server: queue engine, storage, event bus, and (from the server issue) the Flask app.

The queue engine (:mod:`display_server.queue`) and storage (:mod:`display_server.storage`) are
pure Python and import no Flask, so the CLI, tests and benchmarks use them directly.
"""
