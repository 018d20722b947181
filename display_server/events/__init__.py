"""Fan-out of committed queue events to Server-Sent Events clients."""

from .bus import EventBus, Subscription
from .sse import sse_stream

__all__ = ["EventBus", "Subscription", "sse_stream"]
