"""The kiosk's screens: thin classes that show what the controller says (looks in ``kv/``)."""

from .admin import AdminScreen
from .appointment import AppointmentScreen
from .error import ErrorScreen
from .home import HomeScreen
from .issuing import IssuingScreen
from .procedures import ProceduresScreen
from .result import ResultScreen

__all__ = ["AdminScreen", "AppointmentScreen", "ErrorScreen", "HomeScreen", "IssuingScreen",
           "ProceduresScreen", "ResultScreen"]
