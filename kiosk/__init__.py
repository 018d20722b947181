"""The kiosk: the Kivy touch app and its pure-Python controller, the HTTP client, and the GPIO
rating station in a subpackage of its own (:mod:`kiosk.rating`, no Kivy)."""
