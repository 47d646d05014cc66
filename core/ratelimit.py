"""A small fixed-window rate limiter: Redis when configured (shared by every worker), else memory.

`hit(key, limit, window_seconds, now)` counts one attempt in the current window and says whether
it is still within the limit. Fixed windows are coarse (a burst can straddle two windows), which
is fine for slowing down password guessing.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


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


def make_rate_limiter(redis_url: str = "") -> RateLimiter:
    """Redis at `redis_url` if given, else in-process memory."""
    if redis_url:
        import redis

        return RedisRateLimiter(redis.Redis.from_url(redis_url))
    return MemoryRateLimiter()
