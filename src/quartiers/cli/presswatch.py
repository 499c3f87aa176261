"""The press watch: its sources with the state of their last fetch, adding one, fetching now."""

from __future__ import annotations

from .french import UserError, say
from .server import start_django


def cmd_sources(args) -> int:
    start_django(args)
    from quartiers.web.presswatch.models import FeedSource

    sources = list(FeedSource.objects.all())
    if not sources:
        say("Aucune source : ajoutez-en une avec « quartiers veille ajouter URL --nom … ».")
    for source in sources:
        when = f"relevé le {source.fetched_at:%d/%m/%Y %H:%M}" if source.fetched_at else \
            "jamais relevé"
        say(f"{source.pk} · {source.name}{'' if source.active else ' (inactive)'} — "
            f"{source.feed_url} — {when} — {source.items_count} article"
            f"{'s' if source.items_count > 1 else ''}"
            + (f" — {source.status}" if source.status else ""),
            None if source.ok else "red")
    return 0


def cmd_add(args) -> int:
    start_django(args)
    from django.core.exceptions import ValidationError

    from quartiers.web.presswatch.models import FeedSource

    source = FeedSource(name=args.nom.strip(), feed_url=args.url.strip(),
                        site_url=(args.site or "").strip())
    try:
        source.full_clean()
    except ValidationError as error:
        problems = "; ".join(f"{FeedSource._meta.get_field(field).verbose_name} : "
                             f"{' '.join(messages)}"
                             for field, messages in error.message_dict.items())
        raise UserError(f"source refusée — {problems}") from error
    source.save()
    say(f"Source ajoutée : {source.pk} · {source.name} ({source.feed_url}). Relevez-la avec "
        f"« quartiers veille relever --source {source.pk} ».", "green")
    return 0


def cmd_fetch(args) -> int:
    start_django(args)
    from quartiers.web.presswatch.models import FeedSource
    from quartiers.web.presswatch.services import fetch

    if args.source is not None:
        sources = list(FeedSource.objects.filter(pk=args.source))
        if not sources:
            raise UserError(f"aucune source n° {args.source} : « quartiers veille sources » "
                            "les liste.")
    else:
        sources = list(FeedSource.objects.filter(active=True))
        if not sources:
            say("Aucune source active à relever.")
    failed = 0
    for source in sources:
        status = fetch(source)
        failed += not source.ok
        say(f"{source.pk} · {source.name} : {status}", None if source.ok else "red")
    return 1 if failed else 0


def add_commands(commands, config) -> None:
    watch = commands.add_parser("veille", help="veille : sources (flux RSS et Atom) et relevés")
    sub = watch.add_subparsers(dest="presswatch_command", metavar="commande", required=True)
    sub.add_parser("sources", help="les sources et l'état de leur dernier relevé").set_defaults(
        func=cmd_sources)
    add = sub.add_parser("ajouter", help="ajouter une source (l'adresse de son flux)")
    add.add_argument("url", help="adresse du flux RSS ou Atom")
    add.add_argument("--nom", required=True, help="nom de la source, tel qu'il sera affiché")
    add.add_argument("--site", help="adresse du site de la source (facultatif)")
    add.set_defaults(func=cmd_add)
    fetch = sub.add_parser("relever", help="relever maintenant les sources actives, ou une seule")
    fetch.add_argument("--source", type=int, metavar="ID", help="numéro de la source")
    fetch.set_defaults(func=cmd_fetch)
