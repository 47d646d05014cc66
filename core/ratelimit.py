"""A small fixed-window rate limiter: Redis when configured (shared by every worker), else memory.

`hit(key, limit, window_seconds, now)` counts one attempt in the current window and says whether
it is still within the limit. Fixed windows are coarse (a burst can straddle two windows), which
is fine for slowing down password guessing.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

log = logging.getLogger(__name__)


class RateLimiter(Protocol):
    def hit(self, key: str, limit: int, window_seconds: int) -> bool: ...


class MemoryRateLimiter:
    """Counters in this process (one worker, tests, development)."""

    def __init__(self, clock=time.time) -> None:
        self._counts: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def hit(self, key: str, limit: int, window_seconds: int) -> bool:
        window = int(self._clock() // window_seconds)
        with self._lock:
            # Forget finished windows so the dict does not grow forever.
            for old in [k for k in self._counts if k[1] < window]:
                del self._counts[old]
            count = self._counts.get((key, window), 0) + 1
            self._counts[(key, window)] = count
        return count <= limit

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


class RedisRateLimiter:
    """Counters in Redis (INCR + EXPIRE in one pipeline), shared by every worker."""

    def __init__(self, client, prefix: str = "ratelimit:", clock=time.time) -> None:
        self._client = client
        self._prefix = prefix
        self._clock = clock

    def hit(self, key: str, limit: int, window_seconds: int) -> bool:
        window = int(self._clock() // window_seconds)
        redis_key = f"{self._prefix}{key}:{window}"
        pipe = self._client.pipeline()
        pipe.incr(redis_key)
        pipe.expire(redis_key, window_seconds + 1)
        count, _ = pipe.execute()
        return int(count) <= limit


class FallbackRateLimiter:
    """Redis first; when it fails (down, slow, refused), this process's memory counters, and
    Redis is left alone for `retry_seconds` so that no request waits on it again meanwhile.

    With short socket timeouts on the client, a request pays at most one timeout (≈50 ms) when
    Redis stops answering, and nothing while it is known to be down.
    """

    def __init__(
        self, primary: RateLimiter, fallback: RateLimiter, retry_seconds: float = 5.0,
        clock=time.monotonic,
    ) -> None:  # fmt: skip
        self._primary = primary
        self._fallback = fallback
        self._retry_seconds = retry_seconds
        self._clock = clock
        self._down_until = 0.0

    @property
    def primary_down(self) -> bool:
        return self._clock() < self._down_until

    def hit(self, key: str, limit: int, window_seconds: int) -> bool:
        if not self.primary_down:
            try:
                return self._primary.hit(key, limit, window_seconds)
            except Exception as error:  # noqa: BLE001 - any Redis failure: count in memory
                self._down_until = self._clock() + self._retry_seconds
                log.warning("rate limiter: Redis unavailable (%s); counting in memory", error)
        return self._fallback.hit(key, limit, window_seconds)


def redis_client(redis_url: str, timeout_seconds: float = 0.05):
    """A Redis client that gives up fast: short connect and read timeouts, no retries."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis.from_url(
        redis_url,
        socket_connect_timeout=timeout_seconds,
        socket_timeout=timeout_seconds,
        retry=Retry(NoBackoff(), 0),
        retry_on_timeout=False,
    )


def make_rate_limiter(
    redis_url: str = "", key_prefix: str = "ocop:", timeout_seconds: float = 0.05
) -> RateLimiter:
    """Redis at `redis_url` (keys under `key_prefix`, memory when it fails), else memory."""
    if redis_url:
        redis_limiter = RedisRateLimiter(
            redis_client(redis_url, timeout_seconds), prefix=f"{key_prefix}ratelimit:"
        )
        return FallbackRateLimiter(redis_limiter, MemoryRateLimiter())
    return MemoryRateLimiter()
