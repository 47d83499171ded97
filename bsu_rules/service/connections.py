"""Connections below HTTP: a request head must arrive in time, connections are capped below the process's
file limit, and a fault of the event loop (a refused ``accept``) is one line on stderr, not a traceback.

A client that opens connections and sends nothing, or its head one line at a time, would otherwise hold
them for as long as it likes: the body time limit starts only once the head is complete, and uvicorn's
keep-alive timeout only after a first response.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from bsu_rules.errors import Code

_SPARE_FILES = 64  # files the process keeps for itself (the decision log, rule files, stdio) under its limit


def connection_cap(wanted: int) -> int:
    """``wanted``, lowered to what the process's open-file limit leaves for connections."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return wanted if soft == resource.RLIM_INFINITY else max(1, min(wanted, soft - _SPARE_FILES))


def _answer(status: int, reason: str, code: Code, message: str) -> bytes:
    """An answer written below the app, in the service's one error shape."""
    body = json.dumps({"error": {"code": code.value, "message": message}}).encode()
    return (f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\nconnection: close\r\n"
            f"content-length: {len(body)}\r\n\r\n").encode() + body


def guarded_protocol(head_seconds: float, max_connections: int) -> type[H11Protocol]:
    """uvicorn's h11 protocol, closing a connection whose request head has not arrived within
    ``head_seconds`` (with a 408 when part of it came; a connection sending nothing is closed as an idle
    one is) and refusing connections above ``max_connections`` (503)."""
    late = _answer(408, "Request Timeout", Code.TIME_LIMIT,
                   f"the request's head (its line and headers) did not arrive within {head_seconds:g} s")
    full = _answer(503, "Service Unavailable", Code.BUSY,
                   f"the service holds {max_connections} connections, its most: try again shortly")

    class Guarded(H11Protocol):
        _head: asyncio.TimerHandle | None = None
        _begun = False  # whether a byte of the awaited head has come

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if len(self.connections) > max_connections:
                transport.write(full)
                transport.close()
            else:
                self._wait_for_head()

        def data_received(self, data: bytes) -> None:
            self._begun = True
            super().data_received(data)
            if self._head is not None and self.conn.their_state is not h11.IDLE:
                self._stop_waiting()  # the head is in: the body has its own limit

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
                self._wait_for_head()  # a kept-alive connection: the next head in time too

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_waiting()
            super().connection_lost(exc)

        def _wait_for_head(self) -> None:
            self._stop_waiting()
            self._begun = False
            self._head = self.loop.call_later(head_seconds, self._head_late)

        def _stop_waiting(self) -> None:
            if self._head is not None:
                self._head.cancel()
                self._head = None

        def _head_late(self) -> None:
            self._head = None
            if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
                if self._begun:
                    self.transport.write(late)
                self.transport.close()

    return Guarded


class LoopFaults:
    """The event loop's exception handler: each kind of fault said in one line on stderr, at most once a
    second (a refused ``accept`` is retried many times a second while the process is out of files)."""

    def __init__(self) -> None:
        self.said: dict[str, float] = {}

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        message = str(context.get("message") or "event loop fault")
        exc = context.get("exception")
        line = f"{message}: {type(exc).__name__}: {exc}" if exc is not None else message
        now = time.monotonic()
        if now - self.said.get(line, -1.0) >= 1.0:
            if len(self.said) >= 100:
                self.said.clear()
            self.said[line] = now
            print(f"bsu-rules serve: {line}", file=sys.stderr, flush=True)
