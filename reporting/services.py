"""Writes of reporting, one transaction each: keeping obligations in step with the calendar,
the submission workflow and its review, and the reminder sweep."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from celery import Task, current_app
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from creation.models import CreationUnit, Programme, Region, RoleAssignment
from creation.scope import user_scope
from creation.selectors import unit_recipients_by_unit
from portal.cache import figures_stale, shown_rows_stale
from portal.services import (
    OutgoingNotification,
    notification_send,
    notifications_done,
    notifications_send,
)
from portal.tasks import enqueue, enqueue_on_commit
from reporting.documents import (
    DocumentError,
    DocumentKind,
    RenderedDocument,
    document_kind_get,
    document_render,
)
from reporting.models import (
    CalendarFeed,
    DocumentJob,
    Obligation,
    Reminder,
    ReportingSettings,
    Submission,
    SubmissionAttachment,
    SubmissionEvent,
    new_feed_token,
)
from reporting.rules import (
    ObligationType,
    due_moment,
    escalation_due,
    obligation_calendar,
    reminder_due,
)

logger = logging.getLogger(__name__)


# --- The calendar -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncResult:
    created: int = 0
    updated: int = 0
    removed: int = 0


@transaction.atomic
def obligations_sync(*, unit: CreationUnit) -> SyncResult:
    """Make the unit's stored obligations match its calendar (idempotent). Run it when a unit,
    its batch or its programme's settings change. An obligation that left the calendar is
    removed unless a report was already started for it. The due moment of an obligation whose
    report was already submitted stays as it was (C1): whether it was on time was decided
    against that moment by its first submission."""
    settings = ReportingSettings.for_programme(unit.batch.programme).schedule()
    cycle = unit.cycle  # C2: the unit's own cycle, not its batch's
    specs = obligation_calendar(kind=unit.kind, start=cycle.start, end=cycle.end, settings=settings)
    existing = {
        (o.type, o.period_start): o
        for o in Obligation.objects.filter(unit=unit).annotate(
            sent=Exists(
                Submission.objects.filter(
                    obligation=OuterRef("pk"), first_submitted_at__isnull=False
                )
            )
        )
    }
    wanted = {(str(s.type), s.period.first_day): s for s in specs}
    created, changed = [], []
    for key, spec in wanted.items():
        due_at = due_moment(spec.due_on)
        obligation = existing.get(key)
        if obligation is None:
            created.append(
                Obligation(
                    unit=unit,
                    type=str(spec.type),
                    period_start=spec.period.first_day,
                    period_end=spec.period.last_day,
                    period_label=str(spec.period),
                    due_at=due_at,
                )
            )
        else:
            if obligation.sent:
                due_at = obligation.due_at
            if obligation.due_at != due_at or obligation.period_end != spec.period.last_day:
                obligation.due_at, obligation.period_end = due_at, spec.period.last_day
                changed.append(obligation)
    Obligation.objects.bulk_create(created, ignore_conflicts=True)
    Obligation.objects.bulk_update(changed, ["due_at", "period_end"])
    stale = [o.pk for key, o in existing.items() if key not in wanted]
    removed, _counts = (
        Obligation.objects.filter(pk__in=stale)
        .exclude(Exists(Submission.objects.filter(obligation=OuterRef("pk"))))
        .delete()
    )
    if created or changed:
        # Bulk writes send no signal; the unit's status, gauge and the dashboards read them.
        # Due moments decide the publicity base (R6.1), so the ranking of the unit's peers.
        figures_stale(unit.pk, with_peers=True)
    return SyncResult(len(created), len(changed), removed)


def obligations_sync_all(*, programme: Programme | None = None) -> SyncResult:
    units = CreationUnit.objects.select_related("batch__programme__reporting_settings")
    if programme is not None:
        units = units.filter(batch__programme=programme)
    totals = SyncResult()
    for unit in units.iterator(chunk_size=500):
        result = obligations_sync(unit=unit)
        totals = SyncResult(
            totals.created + result.created,
            totals.updated + result.updated,
            totals.removed + result.removed,
        )
    return totals


# --- Submissions --------------------------------------------------------------------------------

EDITABLE = (Submission.Status.DRAFT, Submission.Status.RETURNED)
CONTENT_FIELDS = ("title", "body", "work_progress", "design_research", "phased_results")


def _require_staff(user: Any, obligation: Obligation) -> None:
    if not user_scope(user).can_edit_unit(obligation.unit_id):
        raise PermissionDenied(_("Only the unit's own staff can write its reports."))


def _require_reviewer(user: Any, obligation: Obligation) -> None:
    if not user_scope(user).can_run_programme(obligation.unit.batch.programme_id):
        raise PermissionDenied(_("Only the programme's office reviews reports."))


def _locked(submission: Submission) -> Submission:
    # The lock is a lookup by primary key on one table: joined into one statement, PostgreSQL
    # may plan it from the other tables (badly so on fresh statistics) and lock their rows too.
    return Submission.objects.select_for_update().get(pk=submission.pk)


@transaction.atomic
def submission_save(
    *,
    user: Any,
    obligation: Obligation,
    fields: dict[str, Any],
    attachments: list[Any] = (),
) -> Submission:
    """Write (or rewrite) the report of an obligation while it is a draft or was returned."""
    _require_staff(user, obligation)
    submission = Submission.objects.select_for_update().filter(
        obligation=obligation
    ).first() or Submission(obligation=obligation)
    if submission.pk and submission.status not in EDITABLE:
        raise ValidationError(
            _(
                "A submitted report cannot be changed. Withdraw it to draft first, if it is not reviewed yet."
            )
        )
    for name in CONTENT_FIELDS:
        if name in fields:
            setattr(submission, name, fields[name])
    submission.full_clean()
    submission.save()
    for upload in attachments:
        name = upload.name[:200]
        # A file chosen again (after a refused submit, say) replaces the one of the same name
        # rather than being listed twice.
        for earlier in submission.attachments.filter(name=name):
            _attachment_delete(earlier)
        attachment = SubmissionAttachment(submission=submission, file=upload, name=name)
        attachment.full_clean()
        attachment.save()
    return submission


def _attachment_delete(attachment: SubmissionAttachment) -> None:
    # The row's deletion is in the audit trail; the stored file goes once that is committed.
    stored_name, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    if stored_name:
        transaction.on_commit(lambda: storage.delete(stored_name))


@transaction.atomic
def submission_attachment_remove(*, user: Any, attachment: SubmissionAttachment) -> Submission:
    """Take an attachment off a report while the unit may still change it (a draft or a returned
    report); a submitted report keeps its files."""
    submission = _locked(attachment.submission)
    _require_staff(user, submission.obligation)
    if submission.status not in EDITABLE:
        raise ValidationError(
            _("The files of a submitted report cannot be removed. Withdraw it to draft first.")
        )
    _attachment_delete(attachment)
    return submission


def _check_complete(submission: Submission) -> None:
    kind = submission.obligation.type
    errors: dict[str, str] = {}
    if kind == ObligationType.IN_DEPTH_REPORT:
        for name in ("work_progress", "design_research", "phased_results"):
            if not getattr(submission, name).strip():
                errors[name] = _("An in-depth report needs all three sections.")
    elif not submission.body.strip() and not submission.attachments.exists():
        errors["body"] = _("Write the report or attach it before submitting.")
    if errors:
        raise ValidationError(errors)


def _event(
    submission: Submission, action: str, actor: Any, at: datetime, comment: str = ""
) -> None:
    SubmissionEvent.objects.create(
        submission=submission, action=action, actor=actor, at=at, comment=comment
    )


@transaction.atomic
def submission_submit(
    *, user: Any, submission: Submission, now: datetime | None = None
) -> Submission:
    """Submit (or resubmit) a report. Its first submission fixes whether it was late."""
    now = now or timezone.now()
    submission = _locked(submission)
    _require_staff(user, submission.obligation)
    if submission.status not in EDITABLE:
        raise ValidationError(_("This report has already been submitted."))
    _check_complete(submission)
    if submission.first_submitted_at is None:
        submission.first_submitted_at = now
        submission.is_late = now > submission.obligation.due_at
    submission.status = Submission.Status.SUBMITTED
    submission.submitted_at = now
    submission.save(
        update_fields=["status", "submitted_at", "first_submitted_at", "is_late", "updated_at"]
    )
    _event(submission, SubmissionEvent.Action.SUBMITTED, user, now)
    _report_notices_done(submission, now)
    return submission


def _report_notices_done(submission: Submission, now: datetime) -> None:
    # The reminders of the report (the province's escalation too) and its returns asked for
    # this: once it is submitted they are no longer new to anyone.
    notifications_done(
        key_prefixes=[
            f"reminder-{submission.obligation_id}-",
            f"submission-{submission.pk}-returned-",
        ],
        now=now,
    )


@transaction.atomic
def submission_withdraw(
    *, user: Any, submission: Submission, now: datetime | None = None
) -> Submission:
    """Take a submitted report back to draft, as long as nobody has reviewed it."""
    now = now or timezone.now()
    submission = _locked(submission)
    _require_staff(user, submission.obligation)
    if submission.status != Submission.Status.SUBMITTED:
        raise ValidationError(
            _("Only a submitted report that is not yet reviewed can be withdrawn.")
        )
    submission.status = Submission.Status.DRAFT
    submission.save(update_fields=["status", "updated_at"])
    _event(submission, SubmissionEvent.Action.WITHDRAWN, user, now)
    return submission


def _review(
    *, reviewer: Any, submission: Submission, status: str, comment: str, now: datetime | None
) -> Submission:
    now = now or timezone.now()
    submission = _locked(submission)
    _require_reviewer(reviewer, submission.obligation)
    if status == Submission.Status.RETURNED and not comment.strip():
        raise ValidationError({"comment": _("Say what the unit should change.")})
    if submission.status != Submission.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be reviewed."))
    submission.status = status
    submission.reviewed_at, submission.reviewed_by, submission.review_comment = (
        now,
        reviewer,
        comment,
    )
    submission.save(
        update_fields=["status", "reviewed_at", "reviewed_by", "review_comment", "updated_at"]
    )
    action = (
        SubmissionEvent.Action.ACCEPTED
        if status == Submission.Status.ACCEPTED
        else SubmissionEvent.Action.RETURNED
    )
    _event(submission, action, reviewer, now, comment)
    return submission


@transaction.atomic
def submission_accept(
    *, reviewer: Any, submission: Submission, comment: str = "", now: datetime | None = None
) -> Submission:
    accepted = _review(
        reviewer=reviewer,
        submission=submission,
        status=Submission.Status.ACCEPTED,
        comment=comment,
        now=now,
    )
    _report_notices_done(accepted, now or timezone.now())
    return accepted


@transaction.atomic
def submission_return(
    *, reviewer: Any, submission: Submission, comment: str, now: datetime | None = None
) -> Submission:
    """Send a report back to the unit for changes; the comment says what to change."""
    returned = _review(
        reviewer=reviewer,
        submission=submission,
        status=Submission.Status.RETURNED,
        comment=comment,
        now=now,
    )
    obligation = returned.obligation
    notification_send(
        recipients=_unit_recipients(obligation.unit),
        title=_("Returned for changes: %(report)s") % {"report": returned.title},
        body=comment,
        link=reverse("reporting:submission-edit", kwargs={"pk": obligation.pk}),
        key=f"submission-{returned.pk}-returned-{returned.reviewed_at.isoformat()}",
    )
    return returned


# --- Reminders ----------------------------------------------------------------------------------

# Reminders written in one transaction: few enough that the obligations it locks are held only
# briefly, many enough that a sweep of the whole country takes a handful of statements.
REMINDER_CHUNK = 500


def _reminder_obligations() -> QuerySet[Obligation]:
    """Obligations with what their reminders need: the unit, whose name is in the text, and the
    province whose culture reviewer an escalation goes to (`Region.province_region`)."""
    return Obligation.objects.select_related("unit").annotate(
        escalation_province_id=Case(
            When(unit__region__level=Region.Level.PROVINCE, then=F("unit__region_id")),
            default=F("unit__region__province_id"),
        )
    )


def _unit_recipients(unit: CreationUnit) -> list[Any]:
    """The unit's staff and its current liaison's own account."""
    return unit_recipients_by_unit({unit.pk}, with_liaison=True)[unit.pk]


def _escalation_recipients_by_province(province_ids: set[int]) -> dict[int, list[Any]]:
    """Each province's reviewers of the culture department, by province id."""
    users: dict[int, dict[int, Any]] = {pk: {} for pk in province_ids}
    reviewers = RoleAssignment.objects.filter(
        role=RoleAssignment.Role.PROVINCIAL_REVIEWER,
        department=RoleAssignment.Department.CULTURE,
        province_id__in=province_ids,
    ).select_related("user")
    for reviewer in reviewers:
        users[reviewer.province_id].setdefault(reviewer.user_id, reviewer.user)
    return {pk: list(found.values()) for pk, found in users.items()}


def _reminder_recipients(due: list[tuple[Obligation, str]]) -> list[list[Any]]:
    """Who each (obligation, kind) goes to: the unit before and after the due moment, the
    province's culture reviewers for an escalation. Three queries for any number."""
    units = unit_recipients_by_unit(
        {obligation.unit_id for obligation, kind in due if kind != "escalation"}, with_liaison=True
    )
    provinces = _escalation_recipients_by_province(
        {obligation.escalation_province_id for obligation, kind in due if kind == "escalation"}
    )
    return [
        provinces[obligation.escalation_province_id]
        if kind == "escalation"
        else units[obligation.unit_id]
        for obligation, kind in due
    ]


def _reminder_text(obligation: Obligation, kind: str) -> tuple[str, str]:
    due = timezone.localtime(obligation.due_at).strftime("%Y-%m-%d")
    report = f"{obligation.get_type_display()} {obligation.period_label}"
    if kind == "escalation":
        return (
            _("Overdue at %(unit)s: %(report)s") % {"unit": obligation.unit.name, "report": report},
            _("%(unit)s has not submitted %(report)s, due %(due)s.")
            % {"unit": obligation.unit.name, "report": report, "due": due},
        )
    if kind.startswith("before"):
        return (
            _("Due %(due)s: %(report)s") % {"due": due, "report": report},
            _("Please submit %(report)s by the end of %(due)s.") % {"report": report, "due": due},
        )
    return (
        _("Overdue: %(report)s") % {"report": report},
        _("%(report)s was due on %(due)s and has not been submitted.")
        % {"report": report, "due": due},
    )


def _reminders_write(
    due: list[tuple[Obligation, str]], now: datetime
) -> list[tuple[Reminder, list[Any]]]:
    """Write the reminders of `due` that are still to be sent, and their notifications, in the
    caller's transaction; returns them with their recipients. The obligations are locked first:
    one that a concurrent sweep or `reminder_send` holds is theirs and skipped. What was sent or
    submitted is then read again under the lock, so no reminder is written twice (the unique
    (obligation, kind) constraint backs this) and none for a report submitted meanwhile."""
    # locked by primary key alone (see _locked)
    locked = set(
        Obligation.objects.select_for_update(skip_locked=True)
        .filter(pk__in={obligation.pk for obligation, _kind in due})
        .values_list("pk", flat=True)
    )
    submitted = set(
        Submission.objects.filter(
            obligation_id__in=locked, first_submitted_at__isnull=False
        ).values_list("obligation_id", flat=True)
    )
    sent = set(
        Reminder.objects.filter(obligation_id__in=locked).values_list("obligation_id", "kind")
    )
    still_open = locked - submitted
    due = [
        (obligation, kind)
        for obligation, kind in due
        if obligation.pk in still_open and (obligation.pk, kind) not in sent
    ]
    recipients = _reminder_recipients(due)
    reminders = Reminder.objects.bulk_create(
        Reminder(obligation=obligation, kind=kind, sent_at=now, recipients=len(users))
        for (obligation, kind), users in zip(due, recipients, strict=True)
    )
    notifications = []
    for reminder, users in zip(reminders, recipients, strict=True):
        if not users:
            continue  # a reminder to nobody is still recorded, so that it is not sent again
        title, body = _reminder_text(reminder.obligation, reminder.kind)
        notifications.append(
            OutgoingNotification(
                recipients=users,
                title=title,
                body=body,
                link=reverse("reporting:submission-edit", kwargs={"pk": reminder.obligation_id}),
                key=f"reminder-{reminder.obligation_id}-{reminder.kind}",
            )
        )
    notifications_send(notifications=notifications)
    return list(zip(reminders, recipients, strict=True))


def _reminders_email(reminders: list[tuple[Reminder, list[Any]]]) -> None:
    """Email each reminder to its recipients once, over one connection. The rows are locked and
    read again (one being mailed elsewhere is skipped), and a reminder is marked as emailed as
    soon as its message went out: when sending fails, what went out stays marked, the error is
    raised, and the next sweep mails the rest (`reminder_sweep`)."""
    if not reminders:
        return
    with transaction.atomic():
        unmailed = set(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(pk__in=[reminder.pk for reminder, _users in reminders], emailed_at=None)
            .values_list("pk", flat=True)
        )
        mailed: list[int] = []
        failure = None
        try:
            with get_connection() as connection:
                for reminder, users in reminders:
                    if reminder.pk not in unmailed:
                        continue
                    addresses = sorted({user.email for user in users if user.email})
                    if addresses:
                        title, body = _reminder_text(reminder.obligation, reminder.kind)
                        EmailMessage(
                            title,
                            body,
                            django_settings.DEFAULT_FROM_EMAIL,
                            addresses,
                            connection=connection,
                        ).send()
                    mailed.append(reminder.pk)
        except Exception as error:  # raised below, once what went out is marked
            failure = error
        Reminder.objects.filter(pk__in=mailed).update(emailed_at=timezone.now())
    if failure is not None:
        raise failure


def _reminders_send(due: list[tuple[Obligation, str]], now: datetime) -> list[Reminder]:
    """Write the reminders due (one transaction), then email them; returns those written."""
    try:
        with transaction.atomic():
            written = _reminders_write(due, now)
    except IntegrityError:
        # Only a writer that did not lock the obligation can get here; what it sent stands, the
        # rest of this chunk is sent by the next sweep.
        return []
    _reminders_email(written)
    return [reminder for reminder, _users in written]


def reminder_send(*, obligation_id: int, kind: str, now: datetime) -> Reminder | None:
    """Send one reminder, exactly once (see `_reminders_write`): nothing is sent twice, however
    many sweeps run, and nothing for a report that was submitted meanwhile. Returns the
    reminder, or None when there was nothing to send."""
    obligation = _reminder_obligations().filter(pk=obligation_id).first()
    if obligation is None:
        return None
    written = _reminders_send([(obligation, kind)], now)
    return written[0] if written else None


def reminder_sweep(*, now: datetime | None = None) -> int:
    """Send every reminder that is due now to units that have not submitted; returns how many
    were sent. Safe to run twice at the same time. The obligations that may be due are read in
    one query and their reminders so far in one more; which reminder is due is decided by
    `reminder_due` and `escalation_due`, and they are written and mailed a chunk at a time.
    Reminders written earlier whose email failed are mailed again first."""
    now = now or timezone.now()
    candidates = (
        _reminder_obligations()
        .filter(unit__status=CreationUnit.Status.CREATING)
        .exclude(
            Exists(
                Submission.objects.filter(
                    obligation=OuterRef("pk"), first_submitted_at__isnull=False
                )
            )
        )
        .filter(due_at__lte=now + _widest_lead(), due_at__gte=now - _longest_tail())
        .annotate(programme_pk=F("unit__batch__programme_id"))
    )
    obligations = {obligation.pk: obligation for obligation in candidates}
    kinds_sent: dict[int, set[str]] = defaultdict(set)
    unmailed = []
    for reminder in (
        Reminder.objects.filter(obligation_id__in=obligations)
        .only("obligation_id", "kind", "emailed_at")
        .order_by()
    ):
        kinds_sent[reminder.obligation_id].add(reminder.kind)
        if reminder.emailed_at is None:
            reminder.obligation = obligations[reminder.obligation_id]
            unmailed.append(reminder)
    _reminders_email(
        list(
            zip(
                unmailed,
                _reminder_recipients(
                    [(reminder.obligation, reminder.kind) for reminder in unmailed]
                ),
                strict=True,
            )
        )
    )

    settings = ReportingSettings.for_programmes({ob.programme_pk for ob in obligations.values()})
    rules = {programme_id: stored.reminders() for programme_id, stored in settings.items()}
    due = []
    for obligation in obligations.values():
        when = {
            "due_at": obligation.due_at,
            "now": now,
            "sent": kinds_sent[obligation.pk],
            "settings": rules[obligation.programme_pk],
        }
        kind = reminder_due(**when)
        if kind is not None:
            due.append((obligation, kind))
        if escalation_due(**when):
            due.append((obligation, "escalation"))
    sent = 0
    for start in range(0, len(due), REMINDER_CHUNK):
        sent += len(_reminders_send(due[start : start + REMINDER_CHUNK], now))
    return sent


def _widest_lead() -> timedelta:
    days = [max(s.reminder_days_before or [0]) for s in ReportingSettings.objects.all()]
    return timedelta(days=max([7, *days]))


def _longest_tail() -> timedelta:
    days = [s.reminder_stop_after_days for s in ReportingSettings.objects.all()]
    return timedelta(days=max([90, *days]) + 1)


# --- Calendar feeds -------------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_replace(*, user: Any, unit: CreationUnit) -> CalendarFeed:
    """Create the user's private iCalendar link to the unit's deadlines, or give it a new token;
    the old link stops working at once."""
    if user_scope(user).read_only or not (
        CreationUnit.objects.visible_to(user).filter(pk=unit.pk).exists()
    ):
        raise PermissionDenied(_("You cannot follow this unit's deadlines."))
    feed = CalendarFeed.objects.select_for_update().filter(owner=user, unit=unit).first()
    if feed is None:
        feed = CalendarFeed(owner=user, unit=unit)
    else:
        feed.token = new_feed_token()
    feed.full_clean()
    feed.save()
    return feed


# --- Generated documents (reporting.documents) ----------------------------------------------------


@dataclass(frozen=True)
class DocumentAccess:
    """What `document_access` allows: the kind, the unit the document is about, the parameters
    with the unit's id, and whether it is a draft that only the office may read."""

    kind: DocumentKind
    unit: CreationUnit | None
    params: dict[str, Any]
    office_only: bool


def document_access(*, user: Any, kind: str, params: dict[str, Any]) -> DocumentAccess:
    """The one decision on who may have a document made and read, for the pages, the API and
    the command line: anyone who sees the document's unit, read-only accounts aside; a draft
    (an inspection letter not yet sent, C7) only the office of the unit's programme. Raises
    ValidationError (unknown kind, format or unit) or PermissionDenied."""
    try:
        document_kind = document_kind_get(kind)
    except DocumentError as error:
        raise ValidationError({"kind": str(error)}) from None
    if not document_kind.unit_param:  # e.g. a bulletin: asked for on its own page, scoped there
        raise ValidationError({"kind": _("This document is asked for on its own page.")})
    scope = user_scope(user)
    if scope.read_only:
        raise PermissionDenied(_("This account only reads."))
    unit_id = params.get(document_kind.unit_param)
    unit = (
        CreationUnit.objects.visible_to(user).select_related("batch").filter(pk=unit_id).first()
        if isinstance(unit_id, int) or str(unit_id).isdigit()
        else None
    )
    if unit is None:
        raise ValidationError({"params": _("Name a creation unit you can see.")})
    params = {**params, document_kind.unit_param: unit.pk}
    office_only = document_kind.draft(params)
    if office_only and not scope.can_run_programme(unit.batch.programme_id):
        raise PermissionDenied(
            _("This document is a draft until the office sends it; you can read it then.")
        )
    return DocumentAccess(document_kind, unit, params, office_only)


def document_may_request(*, user: Any, kind: str, params: dict[str, Any]) -> bool:
    """Whether `document_access` lets the user ask for the document (for a page's buttons)."""
    try:
        document_access(user=user, kind=kind, params=params)
    except (ValidationError, PermissionDenied):
        return False
    return True


@transaction.atomic
def document_job_request(
    *, user: Any, kind: str, format: str, params: dict[str, Any]
) -> DocumentJob:
    """Queue a document for a worker to render (document_job_run, started after commit), when
    `document_access` allows it; a draft's job is kept from all but the office."""
    if format not in DocumentJob.Format.values:
        raise ValidationError({"format": _("Choose PDF or Word (.docx).")})
    access = document_access(user=user, kind=kind, params=params)
    unit = access.unit
    job = DocumentJob(
        kind=kind,
        format=format,
        params=access.params,
        unit=unit,
        programme=unit.batch.programme if unit else None,
        requested_by=user,
        office_only=access.office_only,
        language=get_language() or django_settings.LANGUAGE_CODE,
    )
    job.full_clean()
    job.save()
    document_job_enqueue_on_commit(job)
    return job


# reporting.tasks wraps the services of this module, so the services name the task that runs a
# job instead of importing it; ReportingConfig.ready() imports reporting.tasks, so the name is
# registered in every process (web, worker, beat, tests).
DOCUMENT_JOB_RUN_TASK = "reporting.tasks.document_job_run_task"


def document_job_run_task() -> Task:
    return current_app.tasks[DOCUMENT_JOB_RUN_TASK]


def document_job_enqueue_on_commit(job: DocumentJob) -> None:
    """Publish the job for a worker once the transaction that saved it commits. The job is
    committed whatever the broker does: when it is down, the job stays queued, its page keeps
    waiting, and document_jobs_requeue publishes it again."""
    enqueue_on_commit(document_job_run_task(), job.pk)


def document_render_for(
    *, user: Any | None, kind: str, params: dict[str, Any], format: str
) -> RenderedDocument:
    """Render a document at once (the command line), with the decision of `document_access`
    for the user named; without a user, only what every reader of the unit may read (no
    drafts)."""
    if user is not None:
        params = document_access(user=user, kind=kind, params=params).params
    elif document_kind_get(kind).draft(params):
        raise PermissionDenied(
            _("This document is a draft until the office sends it; you can read it then.")
        )
    return document_render(kind=kind, params=params, format=format)


def document_jobs_requeue(*, now: datetime | None = None) -> int:
    """Publish again the jobs whose message may be lost: still queued a while after they were
    asked for (the broker was down, or the message was dropped), or running for longer than a
    worker may run one (its worker died and the broker did not hand the message back). A job
    still waiting its turn in a long queue is published twice; document_job_run then renders it
    once. Jobs nobody could make within a day are failed, so that their page stops waiting.
    Run by beat; returns how many were published."""
    now = now or timezone.now()
    Status = DocumentJob.Status
    give_up = now - timedelta(seconds=django_settings.DOCUMENT_JOB_GIVE_UP_SECONDS)
    for job_id in DocumentJob.objects.filter(
        status__in=[Status.QUEUED, Status.RUNNING], created_at__lt=give_up
    ).values_list("pk", flat=True):
        _document_job_finish(DocumentJob(pk=job_id), error=_("The document could not be made."))
    stale = DocumentJob.objects.filter(
        Q(
            status=Status.QUEUED,
            created_at__lt=now - timedelta(seconds=django_settings.DOCUMENT_JOB_REQUEUE_SECONDS),
        )
        | Q(status=Status.RUNNING, started_at__lt=now - _document_job_lease())
    )
    published = 0
    for job_id in stale.values_list("pk", flat=True):
        published += enqueue(document_job_run_task(), job_id)
    return published


def _document_job_lease() -> timedelta:
    # A worker cannot hold a job longer than the task's hard time limit: past it the job's
    # worker is gone, whoever started it.
    return timedelta(seconds=document_job_run_task().time_limit + 30)


def document_jobs_shown_stale(places: Iterable[tuple[int | None, int | None]]) -> None:
    """Document jobs of these (unit, programme) were written: the pages of whoever sees them
    (DocumentJob.objects.visible_to) are stale, and no other page is. Every write to the jobs
    tells it: their saves and deletes through `document_job_written`, the services' updates
    here, so that no write to them drops every page (portal.page_cache)."""
    places = set(places)
    shown_rows_stale(
        unit_ids={unit for unit, _programme in places if unit is not None},
        programme_ids={
            programme for unit, programme in places if unit is None and programme is not None
        },
    )


def document_job_written(sender: Any, instance: DocumentJob, **kwargs: Any) -> None:
    """A job saved or deleted (a receiver of post_save and post_delete)."""
    document_jobs_shown_stale([(instance.unit_id, instance.programme_id)])


def _job_progress(job: DocumentJob, percent: int, stage: str) -> None:
    # Outside any transaction, so that the page polling the job sees it move.
    DocumentJob.objects.filter(pk=job.pk, status=DocumentJob.Status.RUNNING).update(
        progress=percent, stage=stage
    )
    document_jobs_shown_stale([(job.unit_id, job.programme_id)])  # the list shows the percent


def document_job_run(*, job_id: int, run_id: str | None = None) -> DocumentJob:
    """Render a queued document, store its file and tell the person who asked. Runs once: a job
    already done or failed is returned as it is. A failure is recorded on the job (the page then
    says why) instead of being raised.

    `run_id` is the Celery task id. Messages are acknowledged late, so a message whose worker
    died comes back with the same id, while a second publish (document_jobs_requeue) has a new
    one. Hence: a job running under another id, within the lease, is left to its worker (the
    duplicate returns at once); the same id coming back means its earlier run is dead (the
    broker redelivers only after the worker is lost or after the visibility timeout, which is
    longer than the task's time limit), so the job is rendered again from the start."""
    with transaction.atomic():
        job = DocumentJob.objects.select_for_update().get(pk=job_id)
        if job.finished:
            return job
        now = timezone.now()
        if (
            run_id is not None
            and job.status == DocumentJob.Status.RUNNING
            and job.run_id != run_id
            and job.started_at is not None
            and job.started_at > now - _document_job_lease()
        ):
            return job
        job.status, job.progress, job.started_at = DocumentJob.Status.RUNNING, 5, now
        job.stage = DocumentJob.Stage.FIGURES
        job.run_id = run_id or ""
        job.save(update_fields=["status", "progress", "stage", "started_at", "run_id"])
    try:
        if not job.office_only and document_kind_get(job.kind).draft(job.params):
            # Asked for once final, but a draft again now (its letter withdrawn): the file would
            # go to readers who may not read a draft.
            raise DocumentError(_("The document is a draft again; ask for it once it is sent."))
        with translation.override(job.language):
            rendered = document_render(
                kind=job.kind,
                params=job.params,
                format=job.format,
                progress=partial(_job_progress, job),
            )
    except Exception as error:
        # Whatever went wrong, the job must end, or its page would wait for ever.
        logger.exception("Document job %s failed", job.pk)
        message = (
            str(error) if isinstance(error, DocumentError) else _("The document could not be made.")
        )
        return _document_job_finish(job, error=message)
    return _document_job_finish(job, rendered=rendered)


@transaction.atomic
def _document_job_finish(
    job: DocumentJob, *, rendered: RenderedDocument | None = None, error: str = ""
) -> DocumentJob:
    job = DocumentJob.objects.select_for_update().get(pk=job.pk)
    if job.finished:  # a run that was given up on, or a duplicate, finished it meanwhile
        return job
    if rendered is not None:
        # The file is written whole before the row says done, and both in this transaction: a
        # worker killed while writing leaves the job running (its message comes back and the
        # job is made again), never a done job with a partial file. A killed write leaves only
        # an unreferenced file under a fresh random name.
        job.file.save(f"document.{job.format}", ContentFile(rendered.content), save=False)
        job.file_name = rendered.filename[:200]
        job.status, job.progress = DocumentJob.Status.DONE, 100
    else:
        job.status, job.error = DocumentJob.Status.FAILED, error
    job.finished_at = timezone.now()
    job.stage, job.document_key = "", job.document_key or job.key()
    job.save(
        update_fields=[
            *("file", "file_name", "status", "progress", "error", "finished_at"),
            *("stage", "document_key"),
        ]
    )
    if rendered is not None:
        _document_job_replace_older(job)
    if job.requested_by_id:
        with translation.override(job.language):
            title = (
                _("Your document is ready: %(name)s") % {"name": job.file_name}
                if rendered is not None
                else _("Your document could not be made")
            )
            notification_send(
                recipients=[job.requested_by],
                title=title,
                body=job.error,
                link=reverse("reporting:document-job", kwargs={"pk": job.pk}),
                key=f"document-job-{job.pk}",
            )
    return job


def _document_job_replace_older(job: DocumentJob) -> None:
    """The new file of a document replaces the files of its earlier jobs (the same document:
    `DocumentJob.document_key`), so that a document made again adds no file. Their rows stay
    and point to the new job, so their links lead to the new file; their files are deleted
    once the new one is committed. A file sent with a report is part of the record and is
    kept."""
    older = DocumentJob.objects.filter(
        document_key=job.document_key,
        pk__lt=job.pk,
        status__in=[DocumentJob.Status.DONE, DocumentJob.Status.EXPIRED],
        attached_to__isnull=True,
    ).exclude(replaced_by=job)
    rows = list(older.select_for_update().values_list("pk", "file"))
    if not rows:
        return
    ids = [pk for pk, _file in rows]
    # Links through an earlier replacement lead to the newest file too.
    DocumentJob.objects.filter(replaced_by_id__in=ids).update(replaced_by=job)
    older.filter(pk__in=ids).update(replaced_by=job, file="")
    # The same document (document_key): the job's unit or programme.
    document_jobs_shown_stale([(job.unit_id, job.programme_id)])
    _files_delete_on_commit([name for _pk, name in rows if name])


def _files_delete_on_commit(names: list[str]) -> None:
    # Deleted only once the rows that no longer name them are committed: a rollback leaves
    # every row with its file.
    if names:
        transaction.on_commit(partial(_files_delete, names))


def _files_delete(names: list[str]) -> None:
    storage = DocumentJob._meta.get_field("file").storage
    for name in names:
        storage.delete(name)  # a file already gone (a second run) is no error


def document_files_expire(*, now: datetime | None = None, batch: int = 1000) -> int:
    """Remove the files of documents made more than settings.DOCUMENT_RETENTION_DAYS ago: the
    file leaves storage and its job says "removed after the retention period", so no page
    links to it (the document can be asked for again). A file sent with a report is part of
    the record and is kept. Set-based, in batches; running it twice removes nothing more. Run
    daily by beat; returns how many files were removed."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=django_settings.DOCUMENT_RETENTION_DAYS)
    Status = DocumentJob.Status
    removed = 0
    while True:
        with transaction.atomic():
            expired = (
                DocumentJob.objects.filter(
                    status=Status.DONE,
                    finished_at__lt=cutoff,
                    attached_to__isnull=True,
                    replaced_by__isnull=True,  # its file is already gone; its link leads on
                )
                .select_for_update(skip_locked=True)
                .order_by("pk")[:batch]
            )
            rows = list(expired.values_list("pk", "file", "unit_id", "programme_id"))
            if not rows:
                return removed
            DocumentJob.objects.filter(pk__in=[row[0] for row in rows]).update(
                status=Status.EXPIRED, file=""
            )
            document_jobs_shown_stale((unit, programme) for _pk, _file, unit, programme in rows)
            _files_delete_on_commit([name for _pk, name, _unit, _programme in rows if name])
        removed += len(rows)
