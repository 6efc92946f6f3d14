"""One MQTT connection (paho-mqtt 2.x, its own network thread) with subscriptions that survive reconnects.

Every socket gets TCP_NODELAY: paho leaves Nagle's algorithm on, and a small packet
(a PUBACK, a command) then waits for the peer's delayed ACK — 40 ms on Linux. That, not
QoS 1 itself, is why amqtt looked "100x slower" for QoS 1 subscriptions. (mosquitto needs
`set_tcp_nodelay true` in its config for the same reason on its side.)
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import socket
import threading
import time
from collections.abc import Callable
from typing import Any, Self

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.reasoncodes import ReasonCode

from devices.settings import MqttSettings
from devices.errors import BrokerUnavailable, ConfigError

log = logging.getLogger(__name__)

Handler = Callable[[str, bytes, bool], None]
"""Called on the network thread with (topic, payload, retained) for each message matching a subscription.

`retained` marks a stored copy sent because of a (re)subscription (or, by amqtt, on any connect),
as opposed to a message that was just published.
"""

STATUS_TOPIC = "homebody/status"
_REFUSED_CREDENTIALS = ("Bad user name or password", "Not authorized")


class MqttConnection:
    """A paho client: connect once, then reconnect by itself with backoff, renewing subscriptions."""

    def __init__(self, settings: MqttSettings, host: str | None = None, port: int | None = None, *,
                 client_id: str | None = None, status_topic: str | None = STATUS_TOPIC,
                 connect_timeout: float = 5.0):
        self.host = host if host is not None else settings.host
        self.port = port if port is not None else settings.port
        self.status_topic = status_topic
        """Where this client says online/offline (retained; the last will says offline); None: nowhere."""
        self.connect_timeout = connect_timeout
        # A unique suffix: two homebody processes on one broker must not take over each other's session.
        self.client_id = client_id or f"{settings.client_id}-{secrets.token_hex(3)}"
        self._handlers: dict[str, list[Handler]] = {}
        self._qos: dict[str, int] = {}
        self._on_connect: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._connack = threading.Event()
        self._up = threading.Event()
        """Set while connected, from the moment the broker acknowledged the renewed subscriptions."""
        self._renewal: int | None = None
        """The mid of the SUBSCRIBE that renews all subscriptions after a (re)connect, until its SUBACK."""
        self._refusal: ReasonCode | None = None
        self.connects = 0
        """Successful connections so far: a change since a publish means the broker may have lost it."""
        self.client = self._client(settings)

    def _client(self, settings: MqttSettings) -> paho.Client:
        client = paho.Client(CallbackAPIVersion.VERSION2, client_id=self.client_id)
        if settings.username:
            client.username_pw_set(settings.username, settings.password or None)
        if settings.tls:
            try:
                client.tls_set(ca_certs=settings.ca_file or None, certfile=settings.cert_file or None,
                               keyfile=settings.key_file or None)
            except (OSError, ValueError) as error:
                raise ConfigError(f"mqtt TLS files (ca_file, cert_file, key_file) cannot be used: {error}") from None
        if self.status_topic:
            client.will_set(self.status_topic, "offline", qos=1, retain=True)
        client.reconnect_delay_set(min_delay=1, max_delay=30)
        client.on_socket_open = _no_delay
        client.on_connect = self._connected
        client.on_disconnect = self._disconnected
        client.on_subscribe = self._subscribed
        client.on_message = self._unexpected
        return client

    @property
    def connected(self) -> bool:
        """Up and subscribed again: a CONNACK alone is not enough, since until the broker has taken the
        renewed subscriptions a command's confirmation (or a command, for a device) would be missed."""
        return self._up.is_set() and self.client.is_connected()

    def wait_connected(self, timeout: float) -> bool:
        """Whether the connection is up, waiting up to `timeout` seconds for a reconnect if it is not."""
        return self.connected or (self._up.wait(timeout) and self.connected)

    def connect(self) -> None:
        """Connect and start the network thread; BrokerUnavailable says why it could not."""
        where = f"{self.host}:{self.port}"
        try:
            self.client.connect(self.host, self.port, keepalive=30)
        except (OSError, ValueError) as error:  # ValueError: an empty host
            reason = getattr(error, "strerror", None) or error
            raise BrokerUnavailable(f"cannot reach the MQTT broker at {where}: {reason}") from None
        self.client.loop_start()
        if not self._connack.wait(self.connect_timeout):
            self.close()
            raise BrokerUnavailable(f"no MQTT answer from {where} within {self.connect_timeout:g} s")
        if self._refusal is not None:
            refusal, self._refusal = self._refusal, None
            self.close()
            if refusal.getName() in _REFUSED_CREDENTIALS:
                raise BrokerUnavailable(f"the broker at {where} refused the username/password")
            raise BrokerUnavailable(f"the broker at {where} refused the connection: {refusal.getName()}")
        self._up.wait(self.connect_timeout)

    def subscribe(self, topic_filter: str, handler: Handler, qos: int = 0) -> None:
        """Call `handler` for messages on `topic_filter`, now and after every reconnect."""
        with self._lock:
            known = topic_filter in self._handlers
            self._handlers.setdefault(topic_filter, []).append(handler)
            self._qos[topic_filter] = max(qos, self._qos.get(topic_filter, 0))
        if not known:
            self.client.message_callback_add(topic_filter, self._dispatcher(topic_filter))
            if self.client.is_connected():  # not `connected`: a renewal still waiting for its SUBACK lacks it
                self.client.subscribe(topic_filter, qos)

    def on_connect(self, callback: Callable[[], None]) -> None:
        """Run `callback` on the network thread after every (re)connection, once subscriptions are renewed."""
        self._on_connect.append(callback)

    def publish(self, topic: str, payload: bytes | str | dict[str, Any] | list[Any], qos: int = 1,
                retain: bool = False, wait: float = 0.0) -> bool:
        """Send a message now (dicts and lists as JSON); False when it was not sent.

        Nothing is queued for later: while disconnected a message is dropped, and a QoS 1 message
        the broker had not acknowledged when the connection dropped is dropped too (see
        `_disconnected`), so nothing is ever done long after its sender gave up on it.
        `wait` > 0 blocks up to that many seconds until the broker acknowledged it (QoS 1) or it
        was written out (QoS 0), and returns whether that happened.
        """
        if isinstance(payload, (dict, list)):
            payload = json.dumps(payload)
        if not self.connected:
            return False
        info = self.client.publish(topic, payload, qos=qos, retain=retain)
        if info.rc == paho.MQTT_ERR_NO_CONN:  # the connection dropped just now: paho kept it for later
            self._forget({info.mid})
            return False
        if not wait:
            return info.rc == paho.MQTT_ERR_SUCCESS
        try:
            info.wait_for_publish(wait)
        except (RuntimeError, ValueError):
            return False
        return info.is_published()

    def sync(self, timeout: float = 2.0) -> bool:
        """Round trip through the broker: True once it has handled all that this client published before.

        A PUBACK does not mean that (amqtt acknowledges before it stores retained messages and
        delivers); a probe that comes back through the same queue does.
        """
        topic = f"homebody/sync/{self.client_id}"
        token = secrets.token_hex(4).encode()
        back = threading.Event()
        self.subscribe(topic, lambda _topic, payload, _retained: back.set() if payload == token else None)
        deadline = time.monotonic() + timeout
        while not back.is_set() and time.monotonic() < deadline:
            self.publish(topic, token, qos=0)  # repeated: the first may beat the subscription
            back.wait(min(0.05, max(0.0, deadline - time.monotonic())))
        self._handlers[topic].clear()
        return back.is_set()

    def close(self) -> None:
        if self.status_topic and self.connected:
            self.publish(self.status_topic, "offline", qos=1, retain=True, wait=1.0)
        self.client.disconnect()
        self.client.loop_stop()

    def __enter__(self) -> Self:
        self.connect()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ---- paho callbacks (network thread) ----

    def _connected(self, client: paho.Client, _userdata: Any, _flags: Any, reason: ReasonCode, _props: Any) -> None:
        if reason.is_failure:
            if self._connack.is_set():  # a later refusal: keep retrying, the broker may be restarting
                log.error("the MQTT broker at %s:%d refused to reconnect: %s", self.host, self.port, reason.getName())
                return
            self._refusal = reason
            self._connack.set()
            client.disconnect()  # connect() reports it; paho must not retry credentials the broker rejected
            return
        if self.status_topic:
            client.publish(self.status_topic, "online", qos=1, retain=True)
        if self._connack.is_set():
            log.info("reconnected to the MQTT broker at %s:%d", self.host, self.port)
        self._connack.set()
        with self._lock:
            subscriptions = list(self._qos.items())
            self._renewal = client.subscribe(subscriptions)[1] if subscriptions else None
            waiting = self._renewal is not None
        if not waiting:
            self._renewed()

    def _subscribed(self, _client: paho.Client, _userdata: Any, mid: int, _reasons: Any, _props: Any) -> None:
        with self._lock:
            renewal = mid == self._renewal
            if renewal:
                self._renewal = None
        if renewal:
            self._renewed()

    def _renewed(self) -> None:
        self.connects += 1
        self._up.set()
        for callback in self._on_connect:
            _guarded(callback)

    def _disconnected(self, _client: paho.Client, _userdata: Any, _flags: Any, reason: ReasonCode, _props: Any) -> None:
        self._up.clear()
        dropped = self._forget(None)
        if reason.is_failure:
            log.warning("lost the MQTT broker at %s:%d (%s); reconnecting%s", self.host, self.port, reason.getName(),
                        f"; {dropped} unacknowledged message(s) dropped, never sent late" if dropped else "")

    def _forget(self, mids: set[int] | None) -> int:
        """Drop messages (all when `mids` is None) from paho's queue, which would send them after a reconnect.

        paho-mqtt 2.x keeps unacknowledged QoS 1 messages in `_out_messages` and publishes them
        again once reconnected — minutes later, after homebody told the person the command failed.
        It has no public call to withdraw one, so this reaches into that queue under its lock.
        """
        client = self.client
        with client._out_message_mutex:
            queued = client._out_messages
            gone = [mid for mid in queued if mids is None or mid in mids]
            for mid in gone:
                del queued[mid]  # its info stays unpublished: a wait_for_publish on it times out, truthfully
            client._inflight_messages = max(0, client._inflight_messages - len(gone))
        return len(gone)


    def _dispatcher(self, topic_filter: str) -> Callable[[paho.Client, Any, paho.MQTTMessage], None]:
        def dispatch(_client: paho.Client, _userdata: Any, message: paho.MQTTMessage) -> None:
            for handler in self._handlers.get(topic_filter, ()):
                _guarded(handler, message.topic, message.payload, bool(message.retain))
        return dispatch

    def _unexpected(self, _client: paho.Client, _userdata: Any, message: paho.MQTTMessage) -> None:
        log.debug("message on %s matches no subscription", message.topic)


def _guarded(callback: Callable[..., None], *args: Any) -> None:
    """Run a callback on the network thread; an exception is logged, never raised into paho."""
    try:
        callback(*args)
    except Exception:  # a broken handler must not stop the network thread
        log.exception("MQTT handler %r failed on %s", getattr(callback, "__qualname__", callback), args[:1])


def _no_delay(_client: paho.Client, _userdata: Any, sock: Any) -> None:
    with contextlib.suppress(OSError, AttributeError):  # unix sockets and websockets have no such option
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
