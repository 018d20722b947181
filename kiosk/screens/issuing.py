"""Issuing: a still "please wait" while the printer and the server are asked."""

from __future__ import annotations

from kivy.uix.screenmanager import Screen


class IssuingScreen(Screen):
    """No animation on purpose (nothing blinks or moves on its own)."""
