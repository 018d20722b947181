"""The GPIO rating station, apart from the touch app and with no Kivy: buttons (gpiozero,
:mod:`.buttons`) -> press filter (:mod:`.debounce`) -> durable outbox (:mod:`.outbox`) ->
background sender (:mod:`.sender`), put together in :mod:`.station`. It shares only the HTTP
client (:mod:`kiosk.client`) with the touch app; ``motcua rating-station`` runs it.
"""
