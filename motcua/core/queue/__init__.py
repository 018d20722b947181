"""The queue engine: tickets, calls and ratings over the database. Pure Python, no Flask."""

from .engine import QueueEngine
from .errors import QueueError
from .events import Event
from .model import RatingRecord, Ticket, TicketState

__all__ = ["Event", "QueueEngine", "QueueError", "RatingRecord", "Ticket", "TicketState"]
