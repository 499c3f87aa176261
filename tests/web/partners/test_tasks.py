"""The trusted third party's background work: the daily purge is declared to the scheduler and
deletes what has reached its end; an output computed by the worker waits for review."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from quartiers.web.partners import services
from quartiers.web.partners.models import Agreement, DeletionCertificate, Output
from quartiers.web.partners.tasks import compute_output, purge_expired_agreements
from quartiers.web.schedule.services import declared

POSTS = (Path(__file__).parent / "fixtures" / "postes_fichier_essai.csv").read_bytes()


def test_the_purge_is_scheduled_daily():
    [scheduled] = [s for s in declared() if s.app_label == "partners"]
    assert scheduled.task_path == "quartiers.web.partners.tasks.purge_expired_agreements"
    assert scheduled.every == timedelta(days=1)


@pytest.mark.django_db
def test_the_daily_purge_deletes_agreements_at_their_end(agreement, member, run_tasks):
    services.deposit(agreement, member, "postes_fichier_essai.csv", POSTS)
    store = services.agreement_store(agreement).path
    purge_expired_agreements.enqueue()
    run_tasks()
    assert store.exists() and not DeletionCertificate.objects.exists()

    Agreement.objects.filter(pk=agreement.pk).update(ends_on=timezone.localdate())
    purge_expired_agreements.enqueue()
    run_tasks()
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.EXPIRED and not store.exists()
    assert DeletionCertificate.objects.get().agreement == agreement


@pytest.mark.django_db
def test_an_output_whose_agreement_expired_meanwhile_fails_with_a_reason(agreement, staff_user,
                                                                         member, run_tasks):
    services.deposit(agreement, member, "postes_fichier_essai.csv", POSTS)
    output = services.request_output(agreement, "postes", staff_user)
    Agreement.objects.filter(pk=agreement.pk).update(ends_on=timezone.localdate())
    run_tasks()
    output.refresh_from_db()
    assert output.status == Output.Status.FAILED
    assert "n'est plus en vigueur" in output.error
    assert compute_output.call(output.pk) == ""  # computed once only
