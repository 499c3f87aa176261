"""The trusted third party's background work: outputs computed off the request, and the daily
deletion of the data whose agreement has reached its retention end."""

from __future__ import annotations

from django_tasks import task


@task()
def compute_output(output_id: int) -> str:
    """Run an output's recipe; its new status (French)."""
    from .models import Output
    from .services import compute

    output = Output.objects.filter(pk=output_id, status=Output.Status.COMPUTING).first()
    if output is None:  # already computed, or its agreement's data deleted in between
        return ""
    return compute(output).get_status_display()


@task()
def purge_expired_agreements() -> str:
    """Daily: delete the data of the agreements past their retention end."""
    from .services import delete_expired

    certificates = delete_expired()
    return f"{len(certificates)} convention(s) arrivée(s) à échéance : données effacées"
