"""What the discharge walks share: a county's inpatient unit with its outpatient sister unit and
the social services of the child's municipality, and the inpatient unit's first steps in the
browser, registering the admission and sending its notices (UTS-1)."""

from __future__ import annotations

import datetime

from playwright.sync_api import Page, expect
from staff import heading, sv

from samsyn.directory.models import Organisation, Principal
from samsyn.directory.tests.factories import PrincipalFactory, UnitFactory
from samsyn.discharge.models import Admission, Notice


def discharge_units() -> dict:
    """The child's municipality (`municipality`) and the `inpatient`, `outpatient` and `social`
    units."""
    region = PrincipalFactory(kind=Principal.Kind.REGION, name="Region Örebro län", code="18")
    municipality = PrincipalFactory(name="Örebro kommun", code="1880")
    inpatient = UnitFactory(
        name="BUP heldygnsvård", organisation__principal=region,
        organisation__kind=Organisation.Kind.BUP, organisation__name="BUP Region Örebro län",
    )  # fmt: skip
    outpatient = UnitFactory(name="BUP Örebro öppenvård", organisation=inpatient.organisation)
    social = UnitFactory(
        name="Barn och unga – mottagning", organisation__principal=municipality,
        organisation__kind=Organisation.Kind.SOCIAL_SERVICES,
        organisation__name="Socialtjänsten Örebro",
    )  # fmt: skip
    return {
        "municipality": municipality, "inpatient": inpatient, "outpatient": outpatient,
        "social": social,
    }  # fmt: skip


def admit_and_notify(
    page: Page, check, child, units: dict, *, admitted: datetime.datetime,
    expected: datetime.date,
) -> Admission:  # fmt: skip
    """From the inpatient clinician's start page: register the child's admission and send the
    notice to `units`' social and outpatient units, axe-checking every page."""
    page.get_by_role("link", name=sv("Admitted children"), exact=True).click()
    expect(heading(page)).to_have_text(sv("Admitted children"))
    check(page)
    page.get_by_role("link", name=sv("Register an admission")).click()
    check(page)
    page.get_by_label(sv("The child's identity number")).fill(child.identity_display)
    page.get_by_label(sv("Admitted"), exact=True).fill(admitted.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label(sv("Expected discharge"), exact=True).fill(expected.isoformat())
    page.get_by_role("button", name=sv("Register the admission")).click()
    expect(heading(page)).to_contain_text(child.name)
    check(page)
    page.get_by_label(sv("Social services of the child's municipality")).select_option(
        str(units["social"].pk)
    )
    page.get_by_label(sv("The region's outpatient unit")).select_option(str(units["outpatient"].pk))
    page.get_by_role("button", name=sv("Send the admission notice")).click()
    expect(page.get_by_text(sv("The admission notice is sent."))).to_be_visible()
    check(page)
    admission = Admission.objects.get(child=child)
    assert admission.notices.filter(kind=Notice.Kind.ADMISSION).count() == 2
    return admission
