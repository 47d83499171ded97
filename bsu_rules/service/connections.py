"""Connections below HTTP: a request head must arrive in time, connections are capped below the process's
file limit, and a fault of the event loop (a refused ``accept``) is one line on stderr, not a traceback.

A client that opens connections and sends nothing, or its head one line at a time, would otherwise hold
them for as long as it likes: the body time limit starts only once the head is complete, and uvicorn's
keep-alive timeout only after a first response.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import resource
import struct
import sys
import time
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from bsu_rules.errors import Code

try:  # the system's count of bytes sent but not yet read by the peer (Linux: SIOCOUTQ)
    import fcntl
    import termios

    _OUTQ: int | None = termios.TIOCOUTQ
except (ImportError, AttributeError):  # elsewhere the transport's buffer alone shows progress
    _OUTQ = None

_BACKLOG = 1 << 20
"""Bytes waiting for a client that has read none of them, beyond which the answer still being written does not
count as progress: a client that sends requests one after another and reads nothing would otherwise be answered
for as long as the system's send queue grows (a minute and a half, 3 MB a connection)."""
_SPARE_FILES = 64  # files the process keeps for itself (the decision log, rule files, stdio) under its limit


def connection_cap(wanted: int) -> int:
    """``wanted``, lowered to what the process's open-file limit leaves for connections."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return wanted if soft == resource.RLIM_INFINITY else max(1, min(wanted, soft - _SPARE_FILES))


def _answer(status: int, reason: str, code: Code, message: str, retry: bool = False) -> bytes:
    """An answer written below the app, in the service's one error shape, marked ``nosniff`` as every answer of
    the app is (``retry``: with ``Retry-After: 1``, as the app's own 503 has)."""
    body = json.dumps({"error": {"code": code.value, "message": message}}, ensure_ascii=False,
                      separators=(",", ":")).encode()  # written as the app writes its answers
    return (f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\nconnection: close\r\n"
            "x-content-type-options: nosniff\r\n" + ("retry-after: 1\r\n" if retry else "")
            + f"content-length: {len(body)}\r\n\r\n").encode() + body


def guarded_protocol(head_seconds: float, max_connections: int) -> type[H11Protocol]:
    """uvicorn's h11 protocol with every connection that is not being answered timed: one whose next request
    has not begun within ``head_seconds`` of its opening or of its last answer is closed (with a 408 when part
    of a head came; an idle one, or one whose answered request's body still trickles in, without a word), and
    one whose client reads none of its answer for ``head_seconds`` is dropped (a slow reader is not). Connections
    above ``max_connections`` are answered 503."""
    late = _answer(408, "Request Timeout", Code.TIME_LIMIT,
                   f"the request's head (its line and headers) did not arrive within {head_seconds:g} s")
    full = _answer(503, "Service Unavailable", Code.BUSY,
                   f"the service holds {max_connections} connections, its most: try again shortly", retry=True)

    class Guarded(H11Protocol):
        _idle: asyncio.TimerHandle | None = None  # between answers: until the next request begins
        _stalled: asyncio.TimerHandle | None = None  # while an answer waits to be read
        _read = 0  # how much the client had taken at the last look
        _begun = False  # whether a byte has come since the timer started
        _answering: object = None  # the request cycle being answered

        def _unsupported_upgrade_warning(self) -> None:
            pass  # an upgrade asked for (a WebSocket) is answered as the ordinary request it also is: nothing
            # to tell the operator, whom uvicorn would advise to install a WebSocket library the service never uses

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            transport = _Counted(transport)  # type: ignore[assignment]  # what was written, for progress
            super().connection_made(transport)
            if len(self.connections) > max_connections:
                transport.write(full)
                transport.close()
            else:
                self._wait()

        def data_received(self, data: bytes) -> None:
            self._begun = True
            super().data_received(data)
            self._answer_begun()

        def on_response_complete(self) -> None:
            super().on_response_complete()  # may begin a request that came in the same packet
            if not self.transport.is_closing() and not self._answer_begun():
                self._wait()
            self._watch_reading()  # an answer still going out, closing or not

        def pause_writing(self) -> None:
            super().pause_writing()
            self._watch_reading()

        def _watch_reading(self) -> None:
            if self._stalled is None and self._unread() > 0:
                self._read = self._delivered()
                self._stalled = self.loop.call_later(head_seconds, self._reading)

        def _delivered(self) -> int:
            """How much of what was written the client has taken."""
            return self.transport.written - self._unread()  # type: ignore[attr-defined, no-any-return]

        def _unread(self) -> int:
            """What waits for the client: in the transport's buffer, and in the system's send queue (where a
            slow reader's progress shows first)."""
            queued = 0
            sock = self.transport.get_extra_info("socket")
            if _OUTQ is not None and sock is not None:
                with contextlib.suppress(OSError, ValueError):
                    queued = struct.unpack("i", fcntl.ioctl(sock.fileno(), _OUTQ, b"\0\0\0\0"))[0]
            return self.transport.get_write_buffer_size() + queued

        def _reading(self) -> None:
            """Drop the connection if the client read none of what waits for it since the last look (while
            the app adds nothing to it: writing paused, the answer complete, or ``_BACKLOG`` waiting)."""
            self._stalled = None
            if self._unread() == 0:
                return
            delivered = self._delivered()
            adding = not self.flow.write_paused and self.cycle is not None and not self.cycle.response_complete \
                and self._unread() < _BACKLOG  # not answers piled up behind pipelined requests it never reads
            if delivered > self._read or adding:
                self._read = delivered
                self._stalled = self.loop.call_later(head_seconds, self._reading)
            else:
                self.transport.abort()

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel("_idle")
            self._cancel("_stalled")
            super().connection_lost(exc)

        def _answer_begun(self) -> bool:
            """Whether a request began since the last look (its body and its answer have their own limits)."""
            cycle = self.cycle
            if cycle is None or cycle is self._answering or cycle.response_complete:
                return False
            self._answering = cycle
            self._cancel("_idle")
            return True

        def _wait(self) -> None:
            self._cancel("_idle")
            self._begun = False
            self._idle = self.loop.call_later(head_seconds, self._late)

        def _cancel(self, timer: str) -> None:
            handle = getattr(self, timer)
            if handle is not None:
                handle.cancel()
                setattr(self, timer, None)

        def _late(self) -> None:
            self._idle = None
            if self._unread() > 0:
                self._wait()  # an answer still going out: its reading is watched (``_reading``)
            elif not self.transport.is_closing():
                if self._begun and self.conn.their_state is h11.IDLE:
                    self.transport.write(late)
                self.transport.close()

    return Guarded


class _Counted:
    """A transport that counts the bytes written to it (all else is the transport's own)."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport, self.written = transport, 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += len(data)
        self._transport.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class _OncePerSecond:
    """Whether a line may be said now: each the first time, then at most once a second."""

    def __init__(self) -> None:
        self.said: dict[str, float] = {}

    def __call__(self, line: str) -> bool:
        now = time.monotonic()
        if now - self.said.get(line, -1.0) < 1.0:
            return False
        if len(self.said) >= 100:
            self.said.clear()
        self.said[line] = now
        return True


class LoopFaults:
    """The event loop's exception handler: each kind of fault said in one line on stderr, at most once a
    second (a refused ``accept`` is retried many times a second while the process is out of files)."""

    def __init__(self) -> None:
        self.sayable = _OncePerSecond()

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        message = str(context.get("message") or "event loop fault")
        exc = context.get("exception")
        line = f"{message}: {type(exc).__name__}: {exc}" if exc is not None else message
        if self.sayable(line):
            print(f"bsu-rules serve: {line}", file=sys.stderr, flush=True)


class QuietRepeats(logging.Filter):
    """The HTTP server's own warnings (``Invalid HTTP request received.``, which any client can cause as
    often as it likes) each at most once a second."""

    def __init__(self) -> None:
        super().__init__()
        self.sayable = _OncePerSecond()

    def filter(self, record: logging.LogRecord) -> bool:
        return self.sayable(record.getMessage())
