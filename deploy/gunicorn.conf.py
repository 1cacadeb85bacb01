"""gunicorn settings for Binôme (gunicorn is pinned in requirements.txt).

Started by deploy/systemd/binome-web.service:
    gunicorn --config deploy/gunicorn.conf.py binome.wsgi:application
Every value can be changed by an environment variable of the env file
(deploy/binome.env.example), so this file needs no edit on a server.
"""

import multiprocessing
import os

# Prometheus metrics of several workers (binome/ops/gunicorn_hooks.py): the
# directory PROMETHEUS_MULTIPROC_DIR (set by binome-web.service) is emptied
# when gunicorn starts, and a dead worker's live gauges are dropped.
from binome.ops.gunicorn_hooks import child_exit, on_starting  # noqa: F401

# nginx proxies to this address (deploy/nginx/binome.conf): loopback only.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: each serves one request at a time. Two per core keeps the
# processors busy while a request waits for PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * multiprocessing.cpu_count())

# A request that takes longer than this is killed (a PDF report of a large
# programme takes a few seconds); on a reload (HUP) or a stop (TERM) a worker
# gets graceful_timeout seconds to finish the requests it is serving.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT") or 30)
keepalive = 5  # nginx keeps connections to gunicorn open (upstream keepalive)

# gunicorn would itself believe X-Forwarded-Proto from 127.0.0.1 and mark
# requests secure; Django's BEHIND_PROXY=1 (env file) does that job, in one
# place, whatever server runs the application.
forwarded_allow_ips = ""

# No preload: `systemctl reload binome-web` sends HUP, and gunicorn then starts
# new workers that import the code again; with preload_app the master would
# keep the code it loaded at start and hand the old code to the new workers
# (an upgrade would then need a full restart). binome/wsgi.py warms each
# worker up (URLs, WeasyPrint) before it accepts its first request, so the
# cost of not preloading is paid once per worker start, not by a visitor.
preload_app = False

# Logs on stdout/stderr: systemd sends them to journald
# (`journalctl -u binome-web`). No access log of gunicorn's: Django writes
# one line per request (logger binome.access: request id, route name, status,
# duration, account id; never the path, which may hold a personal link).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# gunicorn 27's control socket (in the home directory of the user) is not
# used: systemd drives the server with signals.
control_socket_disable = True

# Workers restart after this many requests (with some jitter), which bounds
# any slow memory growth without all restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 2000)
max_requests_jitter = 200

proc_name = "binome"
