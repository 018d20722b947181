"""The queue engine: tickets, calls and ratings over the database. Pure Python, no Flask."""

from .engine import QueueEngine
from .errors import QueueError
from .events import Event
from .model import CounterStatus, FieldStatus, RatingRecord, Ticket, TicketCounts, TicketState

__all__ = ["CounterStatus", "Event", "FieldStatus", "QueueEngine", "QueueError", "RatingRecord",
           "Ticket", "TicketCounts", "TicketState"]
