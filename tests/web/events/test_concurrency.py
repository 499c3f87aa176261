"""200 people register at once for 50 places (PostgreSQL: real concurrent transactions, each
locking the event's row): exactly 50 confirmed, 150 on the waiting list, nobody lost."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connection

from quartiers.web.events.models import Registration
from quartiers.web.events.registration import Applicant, register

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="concurrent transactions: PostgreSQL only (make test)")
def test_200_concurrent_registrations_for_50_places(event_factory):
    event = event_factory(capacity=50)

    def one(n: int) -> str:
        try:
            return register(event, Applicant(f"concurrent{n}@exemple.test", "Personne",
                                             f"D'essai {n}"), source="test").status
        finally:
            close_old_connections()
            connection.close()

    with ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(pool.map(one, range(200)))
    assert statuses.count(Registration.Status.CONFIRMED) == 50
    assert statuses.count(Registration.Status.WAITING) == 150
    rows = Registration.objects.filter(event=event)
    assert rows.count() == 200
    assert rows.filter(status=Registration.Status.CONFIRMED).count() == 50
