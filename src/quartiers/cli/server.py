"""The platform as a server: ``init`` prepares the database and its content, ``serve`` runs the
web server with a background worker, ``worker`` runs the worker alone (production)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .. import config as configuration
from .french import UserError, console, positive_number, say

INIT_HINT = "lancez « quartiers init »"


def start_django(args, *, migrated: bool = True) -> None:
    """Django with the command's configuration (``quartiers --warehouse X …``); unless told
    otherwise, refuses a database whose migrations are not all applied."""
    configuration.use(args.config.with_options(warehouse=args.warehouse))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quartiers.web.settings")
    import django

    django.setup()
    if migrated and (pending := _pending_migrations()):
        raise UserError(f"la base de données {_database()} n'est pas à jour ({len(pending)} "
                        f"migration{'s' if len(pending) > 1 else ''} en attente) : {INIT_HINT}")
    from django.db import connections

    connections.close_all()  # never shared with the processes gunicorn forks


def _pending_migrations() -> list:
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
    except DatabaseError as error:
        raise UserError(f"base de données {_database()} inaccessible ({error}) : vérifiez "
                        f"DATABASE_URL, ou {INIT_HINT} pour la créer") from error
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def _database() -> str:
    from django.db import connection

    return str(connection.settings_dict["NAME"])


def _tasks_run_in_requests() -> bool:
    from django.conf import settings

    return settings.QUARTIERS.tasks_backend == "immediate"


def cmd_init(args) -> int:
    """Migrations, static files, then the bundled content in the order of
    ``QUARTIERS_BUNDLED_CONTENT``, each saying what it did; run again, nothing changes."""
    start_django(args, migrated=False)
    from django.conf import settings
    from django.contrib.staticfiles.management.commands.collectstatic import Command
    from django.core.management import call_command
    from django.db import connection
    from django.utils.module_loading import import_string

    if connection.vendor == "sqlite":  # the embedded database is created in its folder
        Path(_database()).parent.mkdir(parents=True, exist_ok=True)
    pending = _pending_migrations()
    if pending:
        call_command("migrate", interactive=False, verbosity=0)
        plural = "s" if len(pending) > 1 else ""
        say(f"Base de données {_database()} : {len(pending)} migration{plural} "
            f"appliquée{plural}.")
    else:
        say(f"Base de données {_database()} : à jour, aucune migration à appliquer.")
    collect = Command()
    call_command(collect, interactive=False, verbosity=0)
    copied = len(collect.copied_files) + len(collect.symlinked_files)
    say(f"Fichiers statiques ({settings.STATIC_ROOT}) : "
        + (f"{copied} copié{'s' if copied > 1 else ''}." if copied
           else "à jour, aucun fichier copié."))
    for path in settings.QUARTIERS_BUNDLED_CONTENT:
        try:
            load = import_string(path)
        except ImportError as error:
            raise UserError(f"contenu embarqué {path} introuvable ({error}) : voyez "
                            "QUARTIERS_BUNDLED_CONTENT dans les réglages") from error
        say(load())
    return 0


def cmd_worker(args) -> int:
    start_django(args)
    if _tasks_run_in_requests():
        raise UserError("les tâches s'exécutent dans les requêtes (QUARTIERS_TACHES=immediate) : "
                        "pas de travailleur à lancer")
    from .worker import run

    run(args.intervalle)
    return 0


def cmd_scheduled(args) -> int:
    """The scheduled tasks and when each was last enqueued; ``--lancer`` enqueues those that are
    due (what the worker does every minute), for a server that runs the worker elsewhere."""
    start_django(args)
    from django.utils import timezone

    from ..web.schedule.services import declared, enqueue_due, last_runs

    enqueued = set(enqueue_due()) if args.lancer else set()
    runs = last_runs()
    for scheduled in declared():
        last = runs.get(scheduled.name)
        when = timezone.localtime(last).strftime("%d/%m/%Y %H:%M") if last else "jamais"
        say(f"{scheduled.name} : {_duration(scheduled.every)}, dernier lancement "
            f"{when}{' (lancée maintenant)' if scheduled.name in enqueued else ''}")
    return 0


def _duration(every) -> str:
    """« une fois par heure », « toutes les 6 heures », « tous les 2 jours »."""
    seconds = int(every.total_seconds())
    for unit, size, every_n in (("jour", 86400, "tous les"), ("heure", 3600, "toutes les"),
                                ("minute", 60, "toutes les")):
        if seconds % size == 0:
            count = seconds // size
            return f"une fois par {unit}" if count == 1 else f"{every_n} {count} {unit}s"
    return f"toutes les {seconds} secondes"


def _start_worker(args) -> subprocess.Popen:
    """``quartiers worker`` as a child with the same configuration, in its own process group so
    that a Ctrl-C in the terminal reaches gunicorn only: the worker is stopped by ``_stop``."""
    command = [sys.executable, "-m", "quartiers.cli", "--warehouse", str(args.warehouse),
               "worker", "--intervalle", str(args.intervalle)]
    return subprocess.Popen(command, process_group=0)


def _stop(worker: subprocess.Popen) -> None:
    """SIGTERM: the worker ends its current task, then stops; a Ctrl-C while waiting for it
    stops it at once."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait()
    except KeyboardInterrupt:
        worker.terminate()
        worker.wait()
        raise


def cmd_serve(args) -> int:
    """gunicorn, serving static files through WhiteNoise, and a worker unless ``--sans-worker``
    (or when tasks run in the requests); the worker stops when gunicorn stops. No control
    socket: ``gunicornc`` is not used, and two instances would share its default path."""
    start_django(args)
    from gunicorn.app.wsgiapp import run

    worker = None if args.sans_worker or _tasks_run_in_requests() else _start_worker(args)
    sys.argv = ["gunicorn", "quartiers.web.wsgi:application", "--bind",
                f"{args.host}:{args.port}", "--workers", str(args.workers), "--threads",
                str(args.threads), "--access-logfile", "-", "--no-control-socket",
                # paths without their query string (an address to locate is personal data)
                # nor signed links' tokens
                "--access-logformat", '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
                "--logger-class", "quartiers.cli.access_log.TokenMaskingLogger"]
    console.print(f"Quartiers sur http://{args.host}:{args.port}/"
                  + ("" if worker else " (sans travailleur de tâches de fond)"))
    try:
        run()
    finally:
        if worker:
            _stop(worker)
    return 0


def add_commands(commands, config) -> None:
    init = commands.add_parser("init", help="préparer la base de données : migrations, fichiers "
                               "statiques, contenu embarqué (rôles, pages, programmes) ; sans "
                               "effet si tout est déjà en place")
    init.set_defaults(func=cmd_init)

    interval = {"type": positive_number("secondes attendues", 3600), "default": 1.0, "metavar": "SECONDES",
                "help": "attente entre deux recherches de tâches quand aucune n'attend "
                        "(défaut : 1)"}
    serve = commands.add_parser("serve", help="servir la plateforme (gunicorn) avec un "
                                "travailleur de tâches de fond")
    serve.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (défaut : "
                       "%(default)s)")
    serve.add_argument("--port", type=int, default=8000, help="port (défaut : %(default)s)")
    serve.add_argument("--workers", type=int, default=2,
                       help="processus web de gunicorn (défaut : %(default)s)")
    serve.add_argument("--threads", type=int, default=4,
                       help="fils d'exécution par processus web (défaut : %(default)s)")
    serve.add_argument("--sans-worker", action="store_true",
                       help="ne pas lancer de travailleur (il tourne ailleurs : quartiers worker)")
    serve.add_argument("--intervalle", **interval)
    serve.set_defaults(func=cmd_serve)

    worker = commands.add_parser("worker", help="exécuter les tâches de fond (localisations de "
                                 "fichiers, index de recherche, courriels) jusqu'à SIGTERM")
    worker.add_argument("--intervalle", **interval)
    worker.set_defaults(func=cmd_worker)

    scheduled = commands.add_parser("taches", help="tâches planifiées (rappels, renouvellements, "
                                    "veille, purges) : quand chacune a tourné")
    scheduled.add_argument("--lancer", action="store_true",
                           help="lancer celles qui sont dues (le travailleur le fait chaque minute)")
    scheduled.set_defaults(func=cmd_scheduled)
