"""gunicorn's settings in production, shared by the deployment guide and the benchmarks.

    gunicorn -c python:training_app.ops.gunicorn_config 'training_app:create_app()'

Command-line flags override these (`--workers 6`), as does `WEB_CONCURRENCY` for the count.

Synchronous workers, behind a buffering proxy (nginx; docs/deployment.md): the proxy reads
slow clients' requests and responses, so a worker only ever waits for the database. Every
request then waits at the one listening socket until the first free worker takes it, which
is first come, first served across all workers. Keep-alive threads (`gthread`) instead tie
each client connection to one worker, so one busy worker's clients wait while another is
idle (bench/README.md, "One worker per core", has the figures). Class lessons poll briefly
(no long-lived connections), so nothing needs a thread per client.
"""

from __future__ import annotations

import os

# One process per core. The work is Python on the CPU between short database waits, so a
# second process on a core only takes turns with the first and evicts its caches. Where the
# database is far away (each query a millisecond or more), or requests wait on other
# services, raise WEB_CONCURRENCY and measure with `make bench`.
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1))
worker_class = "sync"
# Room for a school's whole staff arriving at once: they queue rather than being refused.
backlog = 2048
# A request that takes longer than this is stuck: the worker is restarted.
timeout = 30
graceful_timeout = 20
