"""The trusted third party's workflow: who sees which agreement, deposits checked into the
agreement's encrypted store, outputs computed, reviewed and released by the staff, and every
action written to the hash-chained journal. The web pages, the command line and the scheduled
tasks all go through here."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from quartiers.engine.locator.geocoding import Geocoder
from quartiers.engine.partners import journal
from quartiers.engine.partners.ingest import DepositReport, ingest
from quartiers.engine.partners.keys import KeyRing
from quartiers.engine.partners.recipes import RECIPES, RecipeResult, run
from quartiers.engine.partners.release import ReleaseRefused, withdraw_release, write_release
from quartiers.engine.partners.schemas import SCHEMAS
from quartiers.engine.partners.store import AgreementStore
from quartiers.engine.partners.validation import DepositError

from ..accounts.models import Role
from ..accounts.services import is_centre_staff
from .models import Agreement, DeletionCertificate, Deposit, JournalEntry, Output


class Refused(Exception):
    """An action the state of things does not allow (French message, for the user)."""


class NotAllowed(Refused, PermissionDenied):
    """An action the user's role does not allow."""


def is_member(user, agreement: Agreement) -> bool:
    """A member of the agreement's partner organisation."""
    return bool(user and user.is_authenticated and Role.PARTNER_MEMBER in user.roles
                and user.partner_organisation_id == agreement.partner_id)


def _require_staff(user, what: str) -> None:
    if not is_centre_staff(user):
        raise NotAllowed(f"Seule l'équipe du centre peut {what}.")


# The journal ----------------------------------------------------------------------------------

def _actor(actor) -> str:
    if isinstance(actor, str):
        return actor
    return actor.email if actor is not None else "système"


def log(actor, action: str, agreement_code: str = "", object_ref: str = "",
        details: dict | None = None) -> JournalEntry:
    """Append an entry chained to the last one; ``actor``: a user, or a name (« système »).
    Details go through JSON first, so that what is hashed is what the database gives back."""
    details = json.loads(journal.canonical(details or {}))
    for _attempt in range(5):  # two writers at once: the loser takes the next number
        try:
            with transaction.atomic():
                last = JournalEntry.objects.order_by("-seq").first()
                entry = JournalEntry(seq=last.seq + 1 if last else 1,
                                     at=timezone.now().replace(microsecond=0),
                                     actor=_actor(actor), action=action,
                                     agreement_code=agreement_code, object_ref=str(object_ref),
                                     details=details,
                                     previous_hash=last.hash if last else journal.GENESIS)
                entry.hash = journal.entry_hash(entry.previous_hash, entry.hashed_fields())
                entry.save()
                transaction.on_commit(functools.partial(_anchor, entry))
                return entry
        except IntegrityError:
            continue
    raise Refused("Le journal est occupé : recommencez dans un instant.")


def _anchor_path():
    return settings.QUARTIERS.partners_keys / "journal-tete.txt"


def _anchor(entry: JournalEntry) -> None:
    """The last entry's number and hash, kept outside the database (with the keys): a chain
    rewritten or cut at its end in the database no longer meets it."""
    path = _anchor_path()
    known = _read_anchor()
    if known and known[0] >= entry.seq:
        return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(f"{entry.seq} {entry.hash}\n", encoding="ascii")
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def _read_anchor() -> tuple[int, str] | None:
    try:
        seq, digest = _anchor_path().read_text(encoding="ascii").split()
    except (FileNotFoundError, ValueError):
        return None
    return int(seq), digest


def verify_journal() -> journal.Verification:
    """The whole journal checked from its first entry, then against the anchor kept outside
    the database: entries cut from its end, or a chain recomputed, are found too."""
    fields = ("seq", *journal.HASHED[1:], "previous_hash", "hash")
    checked = journal.verify(JournalEntry.objects.order_by("seq").values(*fields).iterator())
    anchor = _read_anchor()
    if not checked.ok or anchor is None:
        return checked
    seq, digest = anchor
    kept = JournalEntry.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if kept is None:
        return journal.Verification(checked.count, checked.last_hash, seq,
                                    "entrée absente de la base alors que sa trace, gardée hors "
                                    "de la base, existe (fin du journal supprimée).")
    if kept != digest:
        return journal.Verification(checked.count, checked.last_hash, seq,
                                    "son empreinte ne correspond plus à la trace gardée hors de "
                                    "la base (journal réécrit).")
    return checked


def log_access(user, agreement: Agreement, what: str) -> JournalEntry:
    """A page or a download of the agreement seen (the views call it)."""
    return log(user, JournalEntry.Action.ACCESS, agreement.code, what)


# Who sees what ---------------------------------------------------------------------------------

def visible_agreements(user):
    """Staff: every agreement. A partner member: its organisation's agreements once in force
    (active or expired), never the drafts under discussion. Anybody else: none."""
    if is_centre_staff(user):
        return Agreement.objects.all()
    if user and user.is_authenticated and Role.PARTNER_MEMBER in user.roles \
            and user.partner_organisation_id:
        return Agreement.objects.filter(partner_id=user.partner_organisation_id).exclude(
            status=Agreement.Status.DRAFT)
    return Agreement.objects.none()


def visible_outputs(user, agreement: Agreement):
    """Staff: every output; the partner: its released outputs only."""
    if is_centre_staff(user):
        return agreement.outputs.all()
    if is_member(user, agreement):
        return agreement.outputs.filter(status=Output.Status.RELEASED)
    return Output.objects.none()


def may_deposit(user, agreement: Agreement) -> bool:
    """A member of the agreement's partner; or the staff, for public data only (they take them
    where the partner published them: nothing confidential passes through their hands)."""
    return is_member(user, agreement) or (
        is_centre_staff(user) and agreement.legal_basis == Agreement.LegalBasis.PUBLIC_DATA)


def can_deposit(user, agreement: Agreement) -> bool:
    """Allowed to deposit, the agreement in force."""
    return may_deposit(user, agreement) and agreement.is_active


# Keys and store ---------------------------------------------------------------------------------

def key_ring():

    return KeyRing(settings.QUARTIERS.partners_keys)


def agreement_store(agreement: Agreement, ring=None):
    """The agreement's encrypted store (the keys are created with the agreement's activation)."""

    ring = ring or key_ring()
    key = ring.store_key(agreement.code) if ring.exists(agreement.code) else ""
    return AgreementStore(settings.QUARTIERS.partners_store, agreement.code, key)


def activate(agreement: Agreement, user) -> Agreement:
    """A draft put in force: checked (partner, schema, fields, recipes, dates, signatories), its
    keys created outside the store."""
    _require_staff(user, "mettre une convention en vigueur")
    if agreement.status != Agreement.Status.DRAFT:
        raise Refused(f"La convention {agreement.code} n'est pas un brouillon "
                      f"(statut : {agreement.get_status_display()}).")
    if problems := agreement.activation_problems():
        raise Refused(f"La convention {agreement.code} ne peut pas être mise en vigueur : "
                      + " ".join(problems))
    with transaction.atomic():
        agreement.status = Agreement.Status.ACTIVE
        agreement.save(update_fields=["status"])
        log(user, JournalEntry.Action.AGREEMENT, agreement.code, agreement.code,
            {"statut": "active", "début": agreement.starts_on, "fin": agreement.ends_on,
             "schéma": agreement.schema, "champs": agreement.allowed_fields,
             "recettes": agreement.recipes})
        ensure_keys(agreement, user)
    return agreement


def ensure_keys(agreement: Agreement, actor):
    """The agreement's key ring, its keys created (and journaled) the first time."""
    ring = key_ring()
    if not ring.exists(agreement.code):
        ring.create(agreement.code)
        log(actor, JournalEntry.Action.KEY, agreement.code, agreement.code, {"clés": "créées"})
    return ring


def rotate_key(agreement: Agreement, user) -> int:
    """A new pseudonymisation key; every stored identifier re-hashed with it. The number of
    rows re-hashed."""
    _require_staff(user, "changer la clé d'une convention")
    if not agreement.is_active:
        raise Refused(f"La convention {agreement.code} n'est pas en vigueur : pas de clé à changer.")
    ring = key_ring()
    rows = ring.rotate(agreement.code, agreement_store(agreement, ring))
    log(user, JournalEntry.Action.KEY, agreement.code, agreement.code,
        {"rotation": True, "lignes re-pseudonymisées": rows,
         "clés dans la chaîne": len(ring.pseudonym_keys(agreement.code))})
    return rows


# Deposits ----------------------------------------------------------------------------------------

def deposit(agreement: Agreement, user, filename: str, content: bytes, **options) -> Deposit:
    """A partner's file checked against the agreement's schema and, when valid, stored
    pseudonymised and located in the agreement's store. A refused file keeps its report, never
    its rows; the same file as an accepted deposit is refused. ``options`` go to the engine's
    ``ingest`` (a value given for the whole file…)."""

    if not may_deposit(user, agreement):
        raise NotAllowed(f"Seuls les membres de {agreement.partner} déposent sous la convention "
                         f"{agreement.code}.")
    if not agreement.is_active:
        raise Refused(f"La convention {agreement.code} n'est pas en vigueur "
                      f"(statut : {agreement.get_status_display()}, du "
                      f"{agreement.starts_on:%d/%m/%Y} au {agreement.ends_on:%d/%m/%Y}) : "
                      "aucun dépôt n'est possible.")
    digest = hashlib.sha256(content).hexdigest()
    record = Deposit(id=uuid.uuid4(), agreement=agreement, uploaded_by=user, filename=filename,
                     size=len(content), sha256=digest)
    earlier = agreement.deposits.filter(sha256=digest, status=Deposit.Status.ACCEPTED,
                                        deleted_at__isnull=True).first()
    if earlier:
        report = DepositReport(False, 0, [DepositError(None, None, (
            f"{filename} : ce fichier a déjà été déposé le "
            f"{timezone.localtime(earlier.uploaded_at):%d/%m/%Y à %H:%M} (« {earlier.filename} ») ;"
            " il n'est pas enregistré une seconde fois."))], 1, [], digest)
    else:
        ring = ensure_keys(agreement, user)
        # partners' addresses go only to a geocoder named in QUARTIERS_GEOCODEUR (a server of
        # the centre's own): never, by default, to the national service outside the agreement
        configured = settings.QUARTIERS.geocoder
        geocoder = Geocoder.from_setting(configured) if configured else None
        try:
            report = ingest(SCHEMAS[agreement.schema], filename, content,
                            deposit_id=str(record.id), allowed_fields=agreement.allowed_fields,
                            store=agreement_store(agreement, ring),
                            keys=ring.pseudonym_keys(agreement.code),
                            warehouse=settings.QUARTIERS.warehouse, geocoder=geocoder,
                            territories=list(agreement.territories.values_list("level", "code")),
                            **options)
        finally:
            if geocoder is not None:
                geocoder.close()
    record.status = Deposit.Status.ACCEPTED if report.accepted else Deposit.Status.REFUSED
    record.rows = report.rows if report.accepted else 0
    record.report = report.as_json()
    try:
        with transaction.atomic():
            record.save()
            log(user, JournalEntry.Action.DEPOSIT, agreement.code, record.id, {
                "fichier": filename, "taille": record.size, "sha256": digest,
                "statut": record.status, "lignes": record.rows, "erreurs": report.error_count})
    except Exception:
        if report.accepted:  # nothing half-stored: the rows go with the failed record
            agreement_store(agreement).delete_deposit(str(record.id))
        raise
    return record


# Outputs -----------------------------------------------------------------------------------------

def request_output(agreement: Agreement, recipe: str, user, *, background: bool = True) -> Output:
    """An output of one of the agreement's recipes, computed in the background (or at once: the
    command line waits for it)."""
    from .tasks import compute_output

    _require_staff(user, "demander un calcul")
    if not agreement.is_active:
        raise Refused(f"La convention {agreement.code} n'est pas en vigueur : aucun calcul "
                      "n'est possible.")
    if recipe not in agreement.recipes:
        allowed = ", ".join(agreement.recipes) or "aucune"
        raise Refused(f"La recette « {recipe} » n'est pas prévue par la convention "
                      f"{agreement.code} (recettes prévues : {allowed}).")
    if not agreement.deposits.filter(status=Deposit.Status.ACCEPTED, deleted_at__isnull=True).exists():
        raise Refused(f"La convention {agreement.code} n'a aucun dépôt accepté : rien à calculer.")
    output = Output.objects.create(agreement=agreement, recipe=recipe, requested_by=user)
    log(user, JournalEntry.Action.COMPUTATION, agreement.code, f"sortie {output.pk}",
        {"recette": recipe, "étape": "demandée"})
    if not background:
        return compute(output)
    compute_output.enqueue(output.pk)
    return output


def compute(output: Output) -> Output:
    """Run the recipe on the agreement's store with its secrecy rules; the output waits for the
    staff's review, or says why it failed."""

    agreement = output.agreement
    try:
        if not agreement.is_active:
            raise Refused(f"la convention {agreement.code} n'est plus en vigueur")
        result = run(RECIPES[output.recipe], agreement_store(agreement),
                     settings.QUARTIERS.warehouse, agreement.rules())
    except Exception as error:  # the output says it failed; the worker goes on
        output.status, output.error = Output.Status.FAILED, f"Le calcul a échoué : {error}"
        details = {"recette": output.recipe, "étape": "échec", "erreur": str(error)}
    else:
        output.result, output.audit_ok = result.as_json(), result.ok
        output.status, output.error = Output.Status.TO_REVIEW, ""
        details = {"recette": output.recipe, "étape": "calculée", "audit": result.ok}
    output.computed_at = timezone.now()
    with transaction.atomic():
        output.save()
        log("système", JournalEntry.Action.COMPUTATION, agreement.code, f"sortie {output.pk}", details)
    return output


def _require_to_review(output: Output) -> None:
    if output.status != Output.Status.TO_REVIEW:
        raise Refused(f"La sortie {output.pk} n'est pas à relire (statut : "
                      f"{output.get_status_display()}).")


def review(output: Output, user, accept: bool, comment: str = "") -> Output:
    """The staff's reading: accepted (then released by ``release``) or refused with a reason."""
    _require_staff(user, "relire une sortie")
    _require_to_review(output)
    if accept and not output.audit_ok:
        raise Refused(f"La sortie {output.pk} ne peut pas être acceptée : l'audit du secret a "
                      "trouvé des cases qu'un attaquant pourrait recalculer trop précisément.")
    if not accept and not comment.strip():
        raise Refused("Dites pourquoi la sortie est refusée (commentaire de relecture).")
    output.reviewed_by, output.reviewed_at, output.review_comment = user, timezone.now(), comment
    if not accept:
        output.status = Output.Status.REFUSED
    with transaction.atomic():
        output.save()
        log(user, JournalEntry.Action.REVIEW, output.agreement.code, f"sortie {output.pk}",
            {"acceptée": accept, "commentaire": comment})
    return output


def release_key(output: Output) -> str:
    return f"{output.agreement.code.lower()}-{output.recipe}-{output.pk}"


def licence(agreement: Agreement) -> str:
    """The released values' licence: the agreement itself."""
    signed = agreement.signatories.exclude(signed_on=None).order_by("-signed_on").first()
    day = signed.signed_on if signed else agreement.starts_on
    return f"Convention {agreement.code} du {day:%d/%m/%Y} — {agreement.partner.name}"


def release(output: Output, user) -> Output:
    """Write the accepted output where the next ``quartiers build`` takes it into the public
    warehouse, as a source whose licence is the agreement."""

    _require_staff(user, "publier une sortie")
    _require_to_review(output)
    if not output.audit_ok:
        raise Refused(f"La sortie {output.pk} ne peut pas être publiée : l'audit du secret n'est "
                      "pas concluant.")
    if output.reviewed_by_id is None:
        raise Refused(f"La sortie {output.pk} doit d'abord être relue et acceptée.")
    earlier = Output.objects.filter(agreement=output.agreement, recipe=output.recipe,
                                    released_at__isnull=False).exclude(pk=output.pk).first()
    if earlier:  # two versions of a table give by difference what changed between them
        raise Refused(
            f"La sortie n° {earlier.pk} de la même recette a déjà été publiée sous cette "
            "convention : en publier une autre version permettrait de retrouver par différence "
            "ce qui a changé entre les deux, que l'audit ne contrôle pas encore conjointement. "
            "Une seule version est publiée par convention et par recette.")
    agreement, now = output.agreement, timezone.now()
    manifest = {
        "convention": agreement.code, "intitulé": agreement.title,
        "producteur": agreement.partner.name, "licence": licence(agreement),
        "finalité": agreement.purpose, "recette": output.recipe,
        "millésime": output.result.get("vintage") if output.result else None,
        "publiée le": now.isoformat(), "publiée par": "équipe du centre",
    }
    key = release_key(output)
    with transaction.atomic():
        output.status, output.released_at, output.release_key = Output.Status.RELEASED, now, key
        output.save()
        log(user, JournalEntry.Action.RELEASE, agreement.code, f"sortie {output.pk}",
            {"clé": key, "recette": output.recipe})
        try:  # last: a refusal or a failure here leaves neither files nor journal entry
            write_release(settings.QUARTIERS.imports_dir, key, manifest,
                          RecipeResult.from_json(output.result))
        except ReleaseRefused as refusal:
            raise Refused(str(refusal)) from None
    return output


def withdraw(output: Output, user, reason: str = "") -> Output:
    """A released output taken back: gone from the public warehouse at the next build."""

    _require_staff(user, "retirer une sortie")
    if output.status != Output.Status.RELEASED:
        raise Refused(f"La sortie {output.pk} n'est pas publiée : rien à retirer.")
    with transaction.atomic():
        output.status, output.withdrawn_at = Output.Status.WITHDRAWN, timezone.now()
        output.save()
        withdraw_release(settings.QUARTIERS.imports_dir, output.release_key)
        log(user, JournalEntry.Action.RELEASE, output.agreement.code, f"sortie {output.pk}",
            {"retrait": True, "clé": output.release_key, "motif": reason})
    return output


# Retention ---------------------------------------------------------------------------------------

def delete_expired(today=None) -> list:
    """Every agreement in force whose retention ends on or before ``today``: its store and keys
    destroyed (the rows become unreadable even in a backup), its deposits marked deleted, the
    results of its unreleased outputs erased, and a certificate of what was done. Released
    outputs stay public: they passed the secrecy audit and hold no individual's data; their
    audit's cell by cell bounds, which come from the hidden values, are erased too."""
    today = today or timezone.localdate()
    certificates = []
    for agreement in Agreement.objects.filter(status=Agreement.Status.ACTIVE,
                                              ends_on__lte=today).order_by("code"):
        try:  # one agreement that fails must not keep the others' data beyond their date
            certificates.append(_delete(agreement))
        except Exception as error:  # journaled, retried by the next daily run
            log("système", JournalEntry.Action.DELETION, agreement.code, agreement.code,
                {"échec": type(error).__name__, "reprise": "à la prochaine purge quotidienne"})
    return certificates


def _delete(agreement: Agreement):

    ring = key_ring()
    store = agreement_store(agreement, ring)
    destroyed = store.destroy()
    keys_destroyed = ring.destroy(agreement.code)
    now = timezone.now()
    with transaction.atomic():
        deposits = agreement.deposits.filter(status=Deposit.Status.ACCEPTED, deleted_at__isnull=True)
        rows = sum(deposits.values_list("rows", flat=True))
        deposit_count = deposits.update(deleted_at=now)
        for deposit in agreement.deposits.all():  # reports keep their counts, not their messages
            deposit.report = {key: value for key, value in (deposit.report or {}).items()
                              if key not in ("errors", "warnings", "columns")}
            deposit.save(update_fields=["report"])
        erased_outputs = _erase_results(agreement)
        released = agreement.outputs.filter(status=Output.Status.RELEASED).count()
        facts = {
            "fichiers effacés": destroyed.as_json(),
            "dépôts effacés": deposit_count, "lignes effacées": rows,
            "clés détruites": keys_destroyed,
            "résultats de sorties non publiées effacés": erased_outputs,
            "sorties publiées conservées": released,
        }
        agreement.status, agreement.data_deleted_at = Agreement.Status.EXPIRED, now
        agreement.save(update_fields=["status", "data_deleted_at"])
        entry = log("système", JournalEntry.Action.DELETION, agreement.code, agreement.code, facts)
        return DeletionCertificate.objects.create(agreement=agreement, deleted_at=now,
                                                  facts=entry.details, journal_hash=entry.hash)


def _erase_results(agreement: Agreement) -> int:
    """Unreleased outputs lose their result; released (or withdrawn) ones keep their published
    cells and the audit's verdict only. How many outputs were unreleased."""
    kept = (Output.Status.RELEASED, Output.Status.WITHDRAWN)
    for output in agreement.outputs.filter(status__in=kept).exclude(result=None):
        audit = {key: value for key, value in output.result.get("audit", {}).items()
                 if key != "cellules"}
        output.result = {**output.result, "audit": audit}
        output.save(update_fields=["result"])
    return agreement.outputs.exclude(status__in=kept).exclude(result=None).update(result=None)
