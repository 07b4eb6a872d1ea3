"""`REDIS_URL` (README's configuration): Django's Redis cache needs the `redis` package, which
was not a dependency, so every cache call of a deployment with REDIS_URL failed (`/readyz`
503, sign-in's rate limit raising). Found by the local cluster (scripts/cluster), issue 21."""

from __future__ import annotations

import os
import socket

import pytest
from django.core.cache.backends.redis import RedisCache


def test_the_redis_cache_can_make_its_client() -> None:
    # Making the client imports redis; it connects only at the first command.
    client = RedisCache("redis://127.0.0.1:1/0", {})._cache
    assert client is not None


def _redis_url() -> str | None:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    host_port = url.split("//", 1)[1].split("/", 1)[0]
    host, _, port = host_port.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port or 6379)), timeout=1):
            return url
    except OSError:
        return None


def test_rate_limit_counters_in_redis() -> None:
    """The increments the rate limits rely on, on a real Redis (CI starts one)."""
    url = _redis_url()
    if url is None:
        # CI starts Redis and sets MUTUALS_REQUIRE_REDIS: there a missing Redis fails the run
        # instead of skipping this test silently.
        if os.environ.get("MUTUALS_REQUIRE_REDIS") == "1":
            pytest.fail("MUTUALS_REQUIRE_REDIS=1 but no Redis answers at REDIS_URL or :6379")
        pytest.skip("no Redis answers at REDIS_URL or 127.0.0.1:6379 (CI starts one)")
    cache = RedisCache(url, {"KEY_PREFIX": "mutuals-test"})
    cache.delete("attempts")
    cache.set("attempts", 0, timeout=30)
    assert [cache.incr("attempts") for _ in range(3)] == [1, 2, 3]
    assert cache.get("attempts") == 3
    cache.delete("attempts")
