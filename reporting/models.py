"""Models of reporting (R5, with R3.3 and R4.2): the schedule settings of a programme, the
obligations of each unit, their submissions and review, and the reminders sent."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from creation.models import (
    CreationUnit,
    Programme,
    ProgrammeSettings,
    UnitRecordQuerySet,
    programme_settings_field,
)
from creation.scope import ScopedQuerySet, UserScope
from portal.cache import FigureInputsTracked
from portal.uploads import DocumentUploadValidator
from reporting.rules import (
    SUBMITTED_STATUSES,
    ObligationType,
    ReminderSettings,
    ScheduleSettings,
    is_on_time,
    is_submitted,
)

DAY_OF_MONTH = [MinValueValidator(1), MaxValueValidator(31)]


def default_days_before() -> list[int]:
    return [7, 1]


class ReportingSettingsQuerySet(ScopedQuerySet):
    def scope_q(self, scope: UserScope) -> Q | None:
        return Q(programme__in=Programme.objects.filter(Programme.objects.all().scope_q(scope)))


class ReportingSettings(ProgrammeSettings):
    """A programme's deadlines and reminders. The defaults are docs/rules.md §5's; the office changes
    them in the admin. A programme without a row uses the defaults."""

    programme = programme_settings_field("reporting_settings")
    monthly_due_day = models.PositiveSmallIntegerField(
        _("monthly items due on day"), default=5, validators=DAY_OF_MONTH
    )
    periodic_due_day = models.PositiveSmallIntegerField(
        _("quarterly and half-yearly items due on day"), default=10, validators=DAY_OF_MONTH
    )
    half_year_due_day = models.PositiveSmallIntegerField(
        _("fund report and self-inspection due on day"), default=15, validators=DAY_OF_MONTH
    )
    reminder_days_before = models.JSONField(
        _("remind days before the deadline"), default=default_days_before
    )
    reminder_first_day_after = models.PositiveSmallIntegerField(
        _("first reminder days after the deadline"), default=1
    )
    reminder_repeat_days = models.PositiveSmallIntegerField(
        _("then remind every (days)"), default=7, validators=[MinValueValidator(1)]
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("tell the provincial culture reviewer after (days overdue)"), default=7
    )
    reminder_stop_after_days = models.PositiveSmallIntegerField(
        _("stop reminding after (days overdue)"), default=90
    )

    objects = ReportingSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting settings")
        verbose_name_plural = _("reporting settings")
        ordering = ["programme_id"]

    def __str__(self) -> str:
        return str(self.programme)

    def clean(self) -> None:
        days = self.reminder_days_before
        if not isinstance(days, list) or not all(isinstance(d, int) and 0 < d <= 60 for d in days):
            raise ValidationError(
                {
                    "reminder_days_before": _(
                        "Give a list of whole days between 1 and 60, e.g. [7, 1]."
                    )
                }
            )

    def schedule(self) -> ScheduleSettings:
        return ScheduleSettings(self.monthly_due_day, self.periodic_due_day, self.half_year_due_day)

    def reminders(self) -> ReminderSettings:
        return ReminderSettings(
            days_before=tuple(self.reminder_days_before),
            first_day_after=self.reminder_first_day_after,
            repeat_every_days=self.reminder_repeat_days,
            escalate_after_days=self.escalate_after_days,
            stop_after_days=self.reminder_stop_after_days,
        )


class Obligation(models.Model):
    """One report a unit owes for one period, with its due moment. Kept in step with the
    calendar by `obligations_sync`."""

    class Type(models.TextChoices):
        WORK_UPDATE = ObligationType.WORK_UPDATE, _("Work update (工作动态)")
        IN_DEPTH_REPORT = ObligationType.IN_DEPTH_REPORT, _("In-depth report (深度工作进展)")
        FUND_REPORT = ObligationType.FUND_REPORT, _("Half-yearly fund report (经费使用情况)")
        SELF_INSPECTION = (
            ObligationType.SELF_INSPECTION,
            _("Half-yearly self-inspection (自查报告)"),
        )

    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="obligations",
    )
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    period_label = models.CharField(_("period"), max_length=10)
    due_at = models.DateTimeField(_("due"))

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["due_at", "unit_id", "type"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "type", "period_start"], name="obligation_once_per_period"
            ),
        ]
        indexes = [models.Index(fields=["unit", "due_at"]), models.Index(fields=["due_at"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_type_display()} · {self.period_label}"

    @property
    def is_r5_2(self) -> bool:
        return self.type in (self.Type.WORK_UPDATE, self.Type.IN_DEPTH_REPORT)


class SubmissionQuerySet(UnitRecordQuerySet):
    unit_path = "obligation__unit__"


def attachment_path(instance: models.Model, filename: str) -> str:
    from uuid import uuid4

    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"submissions/{uuid4().hex}.{suffix[:8]}"


validate_attachment_upload = DocumentUploadValidator(
    ("pdf", "docx", "png", "jpg", "xlsx"), "MINUTES_MAX_UPLOAD_MB"
)


class Submission(FigureInputsTracked, models.Model):
    """The report that answers one obligation, through draft → submitted → accepted, or
    returned with a comment → resubmitted → … → accepted."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for changes")
        ACCEPTED = "accepted", pgettext_lazy("report review", "Accepted")

    obligation = models.OneToOneField(
        Obligation,
        verbose_name=_("obligation"),
        on_delete=models.CASCADE,
        related_name="submission",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    # The three sections of an in-depth report (R5.2).
    work_progress = models.TextField(_("work progress"), blank=True)
    design_research = models.TextField(_("institutional-design research progress"), blank=True)
    phased_results = models.TextField(_("phased results"), blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Fixed at the first submission: whether it came after the due moment.
    is_late = models.BooleanField(_("late"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-updated_at", "-id"]
        # By status, and within one in the order of the review queue (oldest submitted first):
        # a page of the queue is read off the index instead of sorting every submitted report.
        indexes = [models.Index(fields=["status", "submitted_at", "id"])]

    def __str__(self) -> str:
        return self.title

    # --- What every stored figure reads of a report: whether it counts as submitted, and when it
    # first was (C1: submitted_q, on_time_q, late_q). So do the R6.1 publicity base and with it
    # the rank of every unit ranked with this one (C4). A report that does not exist counts as
    # not submitted. A draft saved or a report accepted moves none; a first submission, a
    # report returned or one sent again does (`figures_moved`).
    FIGURE_INPUTS: ClassVar[frozenset[str]] = frozenset({"status", "first_submitted_at"})
    NO_ROW: ClassVar[tuple[bool, Any]] = (False, None)
    # portal.cache: a write that moves a figure of the report's unit can move its peers' ranks.
    moves_peer_ranking: ClassVar[bool] = True

    def _figure_inputs(self) -> tuple[bool, Any]:
        return (
            is_submitted(first_submitted_at=self.first_submitted_at, status=self.status),
            self.first_submitted_at,
        )

    @property
    def on_time(self) -> bool:
        """C1 (R6.1, R5): `reporting.rules.is_on_time` of this report."""
        return is_on_time(
            first_submitted_at=self.first_submitted_at,
            due_at=self.obligation.due_at,
            status=self.status,
        )


# --- C1 (R6.1, R5): "submitted" and "on time", set-based -----------------------------------------
# The one query form of reporting.rules.is_submitted / is_on_time, for scoring, the veto gauge,
# the dashboards, the status API and the API filters. `submission` is the path from the queried
# model to the Submission ("submission__" from an Obligation, "" from a Submission), `due_at` the
# path to the obligation's due moment.


def submitted_q(*, submission: str = "submission__") -> Q:
    """The office holds the report now: sent and not returned or withdrawn since."""
    return Q(
        **{
            f"{submission}first_submitted_at__isnull": False,
            f"{submission}status__in": sorted(SUBMITTED_STATUSES),
        }
    )


def on_time_q(*, submission: str = "submission__", due_at: str = "due_at") -> Q:
    """Submitted (`submitted_q`), and first submitted at or before the due moment."""
    return submitted_q(submission=submission) & Q(
        **{f"{submission}first_submitted_at__lte": F(due_at)}
    )


def late_q(*, submission: str = "submission__", due_at: str = "due_at") -> Q:
    """Submitted (`submitted_q`), but first submitted after the due moment."""
    return submitted_q(submission=submission) & Q(
        **{f"{submission}first_submitted_at__gt": F(due_at)}
    )


class SubmissionAttachmentQuerySet(UnitRecordQuerySet):
    unit_path = "submission__obligation__unit__"


class SubmissionAttachment(models.Model):
    submission = models.ForeignKey(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(
        _("file"),
        upload_to=attachment_path,
        max_length=200,
        validators=[validate_attachment_upload],
    )
    name = models.CharField(_("file name"), max_length=200)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = SubmissionAttachmentQuerySet.as_manager()
    # portal.cache: no stored figure reads a report's files (its pages do).
    figures_moved: ClassVar[bool] = False

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["submission_id", "id"]

    def __str__(self) -> str:
        return self.name


class SubmissionEventQuerySet(UnitRecordQuerySet):
    unit_path = "submission__obligation__unit__"


class SubmissionEvent(models.Model):
    """The history of a submission: who did what, when, with the reviewer's comment."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn to draft")
        RETURNED = "returned", _("Returned for changes")
        ACCEPTED = "accepted", pgettext_lazy("report review", "Accepted")

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    comment = models.TextField(_("comment"), blank=True)

    objects = SubmissionEventQuerySet.as_manager()
    # portal.cache: no stored figure reads a report's history (its pages do).
    figures_moved: ClassVar[bool] = False

    class Meta:
        verbose_name = _("submission event")
        verbose_name_plural = _("submission events")
        ordering = ["submission_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class ReminderQuerySet(UnitRecordQuerySet):
    unit_path = "obligation__unit__"


class Reminder(models.Model):
    """A reminder of one kind for one obligation. The unique constraint is what makes each
    reminder go out exactly once, however many sweeps run at the same time."""

    obligation = models.ForeignKey(
        Obligation, verbose_name=_("obligation"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=20)
    sent_at = models.DateTimeField(_("sent at"))
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["obligation", "kind"], name="reminder_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.obligation} · {self.kind}"


def new_feed_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


class CalendarFeedQuerySet(models.QuerySet):
    def visible_to(self, user) -> CalendarFeedQuerySet:
        # A feed link is personal: each user sees exactly their own.
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class CalendarFeed(models.Model):
    """A private iCalendar link to a unit's deadlines. Calendar programs cannot log in, so the
    token is the credential; it stops working when its owner can no longer see the unit or when
    it is replaced."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(fields=["owner", "unit"], name="calendar_feed_per_owner_unit")
        ]

    def __str__(self) -> str:
        return f"{self.owner} · {self.unit}"


# --- Generated documents --------------------------------------------------------------------------


class DocumentJobQuerySet(ScopedQuerySet):
    def scope_q(self, scope: UserScope) -> Q | None:
        # A document about a unit goes to whoever sees the unit; a document of a whole programme
        # (a bulletin, say) to whoever sees the programme.
        programmes = Programme.objects.filter(Programme.objects.all().scope_q(scope))
        seen = scope.units_q("unit__") | Q(unit__isnull=True, programme__in=programmes)
        # A draft (an inspection letter not yet sent, C7) stays with the office of its programme.
        return seen & (Q(office_only=False) | Q(programme__in=scope.office_programme_ids))


def document_path(instance: models.Model, filename: str) -> str:
    from uuid import uuid4

    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"documents/{uuid4().hex}.{suffix[:8]}"


def document_key(*, kind: str, format: str, language: str, office_only: bool, params: dict) -> str:
    """One text per document: the same kind, format, language and audience, with the same
    parameters (in any order), is the same document."""
    import json

    audience = "office" if office_only else "all"
    return f"{kind}|{format}|{language}|{audience}|{json.dumps(params, sort_keys=True)}"[:300]


class DocumentJob(models.Model):
    """One generated document (reporting.documents): who asked for which kind, in which format,
    how far the worker has got, and the file once it is done."""

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF")
        DOCX = "docx", _("Word (.docx)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        # Past the retention period (settings.DOCUMENT_RETENTION_DAYS): the file is gone.
        EXPIRED = "expired", _("Removed after the retention period")

    class Stage(models.TextChoices):
        """How far a running job has got, for its page."""

        FIGURES = "figures", _("Gathering the figures")
        LAYOUT = "layout", _("Laying out the document")
        STORING = "storing", _("Storing the file")

    kind = models.CharField(_("document"), max_length=50)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10)
    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="document_jobs",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="document_jobs",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="document_jobs",
    )
    # Set when the document was asked for as a draft (reporting.services.document_access): the
    # file then stays with the office of the programme, even after the document is final.
    office_only = models.BooleanField(_("draft for the office"), default=False, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices, blank=True)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200, blank=True)
    # Which document this is, whoever asked for it: kind, format, language, audience and
    # parameters. A newer file of the same document replaces the older one
    # (reporting.services.document_job_run).
    document_key = models.CharField(max_length=300, blank=True, editable=False, db_index=True)
    # The newer job whose file replaced this one's; this job's links lead there.
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # The report this file was sent with: part of the record, so neither a newer file of the
    # same document nor the retention period removes it.
    attached_to = models.ForeignKey(
        Submission,
        verbose_name=_("attached to report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The Celery task id of the run that holds the job (reporting.services.document_job_run).
    run_id = models.CharField(max_length=64, blank=True, editable=False)

    objects = DocumentJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "kind", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="document_job_progress_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.file_name or f"{self.kind} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.EXPIRED)

    def key(self) -> str:
        return document_key(
            kind=self.kind,
            format=self.format,
            language=self.language,
            office_only=self.office_only,
            params=self.params,
        )
