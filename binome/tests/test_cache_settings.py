"""The cache holds the rate limits, shared by every server process: in Redis
with CACHE_URL (tested against the Redis server of the test machine),
otherwise in the database. With real servers: test_several_servers.py."""

import os
import subprocess
import sys

from binome.accounts.models import CACHE_TABLE, CacheEntry


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


def test_without_cache_url_the_cache_is_the_database_table_that_migrate_creates():
    script = (
        "import django; django.setup();"
        "from django.conf import settings;"
        "c = settings.CACHES['default'];"
        "print(c['BACKEND'], c['LOCATION'], c['OPTIONS']['MAX_ENTRIES'])"
    )
    env = {k: v for k, v in os.environ.items() if k != "CACHE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "binome.settings"
    read = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert read.stdout.split() == [
        "django.core.cache.backends.db.DatabaseCache",
        CACHE_TABLE,
        # Far above Django's 300: past it, live counters are deleted too.
        "10000",
    ]


def test_the_database_cache_works_on_a_database_built_from_the_models(db, settings):
    """Test databases come from the models, without ``createcachetable``:
    the cache table is there because it is a model (and a migration)."""
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
        }
    }
    cache = caches.create_connection("default")
    assert cache.add("limite", [1.5], 60)
    assert not cache.add("limite", [2.5], 60)  # the lock allauth takes
    assert cache.get("limite") == [1.5]
    assert CacheEntry.objects.filter(cache_key__endswith="limite").exists()
    cache.delete("limite")
    assert not CacheEntry.objects.exists()
