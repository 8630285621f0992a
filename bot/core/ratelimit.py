"""Calls to the Bot API that survive a bad network: flood limits and 429s (AIORateLimiter),
plus retries with back-off on timeouts and network errors."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

#: What a Bot API call returns, as AIORateLimiter.process_request declares it.
_Result = bool | dict[str, Any] | list[dict[str, Any]]


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter (which retries 429 after `retry_after`) that also retries a request
    lost on the way: a timeout or a network error, at most `network_retries` times."""

    def __init__(self, *, network_retries: int = 3, first_delay: float = 0.5, **kwargs: Any):
        super().__init__(**kwargs)
        self.network_retries = network_retries
        self.first_delay = first_delay

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, _Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> _Result:
        delay = self.first_delay
        for attempt in range(self.network_retries + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except (BadRequest, Forbidden, InvalidToken):
                raise  # Telegram answered: retrying would get the same answer
            except NetworkError as error:
                if attempt == self.network_retries:
                    raise
                log.warning(
                    "%s failed (%s); retry %d in %.1f s",
                    endpoint,
                    type(error).__name__,
                    attempt + 1,
                    delay,
                )
                await asyncio.sleep(delay)
                delay *= 2
        raise AssertionError("not reached: the last attempt returns or raises")
