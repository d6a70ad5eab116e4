"""Writes of funds, one transaction each: fund-use plans and their versions, the parallel
provincial review and the office's filing (R3.2), ring-fenced spending (专款专用, R3.2) and the
half-yearly fund report through the reporting workflow (R3.3).

Money-in records (central allocations, local funds) are plain unit records, written through
`creation.services.unit_record_save` like the R1/R2 records.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from creation.models import CreationUnit, RoleAssignment
from creation.rules import Period
from creation.scope import user_scope
from funds.models import (
    BudgetLine,
    Expenditure,
    FundCategory,
    FundPlan,
    FundPlanVersion,
    PlanDecision,
)
from funds.rules import (
    PROVINCIAL_STAGES,
    R3_1_CATEGORIES,
    Outcome,
    PlanStatus,
    Refusal,
    Stage,
    may_decide,
    money,
    spending_refusal,
    status_after_decisions,
)
from funds.selectors import fund_report_obligation, half_year_report, report_text
from portal.exceptions import ConflictError
from portal.services import notification_send, notifications_done
from reporting.services import submission_save, submission_submit

Role = RoleAssignment.Role
VERSION_FIELDS = ("summary", "central_rules", "local_rules")
LINE_FIELDS = ("source", "category", "amount", "purpose", "expected_effect", "sort_order")


def _save(instance: Any) -> Any:
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def fund_categories_ensure() -> list[FundCategory]:
    """Make sure the six R3.1 categories exist (as the migration seeded them); categories the
    office changed or added are left as they are."""
    return [
        FundCategory.objects.get_or_create(
            code=code,
            defaults={"name": name, "description": description, "sort_order": order},
        )[0]
        for code, name, description, order in R3_1_CATEGORIES
    ]


# --- Who may do what --------------------------------------------------------------------------


def _province_of(unit: CreationUnit) -> Any:
    return unit.region.province_region


def _require_staff(user: Any, unit: CreationUnit) -> None:
    if not user_scope(user).can_edit_unit(unit.pk):
        raise PermissionDenied(_("Only the unit's own staff can change its funds."))


def review_stages(*, user: Any, unit: CreationUnit) -> list[str]:
    """The provincial stages (finance, culture) the user decides for the unit: those of their
    provincial reviewer roles in the unit's province. Superusers hold both; read-only accounts
    none."""
    scope = user_scope(user)
    if scope.read_only:
        return []
    if scope.everything:
        return [str(stage) for stage in PROVINCIAL_STAGES]
    departments = set(
        RoleAssignment.objects.filter(
            user=user, role=Role.PROVINCIAL_REVIEWER, province=_province_of(unit)
        ).values_list("department", flat=True)
    )
    return [str(stage) for stage in PROVINCIAL_STAGES if stage in departments]


def can_file(*, user: Any, unit: CreationUnit) -> bool:
    """The office of the unit's programme files its plans."""
    return user_scope(user).can_run_programme(unit.batch.programme_id)


# --- Notifications ------------------------------------------------------------------------------


def _plan_link(version: FundPlanVersion) -> str:
    return reverse("funds:plan-detail", kwargs={"pk": version.plan_id})


def _unit_staff(unit: CreationUnit) -> list[Any]:
    return list(
        get_user_model().objects.filter(
            role_assignments__unit=unit, role_assignments__role=Role.UNIT_STAFF
        )
    )


def _provincial_reviewers(unit: CreationUnit) -> list[Any]:
    return list(
        get_user_model()
        .objects.filter(
            role_assignments__role=Role.PROVINCIAL_REVIEWER,
            role_assignments__province=_province_of(unit),
            role_assignments__department__in=[str(s) for s in PROVINCIAL_STAGES],
        )
        .distinct()
    )


def _office_reviewers(unit: CreationUnit) -> list[Any]:
    return list(
        get_user_model()
        .objects.filter(
            role_assignments__role=Role.OFFICE_REVIEWER,
            role_assignments__programme=unit.batch.programme_id,
        )
        .distinct()
    )


def _notify(version: FundPlanVersion, recipients: list[Any], title: str, body: str = "") -> None:
    notification_send(
        recipients=recipients,
        title=title,
        body=body,
        link=_plan_link(version),
        key=_notice_key(version.pk, version.status),
    )


def _notice_key(version_id: int, status: str) -> str:
    return f"fund-plan-version-{version_id}-{status}"


def _notices_done(
    version_ids: list[int], status: str, now: datetime, recipient: Any = None
) -> None:
    """The notices of a state the versions have left (or that `recipient` has acted on) are no
    longer new."""
    notifications_done(
        key_prefixes=[_notice_key(pk, status) for pk in version_ids], recipient=recipient, now=now
    )


# --- Plans and versions ---------------------------------------------------------------------------


def _locked_version(version: FundPlanVersion) -> FundPlanVersion:
    return (
        FundPlanVersion.objects.select_for_update(of=("self",))
        .select_related("plan__unit__region__province", "plan__unit__batch")
        .get(pk=version.pk)
    )


def _require_draft(version: FundPlanVersion) -> None:
    if version.status != PlanStatus.DRAFT:
        raise ValidationError(
            _("Version %(number)s is no longer a draft: it can no longer be changed.")
            % {"number": version.number}
        )


def _attach_rules(version: FundPlanVersion, fields: dict[str, Any]) -> None:
    upload = fields.get("rules_file")
    if upload:
        version.rules_file = upload
        version.rules_file_name = upload.name[:200]


@transaction.atomic
def fund_plan_create(
    *, user: Any, unit: CreationUnit, title: str, fields: dict[str, Any] | None = None
) -> FundPlan:
    """Start a fund-use plan: the plan and its first version, a draft."""
    _require_staff(user, unit)
    plan = _save(FundPlan(unit=unit, title=title))
    version = FundPlanVersion(plan=plan, number=1)
    for name in VERSION_FIELDS:
        setattr(version, name, (fields or {}).get(name, ""))
    _attach_rules(version, fields or {})
    _save(version)
    return plan


@transaction.atomic
def fund_plan_version_update(
    *, user: Any, version: FundPlanVersion, fields: dict[str, Any]
) -> FundPlanVersion:
    """Change a draft's scope and management rules (text, or a new rules file)."""
    version = _locked_version(version)
    _require_staff(user, version.plan.unit)
    _require_draft(version)
    for name in VERSION_FIELDS:
        if name in fields:
            setattr(version, name, fields[name])
    _attach_rules(version, fields)
    return _save(version)


@transaction.atomic
def budget_line_save(
    *,
    user: Any,
    version: FundPlanVersion,
    fields: dict[str, Any],
    line: BudgetLine | None = None,
) -> BudgetLine:
    """Add a budget line to a draft, or change one. Central lines only in the R3.1 categories."""
    version = _locked_version(version)
    _require_staff(user, version.plan.unit)
    _require_draft(version)
    if line is None:
        line = BudgetLine(version=version)
    elif line.version_id != version.pk:
        raise ValidationError(_("A budget line cannot move to another version."))
    for name in LINE_FIELDS:
        if name in fields:
            setattr(line, name, fields[name])
    return _save(line)


class BudgetLinesInvalid(ValidationError):
    """The problems of lines saved together, each line's under its position in the rows given,
    so that a page shows every line's problems at once."""

    def __init__(self, by_row: dict[int, ValidationError]) -> None:
        super().__init__([message for error in by_row.values() for message in error.messages])
        self.by_row = by_row


@transaction.atomic
def budget_lines_save(
    *,
    user: Any,
    version: FundPlanVersion,
    rows: list[tuple[BudgetLine | None, dict[str, Any]]],
    deleted: Sequence[BudgetLine] = (),
) -> list[BudgetLine]:
    """Save a draft's lines entered together (new ones where the line is None), in the order
    given, and delete the `deleted` ones: all or nothing, with every line's problems reported."""
    for line in deleted:
        budget_line_delete(user=user, line=line)
    saved: list[BudgetLine] = []
    problems: dict[int, ValidationError] = {}
    for position, (line, fields) in enumerate(rows):
        try:
            with transaction.atomic():
                saved.append(
                    budget_line_save(
                        user=user,
                        version=version,
                        line=line,
                        fields={**fields, "sort_order": position},
                    )
                )
        except ValidationError as error:
            problems[position] = error
    if problems:
        raise BudgetLinesInvalid(problems)
    return saved


@transaction.atomic
def budget_line_delete(*, user: Any, line: BudgetLine) -> None:
    version = _locked_version(line.version)
    _require_staff(user, version.plan.unit)
    _require_draft(version)
    line.delete()


def _check_complete(version: FundPlanVersion) -> None:
    errors: dict[str, list[str]] = {}
    lines = list(version.lines.select_related("category"))
    if not lines:
        errors.setdefault("lines", []).append(_("Add at least one budget line before submitting."))
    if not (version.central_rules.strip() and version.local_rules.strip()) and not (
        version.rules_file
    ):
        errors.setdefault("central_rules", []).append(
            _(
                "R3.2: write the management rules for both the central subsidy and the local "
                "funds, or attach them as a file."
            )
        )
    for line in lines:
        try:
            line.full_clean()
        except ValidationError as error:
            errors.setdefault("lines", []).extend(
                f"{line.purpose}: {message}" for message in error.messages
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def fund_plan_version_submit(
    *, user: Any, version: FundPlanVersion, now: datetime | None = None
) -> FundPlanVersion:
    """Submit a draft: it goes to the provincial finance and culture reviewers at the same time,
    who are told so."""
    now = now or timezone.now()
    version = _locked_version(version)
    unit = version.plan.unit
    _require_staff(user, unit)
    _require_draft(version)
    _check_complete(version)
    version.status = PlanStatus.IN_REVIEW
    version.submitted_at, version.submitted_by = now, user
    version.full_clean()
    version.save(update_fields=["status", "submitted_at", "submitted_by"])
    # The unit acted on the returns of the earlier versions.
    earlier = list(version.plan.versions.exclude(pk=version.pk).values_list("pk", flat=True))
    _notices_done(earlier, PlanStatus.RETURNED, now)
    _notify(
        version,
        _provincial_reviewers(unit),
        _("Fund-use plan to review: %(unit)s, %(plan)s") % {"unit": unit.name, "plan": version},
    )
    return version


def _decide(
    *,
    user: Any,
    version: FundPlanVersion,
    stage: str,
    outcome: str,
    comment: str,
    now: datetime,
) -> FundPlanVersion:
    if outcome not in (Outcome.APPROVED, Outcome.RETURNED):
        raise ValidationError({"outcome": _("Approve or return the plan.")})
    if outcome == Outcome.RETURNED and not comment.strip():
        raise ValidationError({"comment": _("Say what the unit should change.")})
    decided = set(version.decisions.values_list("stage", flat=True))
    if not may_decide(status=version.status, stage=stage, decided=decided):
        if stage in decided:
            raise ConflictError(_("Your department has already decided on this version."))
        raise ValidationError(
            _("This version is %(status)s: it cannot be decided on now.")
            % {"status": version.get_status_display()}
        )
    decision = PlanDecision(
        version=version,
        stage=stage,
        outcome=outcome,
        comment=comment.strip(),
        decided_by=user,
        decided_at=now,
    )
    try:
        with transaction.atomic():
            _save(decision)
    except IntegrityError:  # a concurrent decision of the same stage came first
        raise ConflictError(_("Your department has already decided on this version.")) from None
    outcomes = dict(version.decisions.values_list("stage", "outcome"))
    version.status = status_after_decisions(outcomes)
    if version.status in (PlanStatus.RETURNED, PlanStatus.FILED):
        version.closed_at = now
    version.full_clean()
    version.save(update_fields=["status", "closed_at"])
    return version


@transaction.atomic
def fund_plan_version_decide(
    *,
    user: Any,
    version: FundPlanVersion,
    outcome: str,
    comment: str = "",
    stage: str | None = None,
    now: datetime | None = None,
) -> FundPlanVersion:
    """R3.2: the provincial finance or culture department approves or returns a version under
    review. `stage` is the reviewer's department (needed only when they hold both). Both
    approvals send it to the office; any return sends it back to the unit."""
    now = now or timezone.now()
    version = _locked_version(version)  # the two departments decide one after the other
    unit = version.plan.unit
    stages = review_stages(user=user, unit=unit)
    if not stages:
        raise PermissionDenied(
            _("Only the provincial finance and culture reviewers of the unit's province decide.")
        )
    if stage is None and len(stages) == 1:
        stage = stages[0]
    if stage not in stages:
        raise ValidationError({"stage": _("Choose the department you decide for.")})
    version = _decide(
        user=user, version=version, stage=stage, outcome=outcome, comment=comment, now=now
    )
    # The notice to review is done for whoever decided, and for both departments once the
    # version has left the review.
    in_review = version.status == PlanStatus.IN_REVIEW
    _notices_done([version.pk], PlanStatus.IN_REVIEW, now, recipient=user if in_review else None)
    if version.status == PlanStatus.RETURNED:
        _notify(
            version,
            _unit_staff(unit),
            _("Fund-use plan returned: %(plan)s") % {"plan": version},
            comment,
        )
    elif version.status == PlanStatus.AWAITING_FILING:
        _notify(
            version,
            _office_reviewers(unit),
            _("Fund-use plan to file: %(unit)s, %(plan)s") % {"unit": unit.name, "plan": version},
        )
    return version


@transaction.atomic
def fund_plan_version_file(
    *,
    user: Any,
    version: FundPlanVersion,
    outcome: str = Outcome.APPROVED,
    comment: str = "",
    now: datetime | None = None,
) -> FundPlanVersion:
    """R3.2: the office files (备案) a version both provincial departments approved, or returns
    it to the unit. Once filed, money may be spent on its lines."""
    now = now or timezone.now()
    version = _locked_version(version)
    unit = version.plan.unit
    if not can_file(user=user, unit=unit):
        raise PermissionDenied(_("Only the programme's office files fund-use plans."))
    version = _decide(
        user=user, version=version, stage=Stage.OFFICE, outcome=outcome, comment=comment, now=now
    )
    _notices_done([version.pk], PlanStatus.AWAITING_FILING, now)
    title = (
        _("Fund-use plan filed: %(plan)s")
        if version.status == PlanStatus.FILED
        else _("Fund-use plan returned: %(plan)s")
    )
    _notify(version, _unit_staff(unit), title % {"plan": version}, comment)
    return version


@transaction.atomic
def fund_plan_revise(*, user: Any, plan: FundPlan) -> FundPlanVersion:
    """Start the next version of a returned plan: a draft copy of the returned version with its
    lines, to change and submit again. The returned version and its decisions stay as history."""
    plan = FundPlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)
    _require_staff(user, plan.unit)
    latest = plan.versions.order_by("-number").first()
    if latest is None or latest.status != PlanStatus.RETURNED:
        raise ValidationError(
            _("Only a returned plan gets a new version; this one is %(status)s.")
            % {"status": latest.get_status_display() if latest else "—"}
        )
    version = FundPlanVersion(
        plan=plan,
        number=latest.number + 1,
        rules_file=latest.rules_file.name,
        rules_file_name=latest.rules_file_name,
        **{name: getattr(latest, name) for name in VERSION_FIELDS},
    )
    _save(version)
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(
                version=version,
                source=line.source,
                category_id=line.category_id,
                amount=line.amount,
                purpose=line.purpose,
                expected_effect=line.expected_effect,
                sort_order=line.sort_order,
            )
            for line in latest.lines.all()
        ]
    )
    return version


# --- Spending -------------------------------------------------------------------------------------


def refusal_message(refusal: Refusal, line: BudgetLine, amount: Decimal) -> dict[str, str]:
    if refusal == Refusal.NOT_POSITIVE:
        return {"amount": _("The amount must be more than zero.")}
    if refusal == Refusal.NOT_FILED:
        return {
            "line": _(
                "R3.2: money may only be spent on a line of a filed fund-use plan; "
                "“%(line)s” is in a plan that is %(status)s."
            )
            % {"line": line.purpose, "status": line.version.get_status_display()}
        }
    if refusal == Refusal.CATEGORY_NOT_ALLOWED:
        return {
            "line": _(
                "R3.1: the central subsidy may no longer be spent in the category “%(category)s”."
            )
            % {"category": line.category.name}
        }
    return {
        "amount": _(
            "R3.2: %(amount)s yuan is more than is left on this line (%(remaining)s of "
            "%(budget)s yuan). Money is ring-fenced: nothing was recorded."
        )
        % {
            "amount": f"{money(amount):,.2f}",
            "remaining": f"{line.remaining:,.2f}",
            "budget": f"{line.amount:,.2f}",
        }
    }


@transaction.atomic
def expenditure_record(
    *,
    user: Any,
    line: BudgetLine,
    spent_on: date,
    amount: Decimal,
    payee: str,
    description: str,
    voucher: Any,
    today: date | None = None,
) -> Expenditure:
    """Record money spent on a line. Refused, and nothing saved, when the line is not in a filed
    plan, when central money is in a category no longer allowed, when the amount exceeds
    what is left on the line, or (C6) when the date is in the future, outside the unit's creation
    cycle or before the day the plan version was filed. The line row is locked while this runs, so two expenditures at the
    same moment are checked one after the other; the line's database constraint refuses an
    overspend even so."""
    today = today or timezone.localdate()
    line = (
        BudgetLine.objects.select_for_update(of=("self",))
        .select_related("version__plan__unit", "category")
        .get(pk=line.pk)
    )
    _require_staff(user, line.version.plan.unit)
    if not isinstance(amount, Decimal):
        raise ValidationError({"amount": _("Give the amount in yuan, e.g. 1200.50.")})
    refusal = spending_refusal(
        amount=amount,
        plan_filed=line.version.status == PlanStatus.FILED,
        source=line.source,
        central_allowed=line.category.central_allowed,
        budget=line.amount,
        spent=line.spent,
    )
    expenditure = Expenditure(
        line=line,
        spent_on=spent_on,
        amount=money(amount),
        payee=payee,
        description=description,
        voucher=voucher,
        voucher_name=(getattr(voucher, "name", "") or "")[:200],
        recorded_by=user,
    )
    # Every refusal at once: the line or amount, and the date (C6).
    errors = refusal_message(refusal, line, amount) if refusal is not None else {}
    if isinstance(spent_on, date):
        errors.update(expenditure.date_errors(today=today))
    if errors:
        raise ValidationError(errors)
    _save(expenditure)
    BudgetLine.objects.filter(pk=line.pk).update(spent=F("spent") + expenditure.amount)
    return expenditure


@transaction.atomic
def expenditure_reverse(*, user: Any, expenditure: Expenditure, reason: str) -> Expenditure:
    """C6 (R3.2): correct a wrong entry as an accountant would. The entry stays; a correcting
    entry on its line and date takes back its amount, with the reason, the user and the moment
    (audited like every expenditure), and the line's spent figure drops by as much. An entry is
    reversed once; a correcting entry is not reversed. The unit's own staff do it, as they
    record spending."""
    original = Expenditure.objects.select_related("line").get(pk=expenditure.pk)
    # The line first, like expenditure_record: two writes on one line wait for each other.
    line = (
        BudgetLine.objects.select_for_update(of=("self",))
        .select_related("version__plan__unit")
        .get(pk=original.line_id)
    )
    _require_staff(user, line.version.plan.unit)
    if original.reverses_id is not None:
        raise ValidationError(_("This is a correcting entry: it cannot be reversed itself."))
    if Expenditure.objects.filter(reverses=original).exists():
        raise ConflictError(_("This expenditure has already been reversed."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    reversal = Expenditure(
        line=line,
        reverses=original,
        spent_on=original.spent_on,
        amount=-original.amount,
        payee=original.payee,
        description=original.description,
        reason=reason,
        recorded_by=user,
    )
    reversal.full_clean()
    try:
        with transaction.atomic():
            reversal.save()
    except IntegrityError:  # a concurrent reversal of the same entry came first
        raise ConflictError(_("This expenditure has already been reversed.")) from None
    BudgetLine.objects.filter(pk=line.pk).update(spent=F("spent") + reversal.amount)
    return reversal


# --- The half-yearly fund report (R3.3) -----------------------------------------------------------


@transaction.atomic
def fund_report_submit(
    *, user: Any, unit: CreationUnit, period: Period, now: datetime | None = None
) -> Any:
    """R3.3: compile the half year's fund report from the spending and submit it as the unit's
    fund-report obligation of that half year (reporting workflow: the office reviews it; the
    provincial culture and finance reviewers see it once submitted)."""
    _require_staff(user, unit)
    obligation = fund_report_obligation(unit=unit, period=period)
    if obligation is None:
        raise ValidationError(
            _("No half-yearly fund report is due from this unit for %(period)s.")
            % {"period": period}
        )
    report = half_year_report(unit=unit, period=period)
    submission = submission_save(
        user=user,
        obligation=obligation,
        fields={"title": report.title, "body": report_text(report)},
    )
    return submission_submit(user=user, submission=submission, now=now)
