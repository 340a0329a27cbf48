"""Gunicorn settings, all overridable from the environment."""

import multiprocessing
import os
import shutil
import tempfile

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# The embedded default keeps Redis (fakeredis) inside the process, so it must stay one process;
# threads still give it concurrency.
_embedded = not os.environ.get("REDIS_URL")
workers = 1 if _embedded else int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
accesslog = None  # the app logs one structured line per request itself
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# Prometheus: each worker process writes its metrics to files in one folder that any worker
# adds up when /metrics is scraped (app/common/metrics.py). Set before the workers fork, so
# they import prometheus_client with it; a fresh folder per start, removed at exit.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="cinemaos-metrics-")
    _own_metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"]
else:
    _own_metrics_dir = None


def post_worker_init(worker):
    """Without RQ workers (the embedded default) the worker also runs the recurring jobs (with
    workers, ``rq cron`` does). Here, not in ``wsgi.py``: ``flask`` commands import that too."""
    from app.common.tasks import jobs_run_in_threads

    if jobs_run_in_threads(worker.wsgi):
        from workers import in_process_cron

        in_process_cron.start(worker.wsgi)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _own_metrics_dir:
        shutil.rmtree(_own_metrics_dir, ignore_errors=True)


def when_ready(server):
    host, port = bind.rsplit(":", 1)
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    server.log.info("CinemaOS is ready: API docs at http://%s:%s/docs", shown, port)
