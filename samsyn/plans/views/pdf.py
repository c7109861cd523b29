"""The plan as a PDF with fpdf2 (pure Python): the same content as the print page.

The text is set in DejaVu Sans, embedded from `samsyn/plans/fonts/`, so every name a Swedish
register holds prints as written: "Łukasz Şahin" as well as Arabic script, which HarfBuzz
(`uharfbuzz`) joins and sets right to left. PDF's built-in fonts know only Latin-1.
"""

from __future__ import annotations

from pathlib import Path

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from samsyn.plans.models import PlanVersion

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "DejaVuSans"


class _Document(FPDF):
    def __init__(self, *, marking: str):
        super().__init__(format="A4")
        self.marking = marking
        self.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_text_shaping(True)

    def footer(self):
        # On every page: a loose page still says which version it belongs to.
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.cell(0, 5, f"{self.marking} - {self.page_no()}/{{nb}}", align="C")


def render_plan(*, case, view, parties, for_guardians: bool) -> bytes:
    version = view.version
    marking = _document_marking(version)
    pdf = _Document(marking=marking)
    pdf.set_title(_("Coordinated individual plan (SIP)"))
    pdf.set_creator("Samsyn")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()

    def line(text, *, size=10, style="", gap=1.5):
        pdf.set_font(FAMILY, style, size)
        pdf.multi_cell(0, size * 0.5, str(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(gap)

    line(_("Coordinated individual plan (SIP)"), size=16, style="B")
    line(marking, style="B")
    if version.no_meeting_reason:
        line(
            _("Finalised without a held SIP meeting (SIP-10), because: %(reason)s")
            % {"reason": version.no_meeting_reason}
        )
    if for_guardians:
        line(_("Copy for the child and the guardians."))
    # Whose plan it is, who holds it and how to reach everyone: as plan/_contacts.html.
    line(_("Child: %(name)s") % {"name": case.child.name}, gap=0)
    line(_("Identity number: %(number)s") % {"number": case.child.identity_display}, gap=0)
    holder = case.coordinator_organisation
    line(
        _("Overall responsibility: %(organisation)s")
        % {"organisation": f"{holder} ({holder.principal})" if holder else "-"},
        gap=0,
    )
    line(_("Coordinator: %(coordinator)s") % {"coordinator": _coordinator(case)}, gap=0)
    line(_("Next follow-up: %(date)s") % {"date": version.follow_up_on or "-"}, gap=3)
    line(_("Taking part, and how to reach them"), size=13, style="B")
    for organisation in parties:
        reach = [str(organisation)]
        if organisation.phone:
            reach.append(_("Phone: %(phone)s") % {"phone": organisation.phone})
        if organisation.contact_route:
            reach.append(organisation.contact_route)
        line("\n  ".join(reach), gap=2)
    pdf.ln(2)
    sections = [
        (_("Needs"), view.needs), (_("Goals"), view.goals), (_("Efforts (insatser)"), view.efforts),
        (_("Measures by others (school, police …)"), view.measures),
    ]  # fmt: skip
    for title, items in sections:
        line(title, size=13, style="B")
        if not items:
            line(_("None recorded."))
        for item in items:
            text = f"- {item.text}"
            details = []
            if getattr(item, "need", None):
                details.append(_("Need: %(need)s") % {"need": item.need.text})
            if item.responsible_principal or item.responsible_organisation:
                details.append(
                    _("Responsible: %(who)s")
                    % {
                        "who": " / ".join(
                            str(x)
                            for x in (item.responsible_organisation, item.responsible_principal)
                            if x
                        )
                    }
                )
            if item.responsible_other:
                details.append(_("Responsible: %(who)s") % {"who": item.responsible_other})
            if item.hidden_from_guardians:
                details.append(_("Hidden from guardians (OSL 12 kap. 3 §)"))
            line(text + ("\n  " + "; ".join(details) if details else ""), gap=2)
        if items is view.measures and version.no_measures_by_others:
            line(_("No measures by others than the municipality and the region."))
        pdf.ln(2)
    line(_("The child's own view"), size=13, style="B")
    line(
        version.child_view
        or _("Not obtained: %(reason)s") % {"reason": version.child_view_missing_reason or "-"},
        gap=4,
    )
    line(_("Follow-up"), size=13, style="B")
    line(_("Date: %(date)s") % {"date": version.follow_up_on or "-"})
    line(_("How: %(how)s") % {"how": version.follow_up_how or "-"})
    return bytes(pdf.output())


def _coordinator(case) -> str:
    coordinator = case.coordinator
    if coordinator is None:
        return _("No coordinator yet.")
    parts = [coordinator.name + (f", {coordinator.title}" if coordinator.title else "")]
    if coordinator.phone:
        parts.append(_("Phone: %(phone)s") % {"phone": coordinator.phone})
    if coordinator.email:
        parts.append(_("E-mail: %(email)s") % {"email": coordinator.email})
    return "; ".join(parts)


def _document_marking(version: PlanVersion) -> str:
    """Every copy says which version it is and whether, and when, it was finalised."""
    if version.finalised_at:
        return _("Version %(number)d, finalised %(date)s") % {
            "number": version.number,
            "date": formats.date_format(timezone.localtime(version.finalised_at), "Y-m-d"),
        }
    return _("Version %(number)d, draft - not finalised") % {"number": version.number}
