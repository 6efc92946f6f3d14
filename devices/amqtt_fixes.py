"""amqtt 0.12.1 with two bugs fixed, for the embedded broker (imported lazily: amqtt is slow to import).

1. The broker iterates its subscription table across `await`s (on every connect, and for every
   broadcast), so a client subscribing meanwhile raises "dictionary changed size during
   iteration": the connecting client is dropped (it reconnects a second later) or a message
   is lost. The table now iterates over a snapshot.
2. On every connect, amqtt sends the new client the retained messages of *every* filter any
   client ever subscribed to, meant only for resumed sessions. Now a client gets retained
   messages only for filters it has subscribed to itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from amqtt.broker import Broker
from amqtt.session import Session


class SnapshotDict(dict[str, Any]):
    """A dict whose iteration never sees concurrent changes."""

    def __iter__(self) -> Iterator[str]:
        return iter(list(super().keys()))

    def items(self) -> Any:
        return list(super().items())

    def values(self) -> Any:
        return list(super().values())


class FixedBroker(Broker):
    def __init__(self, config: dict[str, Any]):
        super().__init__(config)
        self._subscriptions = SnapshotDict()

    async def _publish_retained_messages_for_subscription(self, subscription: tuple[str, int],
                                                          session: Session) -> None:
        subscribers = self._subscriptions.get(subscription[0], [])
        if any(subscriber.client_id == session.client_id for subscriber, _ in subscribers):
            await super()._publish_retained_messages_for_subscription(subscription, session)
