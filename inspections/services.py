"""Writes of supervision (R4), one transaction each: planning and holding inspections, their
checklist and findings, the rectification workflow with its event log, the written feedback
letter, deadline reminders, and the half-yearly self-inspection (submitted through the
reporting workflow)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from creation.models import CreationUnit, Region
from creation.scope import user_scope
from creation.selectors import unit_recipients_by_unit
from inspections.models import (
    ChecklistItem,
    FeedbackLetter,
    Finding,
    FindingEvidence,
    Inspection,
    InspectionSettings,
    Rectification,
    RectificationEvent,
    RectificationEvidence,
    RectificationReminder,
    SelfInspection,
    SelfInspectionItem,
    TeamMember,
)
from inspections.rules import (
    PENDING,
    RectificationStatus,
    local_government_name,
    provincial_government_name,
    rectification_reminder_due,
    transition_actor,
)
from portal.services import (
    OutgoingNotification,
    notification_send,
    notifications_done,
    notifications_send,
)
from reporting.models import Obligation, Submission
from reporting.services import EDITABLE, submission_save, submission_submit
from scoring.models import Indicator

Status = Inspection.Status
RStatus = RectificationStatus


# --- Permissions -------------------------------------------------------------------------------


def can_run(user: Any, unit: CreationUnit) -> bool:
    """Only the office of the unit's programme plans, inspects, verifies and reopens."""
    return user_scope(user).can_run_programme(unit.batch.programme_id)


def require_office(user: Any, unit: CreationUnit) -> None:
    if not can_run(user, unit):
        raise PermissionDenied(_("Only the office of the unit's programme can do this."))


def require_unit_staff(user: Any, unit: CreationUnit) -> None:
    if not user_scope(user).can_edit_unit(unit.pk):
        raise PermissionDenied(_("Only the unit's own staff can do this."))


def _save(instance: Any, fields: list[str] | None = None) -> Any:
    instance.full_clean()
    instance.save(update_fields=fields) if fields else instance.save()
    return instance


# --- Inspections --------------------------------------------------------------------------------

INSPECTION_FIELDS = (
    "planned_start",
    "planned_end",
    "held_start",
    "held_end",
    "leader_name",
    "leader_position",
    "scope",
)


def _members_replace(inspection: Inspection, members: Sequence[tuple[str, str]]) -> None:
    inspection.members.all().delete()
    rows = [
        TeamMember(inspection=inspection, name=name.strip(), position=position.strip())
        for name, position in members
        if name.strip()
    ]
    for row in rows:
        row.full_clean()
    TeamMember.objects.bulk_create(rows)


@transaction.atomic
def inspection_plan(
    *,
    user: Any,
    unit: CreationUnit,
    fields: dict[str, Any],
    members: Sequence[tuple[str, str]] = (),
) -> Inspection:
    """R4.1: the office plans an inspection of one of its programme's units."""
    require_office(user, unit)
    inspection = Inspection(unit=unit, created_by=user)
    for name in INSPECTION_FIELDS:
        if name in fields:
            setattr(inspection, name, fields[name])
    _save(inspection)
    _members_replace(inspection, members)
    return inspection


@transaction.atomic
def inspection_update(
    *,
    user: Any,
    inspection: Inspection,
    fields: dict[str, Any],
    members: Sequence[tuple[str, str]] | None = None,
) -> Inspection:
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    require_office(user, inspection.unit)
    if inspection.status == Status.FEEDBACK_SENT:
        raise ValidationError(_("The feedback has been sent; the inspection can no longer change."))
    for name in INSPECTION_FIELDS:
        if name in fields:
            setattr(inspection, name, fields[name])
    _save(inspection)
    if members is not None:
        _members_replace(inspection, members)
    return inspection


@transaction.atomic
def inspection_start(*, user: Any, inspection: Inspection, held_start: date) -> Inspection:
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    require_office(user, inspection.unit)
    if inspection.status != Status.PLANNED:
        raise ValidationError(_("Only a planned inspection can start."))
    inspection.held_start, inspection.status = held_start, Status.IN_PROGRESS
    return _save(inspection, ["held_start", "status"])


@transaction.atomic
def inspection_complete(*, user: Any, inspection: Inspection, held_end: date) -> Inspection:
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    require_office(user, inspection.unit)
    if inspection.status != Status.IN_PROGRESS:
        raise ValidationError(_("Only an inspection in progress can be completed."))
    inspection.held_end, inspection.status = held_end, Status.COMPLETED
    return _save(inspection, ["held_end", "status"])


# --- Checklist ----------------------------------------------------------------------------------


@transaction.atomic
def checklist_from_standard(*, user: Any, inspection: Inspection) -> int:
    """Add the indicators of the unit's creation standard that are not on the checklist yet;
    returns how many were added."""

    require_office(user, inspection.unit)
    have = set(inspection.checklist.exclude(indicator=None).values_list("indicator_id", flat=True))
    start = inspection.checklist.count()
    rows = [
        ChecklistItem(
            inspection=inspection,
            indicator=indicator,
            text=f"{indicator.code} {indicator.name}"[:300],
            sort_order=start + index,
        )
        for index, indicator in enumerate(
            Indicator.objects.for_unit(inspection.unit).exclude(pk__in=have)
        )
    ]
    ChecklistItem.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def checklist_item_add(*, user: Any, inspection: Inspection, text: str) -> ChecklistItem:
    require_office(user, inspection.unit)
    item = ChecklistItem(
        inspection=inspection, text=text.strip(), sort_order=inspection.checklist.count()
    )
    return _save(item)


@transaction.atomic
def checklist_results_save(
    *, user: Any, inspection: Inspection, results: dict[int, tuple[str, str]]
) -> int:
    """Record the result and remark of checklist items: {item id: (result, remark)}."""
    require_office(user, inspection.unit)
    if inspection.status == Status.FEEDBACK_SENT:
        raise ValidationError(_("The feedback has been sent; the checklist can no longer change."))
    items = list(inspection.checklist.filter(pk__in=results))
    for item in items:
        item.result, item.remark = results[item.pk]
        item.full_clean()
    ChecklistItem.objects.bulk_update(items, ["result", "remark"])
    return len(items)


# --- Findings and rectification -----------------------------------------------------------------


def _event(
    rectification: Rectification, actor: Any, at: datetime, before: str, after: str, comment: str
) -> RectificationEvent:
    return RectificationEvent.objects.create(
        rectification=rectification,
        actor=actor,
        at=at,
        from_status=before,
        to_status=after,
        comment=comment,
    )


@transaction.atomic
def finding_add(
    *,
    user: Any,
    inspection: Inspection,
    fields: dict[str, Any],
    owner: str,
    deadline: date,
    evidence: Sequence[Any] = (),
    now: datetime | None = None,
) -> Finding:
    """A finding of the team, with the unit's rectification item (open) and its first event."""
    now = now or timezone.now()
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    require_office(user, inspection.unit)
    if inspection.status not in (Status.IN_PROGRESS, Status.COMPLETED):
        raise ValidationError(_("Findings are recorded once the inspection has started."))
    finding = Finding(inspection=inspection)
    for name in ("severity", "rule_id", "indicator", "description", "requirement"):
        if name in fields:
            setattr(finding, name, fields[name])
    _save(finding)
    start = inspection.held_end or inspection.held_start or inspection.planned_start
    if deadline and start and deadline <= start:
        raise ValidationError(
            {"deadline": _("The rectification deadline must come after the inspection.")}
        )
    rectification = _save(Rectification(finding=finding, owner=owner, deadline=deadline))
    _event(rectification, user, now, "", RStatus.OPEN, "")
    for upload in evidence:
        _save(FindingEvidence(finding=finding, file=upload, name=upload.name[:200]))
    return finding


def rectification_unit(rectification: Rectification) -> CreationUnit:
    return CreationUnit.objects.select_related("batch").get(
        inspections__findings__rectification=rectification
    )


def _move(
    *,
    user: Any,
    rectification: Rectification,
    target: str,
    comment: str = "",
    now: datetime | None = None,
) -> Rectification:
    now = now or timezone.now()
    rectification = Rectification.objects.select_for_update().get(pk=rectification.pk)
    unit = rectification_unit(rectification)
    # Permission follows the move asked for (the office verifies and reopens, the unit does the
    # rest), before the state is looked at, so that a stranger learns nothing from the answer.
    if target in (RStatus.VERIFIED, RStatus.REOPENED):
        require_office(user, unit)
    else:
        require_unit_staff(user, unit)
    if transition_actor(rectification.status, target) is None:
        raise ValidationError(
            _("A rectification item that is %(status)s cannot become %(target)s.")
            % {
                "status": Rectification.Status(rectification.status).label,
                "target": Rectification.Status(target).label,
            }
        )
    before = rectification.status
    rectification.status = target
    rectification.save(update_fields=["status", "updated_at"])
    _event(rectification, user, now, before, target, comment)
    return rectification


@transaction.atomic
def rectification_start(
    *, user: Any, rectification: Rectification, now: datetime | None = None
) -> Rectification:
    return _move(user=user, rectification=rectification, target=RStatus.IN_PROGRESS, now=now)


@transaction.atomic
def rectification_submit(
    *,
    user: Any,
    rectification: Rectification,
    report: str,
    evidence: Sequence[Any] = (),
    now: datetime | None = None,
) -> Rectification:
    """The unit reports what it put right, with evidence files; the office then verifies."""
    require_unit_staff(user, rectification_unit(rectification))
    if not report.strip():
        raise ValidationError({"report": _("Say what was put right.")})
    moved = _move(
        user=user, rectification=rectification, target=RStatus.SUBMITTED, comment=report, now=now
    )
    for upload in evidence:
        _save(
            RectificationEvidence(
                rectification=moved, file=upload, name=upload.name[:200], uploaded_by=user
            )
        )
    if not moved.evidence.exists():
        raise ValidationError({"evidence": _("Attach at least one file as evidence.")})
    moved.report = report
    moved.save(update_fields=["report", "updated_at"])
    # Its reminders and reopenings asked for this report: no longer new once it is in.
    notifications_done(
        key_prefixes=[f"rectification-reminder-{moved.pk}-", f"rectification-{moved.pk}-reopened-"],
        now=now,
    )
    return moved


@transaction.atomic
def rectification_verify(
    *, user: Any, rectification: Rectification, comment: str = "", now: datetime | None = None
) -> Rectification:
    return _move(
        user=user, rectification=rectification, target=RStatus.VERIFIED, comment=comment, now=now
    )


@transaction.atomic
def rectification_reopen(
    *, user: Any, rectification: Rectification, reason: str, now: datetime | None = None
) -> Rectification:
    """The office sends a submitted item back to the unit, saying why."""
    # permission first: a stranger learns nothing from the message
    require_office(user, rectification_unit(rectification))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the rectification is not accepted.")})
    reopened = _move(
        user=user, rectification=rectification, target=RStatus.REOPENED, comment=reason, now=now
    )
    unit = CreationUnit.objects.get(inspections__findings__rectification=reopened)
    notification_send(
        recipients=unit_recipients(unit),
        title=_("Rectification reopened: %(finding)s") % {"finding": str(reopened.finding)},
        body=reason,
        link=reverse("inspections:rectification-detail", kwargs={"pk": reopened.pk}),
        key=f"rectification-{reopened.pk}-reopened-{now or timezone.now():%Y%m%d%H%M%S%f}",
    )
    return reopened


# --- The written feedback -----------------------------------------------------------------------


def letter_addressees(unit: CreationUnit) -> tuple[str, str]:
    """R4.1: the local people's government of the unit's region and the provincial one."""
    names: list[str] = []
    region: Region | None = unit.region
    while region is not None and region.level != Region.Level.PROVINCE:
        names.insert(0, region.name)
        region = region.parent
    province = unit.region.province_region
    return local_government_name(names), provincial_government_name(province.name)


@transaction.atomic
def letter_send(
    *,
    user: Any,
    inspection: Inspection,
    document_number: str,
    sent_on: date,
    local_government: str = "",
    provincial_government: str = "",
) -> FeedbackLetter:
    """R4.1: record the feedback letter as sent; the unit and its province see it."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    unit = CreationUnit.objects.with_related().get(pk=inspection.unit_id)
    require_office(user, unit)
    if inspection.status != Status.COMPLETED:
        raise ValidationError(_("The feedback is sent once the inspection is completed."))
    if inspection.held_end and sent_on < inspection.held_end:
        raise ValidationError(
            {"sent_on": _("The letter cannot be sent before the inspection ended.")}
        )
    local, provincial = letter_addressees(unit)
    letter = _save(
        FeedbackLetter(
            inspection=inspection,
            local_government=local_government.strip() or local,
            provincial_government=provincial_government.strip() or provincial,
            document_number=document_number.strip(),
            sent_on=sent_on,
            sent_by=user,
        )
    )
    inspection.status = Status.FEEDBACK_SENT
    inspection.save(update_fields=["status"])
    notification_send(
        recipients=unit_recipients(unit),
        title=_("Inspection feedback sent: %(number)s") % {"number": letter.document_number},
        link=reverse("inspections:inspection-detail", kwargs={"pk": inspection.pk}),
        key=f"feedback-letter-{letter.pk}",
    )
    return letter


# --- Reminders ----------------------------------------------------------------------------------

# Reminders written in one transaction: few enough that the items it locks are held only briefly,
# many enough that a sweep of the whole country takes a handful of statements.
REMINDER_CHUNK = 500


def unit_recipients(unit: CreationUnit) -> list[Any]:
    """The unit's staff (rectifications are the unit's work, not the liaison's)."""
    return unit_recipients_by_unit({unit.pk}, with_liaison=False)[unit.pk]


def _reminder_text(rectification: Rectification, kind: str) -> tuple[str, str]:
    finding = str(rectification.finding)
    due = rectification.deadline.isoformat()
    if kind.startswith("before"):
        return (
            _("Rectification due %(due)s: %(finding)s") % {"due": due, "finding": finding},
            _("Please submit the rectification and its evidence by %(due)s.") % {"due": due},
        )
    return (
        _("Rectification overdue: %(finding)s") % {"finding": finding},
        _("The rectification was due on %(due)s and has not been submitted.") % {"due": due},
    )


def _rectification_reminders_write(
    due: list[tuple[Rectification, str]], now: datetime
) -> list[RectificationReminder]:
    """Write the reminders of `due` that are still to be sent, and their notifications, in one
    transaction. The items are locked first: one that a concurrent sweep or
    `rectification_reminder_send` holds is theirs and skipped. Status and reminders are then read
    again under the lock, so no reminder is written twice (the unique (item, kind) constraint
    backs this) and none for an item that left the pending states meanwhile."""
    with transaction.atomic():
        pending = set(
            Rectification.objects.select_for_update(skip_locked=True)
            .filter(pk__in={rectification.pk for rectification, _kind in due}, status__in=PENDING)
            .values_list("pk", flat=True)
        )
        sent = set(
            RectificationReminder.objects.filter(rectification_id__in=pending).values_list(
                "rectification_id", "kind"
            )
        )
        due = [
            (item, kind) for item, kind in due if item.pk in pending and (item.pk, kind) not in sent
        ]
        units = unit_recipients_by_unit({item.unit_pk for item, _kind in due}, with_liaison=False)
        reminders = RectificationReminder.objects.bulk_create(
            RectificationReminder(
                rectification=item, kind=kind, sent_at=now, recipients=len(units[item.unit_pk])
            )
            for item, kind in due
        )
        notifications = []
        for item, kind in due:
            if not units[item.unit_pk]:
                continue  # a reminder to nobody is still recorded, so that it is not sent again
            title, body = _reminder_text(item, kind)
            notifications.append(
                OutgoingNotification(
                    recipients=units[item.unit_pk],
                    title=title,
                    body=body,
                    link=reverse("inspections:rectification-detail", kwargs={"pk": item.pk}),
                    key=f"rectification-reminder-{item.pk}-{kind}",
                )
            )
        notifications_send(notifications=notifications)
    return reminders


def _reminder_rectifications() -> QuerySet[Rectification]:
    """Rectifications with what their reminders need: the finding, whose text is in the
    reminder's, and the unit's id."""
    return Rectification.objects.select_related("finding").annotate(
        unit_pk=F("finding__inspection__unit_id")
    )


def rectification_reminder_send(
    *, rectification_id: int, kind: str, now: datetime
) -> RectificationReminder | None:
    """Send one deadline reminder exactly once (see `_rectification_reminders_write`): nothing is
    sent twice, however many sweeps run, and nothing for an item that left the pending states
    meanwhile."""
    rectification = _reminder_rectifications().filter(pk=rectification_id).first()
    if rectification is None:
        return None
    try:
        written = _rectification_reminders_write([(rectification, kind)], now)
    except IntegrityError:
        return None  # only a writer that did not lock the item can have sent it first
    return written[0] if written else None


def rectification_reminder_sweep(*, now: datetime | None = None) -> int:
    """Send every rectification reminder due now (before the deadline and overdue); returns how
    many were sent. Safe to run twice, also at the same time. The pending items and their
    reminders so far are read in two queries, `rectification_reminder_due` decides which is
    due, and they are written a chunk at a time."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    candidates = (
        _reminder_rectifications()
        .filter(status__in=PENDING)
        .filter(
            Exists(
                CreationUnit.objects.filter(
                    inspections__findings__rectification=OuterRef("pk"),
                    status=CreationUnit.Status.CREATING,
                )
            )
        )
        .annotate(programme_pk=F("finding__inspection__unit__batch__programme_id"))
    )
    rectifications = list(candidates)
    kinds_sent: dict[int, set[str]] = defaultdict(set)
    for rectification_id, kind in RectificationReminder.objects.filter(
        rectification__in=candidates.values("pk")
    ).values_list("rectification_id", "kind"):
        kinds_sent[rectification_id].add(kind)
    settings = InspectionSettings.for_programmes({item.programme_pk for item in rectifications})
    due = []
    for rectification in rectifications:
        programme = settings[rectification.programme_pk]
        kind = rectification_reminder_due(
            status=rectification.status,
            deadline=rectification.deadline,
            today=today,
            sent=kinds_sent[rectification.pk],
            days_before=programme.reminder_days_before,
            days_after=programme.reminder_days_after,
        )
        if kind:
            due.append((rectification, kind))
    sent = 0
    for start in range(0, len(due), REMINDER_CHUNK):
        try:
            sent += len(_rectification_reminders_write(due[start : start + REMINDER_CHUNK], now))
        except IntegrityError:
            continue  # only a writer that did not lock the item gets here; the next sweep sends
    return sent


# --- Self-inspection (R4.2) ---------------------------------------------------------------------


def self_inspection_obligation(*, unit: CreationUnit, obligation_id: int) -> Obligation:
    obligation = Obligation.objects.filter(
        pk=obligation_id, unit=unit, type=Obligation.Type.SELF_INSPECTION
    ).first()
    if obligation is None:
        raise ValidationError(_("No self-inspection is due from this unit for that half year."))
    return obligation


def self_inspection_editable(obligation: Obligation) -> bool:
    """The unit may write while the obligation's report is absent, a draft or returned."""

    submission = Submission.objects.filter(obligation=obligation).first()
    return submission is None or submission.status in EDITABLE


def _report_fields(self_inspection: SelfInspection) -> dict[str, str]:
    return {
        "title": _("Self-inspection report %(period)s")
        % {"period": self_inspection.obligation.period_label},
        "body": self_inspection_text(self_inspection),
    }


@transaction.atomic
def self_inspection_save(
    *,
    user: Any,
    obligation: Any,
    summary: str,
    meeting: Any = None,
    results: dict[int, tuple[str, str]] | None = None,
    draft_report: bool = True,
) -> SelfInspection:
    """Write the unit's self-inspection of a half year (R4.2) while its report is a draft or was
    returned: the summary, the approving leadership-group meeting and the result per item. The
    items are the unit's creation-standard indicators. With `draft_report`, the obligation's
    report (reporting.Submission) is kept as a draft with the self-inspection's text, so that the
    reporting calendar shows it as started."""

    unit = obligation.unit
    require_unit_staff(user, unit)
    if not self_inspection_editable(obligation):
        raise ValidationError(_("A submitted self-inspection cannot be changed."))
    self_inspection = SelfInspection.objects.filter(obligation=obligation).first()
    if self_inspection is None:
        self_inspection = SelfInspection(unit=unit, obligation=obligation)
    self_inspection.summary, self_inspection.meeting = summary, meeting
    _save(self_inspection)
    if not self_inspection.items.exists():
        SelfInspectionItem.objects.bulk_create(
            SelfInspectionItem(
                self_inspection=self_inspection,
                indicator=indicator,
                text=f"{indicator.code} {indicator.name}"[:300],
                sort_order=index,
            )
            for index, indicator in enumerate(Indicator.objects.for_unit(unit))
        )
    if results:
        items = list(self_inspection.items.filter(pk__in=results))
        for item in items:
            item.result, item.remark = results[item.pk]
            item.full_clean()
        SelfInspectionItem.objects.bulk_update(items, ["result", "remark"])
    if draft_report:
        submission_save(user=user, obligation=obligation, fields=_report_fields(self_inspection))
    return self_inspection


@transaction.atomic
def self_inspection_item_add(
    *, user: Any, self_inspection: SelfInspection, text: str
) -> SelfInspectionItem:
    require_unit_staff(user, self_inspection.unit)
    if not self_inspection_editable(self_inspection.obligation):
        raise ValidationError(_("A submitted self-inspection cannot be changed."))
    return _save(
        SelfInspectionItem(
            self_inspection=self_inspection,
            text=text.strip(),
            sort_order=self_inspection.items.count(),
        )
    )


def self_inspection_text(self_inspection: SelfInspection) -> str:
    """The report's text as the office and the provincial departments read it."""
    lines = [self_inspection.summary.strip(), ""]
    if self_inspection.meeting_id:
        meeting = self_inspection.meeting
        lines.append(
            _("Approved by the leadership group at its meeting of %(date)s: %(title)s")
            % {"date": meeting.held_on.isoformat(), "title": meeting.title}
        )
        lines.append("")
    for item in self_inspection.items.all():
        remark = f" — {item.remark}" if item.remark else ""
        lines.append(f"{item.text}: {item.get_result_display()}{remark}")
    return "\n".join(lines).strip()


@transaction.atomic
def self_inspection_submit(
    *, user: Any, self_inspection: SelfInspection, now: datetime | None = None
) -> Any:
    """R4.2: submit the self-inspection as the report of its `self_inspection` obligation, through
    the reporting workflow (on-time check, office review, province copies)."""

    # the stored text, whatever the caller's copy holds
    self_inspection = SelfInspection.objects.select_related("unit", "obligation", "meeting").get(
        pk=self_inspection.pk
    )
    require_unit_staff(user, self_inspection.unit)
    if not self_inspection.summary.strip():
        raise ValidationError({"summary": _("Write the summary of the self-inspection.")})
    if self_inspection.items.filter(result="not_checked").exists():
        raise ValidationError(_("Give a result for every item of the checklist."))
    obligation = self_inspection.obligation
    submission = submission_save(
        user=user, obligation=obligation, fields=_report_fields(self_inspection)
    )
    return submission_submit(user=user, submission=submission, now=now)
