"""Supervision in the scope world (R4): for every unit a completed inspection with a checklist
item, a finding with evidence and its rectification item submitted by the unit (with evidence and
its history), a second inspection whose feedback letter was sent, and a submitted half-yearly
self-inspection. Visible exactly when the unit is; the office of the unit's programme runs the
inspections and reviews rectification, the unit's own staff submit it."""

from datetime import date, timedelta

from creation.tests.factories import minutes_pdf
from inspections.models import FindingEvidence, Inspection, RectificationEvent
from inspections.tests.factories import (
    ChecklistItemFactory,
    FeedbackLetterFactory,
    FindingFactory,
    RectificationEvidenceFactory,
    RectificationFactory,
    SelfInspectionFactory,
    SelfInspectionItemFactory,
    SelfInspectionObligationFactory,
    TeamMemberFactory,
)
from reporting.tests.factories import SubmissionFactory

# models keyed like the units (one record per unit)
PER_UNIT = (
    "inspections",
    "inspection_units",
    "office_inspections",
    "findings",
    "finding_evidence",
    "rectifications",
    "rectification_evidence",
    "rectification_events",
    "letters",
    "self_inspections",
    "self_inspection_obligations",
    "office_self_inspections",
)


def _reporting_keys(unit_keys: set[str], model: str) -> set[str]:
    suffixes = ("self_inspection", "next") if model == "obligations" else ("self_inspection",)
    return {f"{key}/{suffix}" for key in unit_keys for suffix in suffixes}


def extend(world) -> None:
    units = world.objects["units"]
    records: dict[str, dict] = {model: {} for model in (*PER_UNIT, "all_inspections")}
    for key, unit in units.items():
        inspection = Inspection.objects.create(
            unit=unit,
            planned_start=date(2026, 5, 11),
            planned_end=date(2026, 5, 13),
            held_start=date(2026, 5, 11),
            held_end=date(2026, 5, 13),
            leader_name="李明",
            leader_position="公共服务司副司长",
            scope="组织领导、设施网络、服务供给",
            status=Inspection.Status.COMPLETED,
        )
        TeamMemberFactory(inspection=inspection)
        ChecklistItemFactory(inspection=inspection)
        finding = FindingFactory(inspection=inspection)
        evidence = FindingEvidence.objects.create(
            finding=finding, file=minutes_pdf("检查记录.pdf"), name="检查记录.pdf"
        )
        rectification = RectificationFactory(finding=finding, status="submitted", report="已整改")
        event = RectificationEvent.objects.create(
            rectification=rectification,
            at=inspection.created_at + timedelta(days=1),
            from_status="open",
            to_status="submitted",
            comment="已整改",
        )
        letter = FeedbackLetterFactory(inspection__unit=unit)
        self_inspection = SelfInspectionFactory(unit=unit)
        SelfInspectionItemFactory(self_inspection=self_inspection, result="met")
        submitted_at = self_inspection.obligation.due_at - timedelta(days=2)
        SubmissionFactory(
            obligation=self_inspection.obligation,
            title="2026年上半年自查报告",
            status="submitted",
            first_submitted_at=submitted_at,
            submitted_at=submitted_at,
            is_late=False,
        )
        records["inspections"][key] = inspection
        records["inspection_units"][key] = unit
        records["office_inspections"][key] = inspection
        records["findings"][key] = finding
        records["finding_evidence"][key] = evidence
        records["rectifications"][key] = rectification
        records["rectification_evidence"][key] = RectificationEvidenceFactory(
            rectification=rectification
        )
        records["rectification_events"][key] = event
        records["letters"][key] = letter
        records["self_inspections"][key] = self_inspection
        # the next half year's self-inspection, not written yet
        records["self_inspection_obligations"][key] = SelfInspectionObligationFactory(
            unit=unit,
            period_start=date(2026, 7, 1),
            period_end=date(2026, 12, 31),
            period_label="2026H2",
            due_at=self_inspection.obligation.due_at + timedelta(days=184),
        )
        records["office_self_inspections"][key] = self_inspection
        records["all_inspections"][f"{key}/completed"] = inspection
        records["all_inspections"][f"{key}/sent"] = letter.inspection
    world.objects.update(records)
    # The self-inspections' obligations and reports are reporting's too: they join the world's
    # obligations and submissions, keyed "<unit>/self_inspection" (and "<unit>/next" for the
    # half year not written yet), so that reporting's lists and actions count them.
    for key in units:
        self_inspection = records["self_inspections"][key]
        world.objects["obligations"][f"{key}/self_inspection"] = self_inspection.obligation
        world.objects["obligations"][f"{key}/next"] = records["self_inspection_obligations"][key]
        world.objects["submissions"][f"{key}/self_inspection"] = (
            self_inspection.obligation.submission
        )

    for role in list(world.expected):
        seen = set(world.expected[role]["units"])
        world.expected[role] = {
            **world.expected[role],
            **{model: set(seen) for model in PER_UNIT},
            "all_inspections": {
                f"{key}/{state}" for key in seen for state in ("completed", "sent")
            },
            "obligations": world.expected[role]["obligations"]
            | _reporting_keys(seen, "obligations"),
            "submissions": world.expected[role]["submissions"]
            | _reporting_keys(seen, "submissions"),
        }
    for permissions in world.editable.values():
        for model in ("obligations", "submissions", "reviews"):
            if model in permissions:
                unit_keys = {key for key in permissions[model] if "/" not in key}
                permissions[model] = permissions[model] | _reporting_keys(
                    unit_keys, "submissions" if model == "reviews" else model
                )

    def allow(role: str, **permissions: set[str]) -> None:
        world.editable[role] = {
            **world.editable.get(role, {}),
            **{name: set(keys) for name, keys in permissions.items()},
        }

    everything = set(units)
    national = {"own", "sibling", "other"}
    # The unit's own staff write its self-inspection and submit its rectification.
    allow(
        "unit_staff",
        self_inspection_obligations={"own"},
        rectification_submit={"own"},
        self_inspection_submit={"own"},
    )
    # The office of the unit's programme plans, inspects, reviews rectification, compares.
    allow(
        "office",
        inspection_units=national,
        office_inspections=national,
        rectification_review=national,
        office_self_inspections=national,
    )
    allow(
        "superuser",
        inspection_units=everything,
        office_inspections=everything,
        rectification_review=everything,
        office_self_inspections=everything,
        self_inspection_obligations=everything,
        rectification_submit=everything,
        self_inspection_submit=everything,
    )
    # Anyone in scope (read-only accounts aside) may ask for a letter's PDF or Word file.
    for role in world.expected:
        if role not in world.read_only_roles:
            allow(role, letter_requests=set(world.expected[role]["units"]))
