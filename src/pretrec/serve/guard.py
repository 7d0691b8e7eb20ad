"""An ASGI middleware in front of the service: refuses bodies over a size (413) before the app
parses them, and reports each request's route, status and time to a callback (the metrics).

Pure ASGI rather than Starlette's `BaseHTTPMiddleware`, which costs a task and a stream copy per
request; this adds a header check and a timer.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class BodyLimit:
    """Answers 413 to a request body over `max_bytes` (declared or streamed)."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], max_bytes: int,
                 observe: Callable[[str, int, float], None] | None = None):
        self.app, self.max_bytes, self.observe = app, max_bytes, observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [500]

        async def send_noting(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            await send(message)

        try:
            declared = _content_length(scope)
            if declared is not None and declared > self.max_bytes:
                await self._too_large(send_noting)
                return
            body, more = b"", True
            chunks: list[Message] = []
            while more and scope["method"] in ("POST", "PUT", "PATCH"):
                message = await receive()
                if message["type"] != "http.request":
                    chunks.append(message)
                    break
                body += message.get("body", b"")
                more = message.get("more_body", False)
                if len(body) > self.max_bytes:
                    await self._too_large(send_noting)
                    return
            replay = [{"type": "http.request", "body": body, "more_body": False}, *chunks]

            async def receive_again() -> Message:
                return replay.pop(0) if replay else await receive()

            await self.app(scope, receive_again if scope["method"] in ("POST", "PUT", "PATCH")
                           else receive, send_noting)
        finally:
            if self.observe is not None:
                route = scope.get("route")
                self.observe(getattr(route, "path", "unmatched"), status[0], started)

    async def _too_large(self, send: Send) -> None:
        detail = json.dumps({"detail": f"body over {self.max_bytes} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(detail)).encode())]})
        await send({"type": "http.response.body", "body": detail})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
