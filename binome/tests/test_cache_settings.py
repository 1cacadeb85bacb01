"""With CACHE_URL, the rate limits live in Redis, shared by every server
process (tested against the Redis server of the test machine)."""

import os
import subprocess
import sys


def test_the_cache_is_shared_through_redis_when_cache_url_is_set():
    script = (
        "import django; django.setup();"
        "from django.core.cache import cache;"
        "import sys; key='binome-test-shared';"
        "cache.set(key, sys.argv[1], 30) if sys.argv[1] else print(cache.get(key))"
    )
    env = {**os.environ, "CACHE_URL": "redis://127.0.0.1:6379/15"}
    env["DJANGO_SETTINGS_MODULE"] = "binome.settings"
    subprocess.run([sys.executable, "-c", script, "écrit"], env=env, check=True)
    read = subprocess.run(
        [sys.executable, "-c", script, ""],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    # Another process reads what the first one wrote.
    assert read.stdout.strip() == "écrit"
