"""The writes of `make load` (a deadline day): what scripts/locustfile.py may write, prepared so
that every write it makes is one the portal accepts, again and again for the whole run.

- Unit staff save and submit reports (R5.2): obligations of their unit whose report is not
  started, a draft or returned (editable: saved as often as wanted, then submitted), or submitted
  (for the office to accept or return; a returned report is editable again).
- Unit staff claim adoptions (R6.2): an outlet that scores for their unit, published today in an
  open period; each claim has a title of its own. The office verifies or rejects the claims made
  during the run.

The locust process hands each target to one client at a time, so two clients never race for the
same report.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from creation.models import CreationUnit
from reporting.models import Obligation, Submission
from scoring.models import MediaOutlet

# Enough that the run never runs out: submitted reports come back when the office returns them,
# accepted ones leave the run (about one review in four).
REPORTS_PER_UNIT = 80


def report_targets(unit_id: int, *, now=None) -> dict[str, list[int]]:
    """Obligations of the unit whose report can be written (`editable`) or reviewed
    (`submitted`), those due nearest to today first (a deadline day)."""
    now = now or timezone.now()
    obligations = (
        Obligation.objects.filter(unit_id=unit_id)
        .exclude(submission__status=Submission.Status.ACCEPTED)
        .values_list("pk", "submission__status", "due_at")
    )
    rows = sorted(obligations, key=lambda row: abs(row[2] - now))
    targets: dict[str, list[int]] = {"editable": [], "submitted": []}
    for pk, status, _due in rows[:REPORTS_PER_UNIT]:
        kind = "submitted" if status == Submission.Status.SUBMITTED else "editable"
        targets[kind].append(pk)
    return targets


def claim_target(unit: CreationUnit) -> dict[str, Any] | None:
    """An outlet that scores for the unit (not a generic one, which needs the actual outlet's
    name) and today's date, or None when there is none."""
    outlets = (
        MediaOutlet.objects.filter(active=True, generic=False)
        .usable_in(unit.batch.programme_id)
        .order_by("sort_order", "pk")
    )
    for outlet in outlets:
        if outlet.tier_for(unit.level) is not None:
            return {"outlet_id": outlet.pk, "published_on": timezone.localdate().isoformat()}
    return None


def write_targets(staff_units: dict[int, str]) -> dict[str, Any]:
    """For each unit whose staff has a session (unit id -> session cookie): its reports and its
    claim; the office reviewer of the plan reviews them."""
    units = CreationUnit.objects.filter(pk__in=staff_units).select_related("batch")
    staff = []
    for unit in units.order_by("pk"):
        staff.append(
            {
                "unit_id": unit.pk,
                "session": staff_units[unit.pk],
                "reports": report_targets(unit.pk),
                "claim": claim_target(unit),
            }
        )
    return {"staff": staff}
