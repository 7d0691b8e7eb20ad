"""Micro-batching: concurrent requests answered by one model call.

A request waits at most `max_wait_ms` for others to join it (or until `max_batch` are waiting);
then one worker thread runs the whole group through `handler` (e.g. `Engine.recommend`) and each
caller gets its own answer. With a vectorised CPU or a GPU one call of 32 rows costs little more
than one of 1, so throughput under load grows with the batch; an idle server answers a lone
request after the wait. `max_batch=1` turns batching off (each request is its own call).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Generic, TypeVar

Request = TypeVar("Request")
Answer = TypeVar("Answer")


class MicroBatcher(Generic[Request, Answer]):
    """Gathers `submit`ted requests into lists for `handler`, on one worker thread."""

    def __init__(self, handler: Callable[[Sequence[Request]], list[Answer]],
                 max_batch: int = 64, max_wait_ms: float = 2.0):
        if max_batch < 1 or max_wait_ms < 0:
            raise ValueError("max_batch must be >= 1 and max_wait_ms >= 0")
        self.handler, self.max_batch, self.max_wait = handler, max_batch, max_wait_ms / 1000
        self._queue: asyncio.Queue[tuple[Request, asyncio.Future[Answer]]] | None = None
        self._task: asyncio.Task[None] | None = None
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pretrec-model")
        self.batch_sizes: list[int] = []  # recent group sizes, for metrics and benchmarks

    async def submit(self, request: Request) -> Answer:
        """The handler's answer to `request`, computed together with whatever else is waiting."""
        if self._queue is None:  # bound to the running loop on first use
            self._queue = asyncio.Queue()
            self._task = asyncio.get_running_loop().create_task(self._serve())
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        await self._queue.put((request, future))
        return await future

    async def run(self, function: Callable[[], Answer]) -> Answer:
        """Run `function` on the model thread (writes that must not race a model call)."""
        return await asyncio.get_running_loop().run_in_executor(self._worker, function)

    async def _serve(self) -> None:
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        while True:
            group = [await self._queue.get()]
            deadline = loop.time() + self.max_wait
            while len(group) < self.max_batch:
                remaining = deadline - loop.time()
                try:
                    group.append(self._queue.get_nowait() if remaining <= 0 else
                                 await asyncio.wait_for(self._queue.get(), remaining))
                except (asyncio.QueueEmpty, TimeoutError):
                    break
            self.batch_sizes = (self.batch_sizes + [len(group)])[-1000:]
            requests = [request for request, _ in group]
            try:
                answers = await loop.run_in_executor(self._worker, self.handler, requests)
            except Exception as error:  # each caller sees the failure of its group
                for _, future in group:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_, future), answer in zip(group, answers, strict=True):
                if not future.done():
                    future.set_result(answer)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self._worker.shutdown(wait=False)
