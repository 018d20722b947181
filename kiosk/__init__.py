"""The kiosk (Kivy touch app and its pure-Python controller) and the GPIO rating station."""
