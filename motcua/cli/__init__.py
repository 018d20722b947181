"""The command line, the top layer: the ``motcua`` console script (:mod:`motcua.cli.launch`,
which patches the standard library for gevent before ``motcua server``, then :mod:`motcua.cli.main`) and
its subcommands, each a click module here (``report``, ``printer``, ``voice``, ``kiosk``,
``rating_station``, ``backup``, ``demo``). They import the shells (``display_server``, ``kiosk``,
``printer``), the core (:mod:`motcua.core`) and ``config``; nothing imports them.
"""
