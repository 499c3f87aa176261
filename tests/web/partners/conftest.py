"""The trusted third party's tests: stores, keys and releases in the test's own folders, and an
agreement in force for a partner with one member."""

from __future__ import annotations

import pytest

from .factories import AgreementFactory, partner_member


@pytest.fixture(autouse=True)
def partners_dirs(settings, tmp_path):
    """Stores, keys and the releases for the next build, apart for each test."""
    settings.QUARTIERS = settings.QUARTIERS.with_options(
        partners_store=tmp_path / "tiers" / "donnees", partners_keys=tmp_path / "tiers-cles",
        imports_dir=tmp_path / "imports")
    return settings.QUARTIERS


@pytest.fixture
def agreement(staff_user):
    """An agreement in force (activated by the staff: its keys exist) for the public posts."""
    from quartiers.web.partners.services import activate

    return activate(AgreementFactory(signed=True), staff_user)


@pytest.fixture
def member(agreement):
    """A member of the agreement's partner."""
    return partner_member(agreement.partner, email="membre@exemple.test")
