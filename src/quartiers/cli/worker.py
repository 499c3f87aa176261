"""The background worker: django_tasks_db's, on every queue of the default backend, saying in
French what it does (its own lines are in English, and would name the tasks' arguments).

It looks for a waiting task every ``interval`` seconds when none is waiting. SIGTERM or SIGINT:
it ends the task it is running, then stops; a second signal stops it at once (a locator job
then shows as interrupted).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading

from django_tasks_db.compat import (
    DEFAULT_TASK_BACKEND_ALIAS,
    TASKS_LOGGER,
    TaskResultStatus,
    task_finished,
    task_started,
)
from django_tasks_db.management.commands.db_worker import Worker

logger = logging.getLogger("quartiers.worker")


class FrenchWorker(Worker):
    def __init__(self, interval: float):
        super().__init__(queue_names=["*"], excluded_queue_names=[], interval=interval,
                         batch=False, backend_name=DEFAULT_TASK_BACKEND_ALIAS,
                         startup_delay=False, max_tasks=None,
                         worker_id=f"{socket.gethostname()}-{os.getpid()}"[:64])

    def run(self) -> None:
        logger.info("Travailleur %s démarré : toutes les files, tâches cherchées toutes les "
                    "%s s", self.worker_id, f"{self.interval:g}".replace(".", ","))
        try:
            super().run()
        finally:
            logger.info("Travailleur %s arrêté", self.worker_id)

    def shutdown(self, signum: int, frame) -> None:
        """django_tasks_db's stop (its own English lines are silenced), said in French."""
        name = signal.Signals(signum).name
        if not self.running:
            logger.warning("%s reçu à nouveau : arrêt immédiat, tâche en cours abandonnée", name)
        elif self.running_task:
            logger.info("%s reçu : arrêt à la fin de la tâche en cours (un second signal "
                        "l'abandonne)", name)
        else:
            logger.info("%s reçu : arrêt", name)
        super().shutdown(signum, frame)


def _started(sender, task_result, **kwargs) -> None:
    logger.info("Tâche %s commencée (%s)", task_result.task.module_path, task_result.id)


def _finished(sender, task_result, **kwargs) -> None:
    seconds = (task_result.finished_at - task_result.started_at).total_seconds()
    took = f"{seconds:.1f}".replace(".", ",")
    if task_result.status == TaskResultStatus.FAILED:  # called while the exception is handled
        logger.error("Tâche %s en échec après %s s (%s)", task_result.task.module_path, took,
                     task_result.id, exc_info=True)
    else:
        logger.info("Tâche %s terminée en %s s (%s)", task_result.task.module_path, took,
                    task_result.id)


def _enqueue_scheduled(stop: threading.Event, every: float = 60.0) -> None:
    """Every minute, enqueue the scheduled tasks that are due (``web.schedule``)."""
    from django.db import connection

    from ..web.schedule.services import enqueue_due

    while not stop.is_set():
        try:
            for name in enqueue_due():
                logger.info("Tâche planifiée « %s » lancée", name)
        except Exception:  # a locked or unreachable database: try again at the next minute
            logger.exception("Tâches planifiées non lancées")
        finally:
            connection.close()
        stop.wait(every)


def run(interval: float) -> None:
    """Run the worker in this process until a signal stops it, logging to stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logging.getLogger(TASKS_LOGGER).setLevel(logging.CRITICAL)  # said again by the lines above
    logging.getLogger("django_tasks_db").setLevel(logging.ERROR)  # a task it cannot import
    task_started.connect(_started)
    task_finished.connect(_finished)
    worker = FrenchWorker(interval)
    worker.configure_signals()
    stop = threading.Event()
    threading.Thread(target=_enqueue_scheduled, args=(stop,), daemon=True,
                     name="scheduled-tasks").start()
    try:
        worker.run()
    finally:
        stop.set()
