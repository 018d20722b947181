"""The queue engine: tickets, calls and ratings over the database. Pure Python, no Flask."""

from .base import Conflict, Tx
from .engine import QueueEngine
from .errors import QueueError
from .events import Event
from .model import CounterStatus, FieldStatus, RatingRecord, Ticket, TicketCounts, TicketState

__all__ = ["Conflict", "CounterStatus", "Event", "FieldStatus", "QueueEngine", "QueueError", "RatingRecord",
           "Ticket", "TicketCounts", "TicketState", "Tx"]
