"""Micro-batching: concurrent requests share one handler call, each caller gets its own answer,
a lone request is answered after the wait, and max_batch=1 turns it off."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from pretrec.serve.batching import MicroBatcher


def _squares(calls: list[int]):
    def handler(requests: Sequence[int]) -> list[int]:
        calls.append(len(requests))
        return [r * r for r in requests]
    return handler


@pytest.mark.parametrize("max_batch, expected_calls", [(64, 1), (1, 20)])
def test_concurrent_requests_share_a_call(max_batch: int, expected_calls: int) -> None:
    calls: list[int] = []
    batcher = MicroBatcher(_squares(calls), max_batch=max_batch, max_wait_ms=50)

    async def main() -> list[int]:
        answers = await asyncio.gather(*(batcher.submit(i) for i in range(20)))
        await batcher.close()
        return answers

    assert asyncio.run(main()) == [i * i for i in range(20)]
    assert len(calls) == expected_calls and sum(calls) == 20


def test_a_failing_call_reaches_every_caller_of_its_group_and_the_next_group_is_served() -> None:
    def handler(requests: Sequence[int]) -> list[int]:
        if 0 in requests:
            raise ValueError("boom")
        return list(requests)

    batcher = MicroBatcher(handler, max_wait_ms=20)

    async def main() -> tuple[list[object], int]:
        first = await asyncio.gather(batcher.submit(0), batcher.submit(1),
                                     return_exceptions=True)
        second = await batcher.submit(5)
        await batcher.close()
        return first, second

    first, second = asyncio.run(main())
    assert all(isinstance(answer, ValueError) for answer in first) and second == 5


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        MicroBatcher(list, max_batch=0)
