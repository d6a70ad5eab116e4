"""Supervision (docs/rules.md §4): the office's inspections of a unit (R4.1) with their team,
checklist, findings, rectification items and written feedback letter, and the unit's
half-yearly self-inspection (R4.2).

The tables were created by the creation app before supervision had an app of its own; they keep
their names (`db_table`) so that moving the models moved no rows."""

from __future__ import annotations

from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from creation.models import (
    Programme,
    ProgrammeSettings,
    UnitRecordQuerySet,
    programme_settings_field,
)
from creation.scope import ScopedQuerySet, UserScope
from inspections.rules import (
    DEFAULT_MAX_PER_YEAR,
    DEFAULT_MIN_PER_YEAR,
    DEFAULT_REMINDER_DAYS_AFTER,
    DEFAULT_REMINDER_DAYS_BEFORE,
    RectificationStatus,
    valid_rule_id,
)
from portal.uploads import DocumentUploadValidator

validate_evidence_upload = DocumentUploadValidator(
    ("pdf", "docx", "png", "jpg", "xlsx"), "MINUTES_MAX_UPLOAD_MB"
)


def evidence_path(instance: models.Model, filename: str) -> str:
    # The stored name never comes from the uploader; the original name is kept in a field.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"inspections/{instance._meta.model_name}/{uuid4().hex}.{suffix[:8]}"


def default_days_before() -> list[int]:
    return list(DEFAULT_REMINDER_DAYS_BEFORE)


def default_days_after() -> list[int]:
    return list(DEFAULT_REMINDER_DAYS_AFTER)


def _unit_scoped(path: str) -> type[ScopedQuerySet]:
    return type(
        f"{path.title().replace('_', '')}QuerySet", (UnitRecordQuerySet,), {"unit_path": path}
    )


class InspectionSettingsQuerySet(ScopedQuerySet):
    def scope_q(self, scope: UserScope) -> Q | None:
        return Q(programme__in=Programme.objects.filter(Programme.objects.all().scope_q(scope)))


class InspectionSettings(ProgrammeSettings):
    """A programme's supervision settings. The defaults are docs/rules.md R4.1's ("once or twice a
    year"); the office changes them in the admin. A programme without a row uses the defaults."""

    programme = programme_settings_field("inspection_settings")
    min_per_year = models.PositiveSmallIntegerField(
        _("inspections per unit and year, at least"), default=DEFAULT_MIN_PER_YEAR
    )
    max_per_year = models.PositiveSmallIntegerField(
        _("inspections per unit and year, at most"),
        default=DEFAULT_MAX_PER_YEAR,
        validators=[MinValueValidator(1)],
    )
    reminder_days_before = models.JSONField(
        _("remind days before a rectification deadline"), default=default_days_before
    )
    reminder_days_after = models.JSONField(
        _("remind days after a rectification deadline"), default=default_days_after
    )

    objects = InspectionSettingsQuerySet.as_manager()

    class Meta:
        db_table = "creation_inspectionsettings"
        verbose_name = _("inspection settings")
        verbose_name_plural = _("inspection settings")
        ordering = ["programme_id"]

    def __str__(self) -> str:
        return str(self.programme)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (
            self.max_per_year is not None
            and self.min_per_year is not None
            and self.max_per_year < self.min_per_year
        ):
            errors["max_per_year"] = _("The maximum cannot be below the minimum.")
        for name in ("reminder_days_before", "reminder_days_after"):
            days = getattr(self, name)
            if not isinstance(days, list) or not all(
                isinstance(d, int) and 0 < d <= 90 for d in days
            ):
                errors[name] = _("Give a list of whole days between 1 and 90, e.g. [7, 1].")
        if errors:
            raise ValidationError(errors)


class Inspection(models.Model):
    """One visit of an office inspection team to a unit (督导检查, R4.1)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        FEEDBACK_SENT = "feedback_sent", _("Feedback sent")

    unit = models.ForeignKey(
        "creation.CreationUnit",
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="inspections",
    )
    planned_start = models.DateField(_("planned from"))
    planned_end = models.DateField(_("planned until"))
    held_start = models.DateField(_("held from"), null=True, blank=True)
    held_end = models.DateField(_("held until"), null=True, blank=True)
    leader_name = models.CharField(_("team leader"), max_length=100)
    leader_position = models.CharField(_("team leader's position"), max_length=200)
    scope = models.TextField(_("scope of the inspection"))
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = _unit_scoped("unit__").as_manager()

    class Meta:
        db_table = "creation_inspection"
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-planned_start", "-id"]
        indexes = [
            models.Index(fields=["unit", "planned_start"]),
            # The lists of every unit's inspections, newest first, read a page off this (in
            # reverse) instead of sorting the whole programme's inspections.
            models.Index(fields=["planned_start", "id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=models.F("planned_start")),
                name="inspection_planned_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.planned_start:%Y-%m-%d}"

    @property
    def year(self) -> int:
        return self.planned_start.year

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("The planned end cannot be before the planned start.")
        if self.held_start and self.held_end and self.held_end < self.held_start:
            errors["held_end"] = _("The inspection cannot end before it started.")
        if self.held_end and not self.held_start:
            errors["held_start"] = _("Give the day the inspection started.")
        if errors:
            raise ValidationError(errors)


class TeamMember(models.Model):
    """A member of the inspection team besides its leader."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    position = models.CharField(_("position"), max_length=200)

    objects = _unit_scoped("inspection__unit__").as_manager()

    class Meta:
        db_table = "creation_teammember"
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["inspection_id", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.position}）"


class ChecklistResult(models.TextChoices):
    NOT_CHECKED = "not_checked", _("Not checked")
    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not_met", _("Not met")


class ChecklistEntry(models.Model):
    """One point checked against the creation standard: an indicator of it, or free text. The
    team's checklist of an inspection and the unit's own self-inspection list the same points."""

    indicator = models.ForeignKey(
        "scoring.Indicator",
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.CharField(_("item"), max_length=300)
    result = models.CharField(
        _("result"),
        max_length=12,
        choices=ChecklistResult.choices,
        default=ChecklistResult.NOT_CHECKED,
    )
    remark = models.TextField(_("remark"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.text


class ChecklistItem(ChecklistEntry):
    """One point the team checks during an inspection."""

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        on_delete=models.CASCADE,
        related_name="checklist",
    )

    objects = _unit_scoped("inspection__unit__").as_manager()

    class Meta:
        db_table = "creation_checklistitem"
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["inspection_id", "sort_order", "id"]


def validate_rule_id(value: str) -> None:
    if value and not valid_rule_id(value):
        raise ValidationError(_("Give the id of a rule, such as R1.3 or R4.1."))


class Finding(models.Model):
    """A problem the team found (发现问题), with what the unit must do about it."""

    class Severity(models.TextChoices):
        MINOR = "minor", _("Minor")
        MAJOR = "major", _("Major")
        SERIOUS = "serious", _("Serious")

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    rule_id = models.CharField(
        _("rule"),
        max_length=5,
        blank=True,
        validators=[validate_rule_id],
        help_text=_("The rule that is not met, e.g. R1.3."),
    )
    indicator = models.ForeignKey(
        "scoring.Indicator",
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("description"))
    requirement = models.TextField(_("rectification requirement"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = _unit_scoped("inspection__unit__").as_manager()

    class Meta:
        db_table = "creation_finding"
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection_id", "id"]

    def __str__(self) -> str:
        return self.description[:60]

    def clean(self) -> None:
        if not self.rule_id and not self.indicator_id:
            raise ValidationError(
                {"rule_id": _("Name the rule or the indicator the finding is about.")}
            )


class FindingEvidence(models.Model):
    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(
        _("file"), upload_to=evidence_path, max_length=200, validators=[validate_evidence_upload]
    )
    name = models.CharField(_("file name"), max_length=200)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = _unit_scoped("finding__inspection__unit__").as_manager()

    class Meta:
        db_table = "creation_findingevidence"
        verbose_name = _("evidence of a finding")
        verbose_name_plural = _("evidence of findings")
        ordering = ["finding_id", "id"]

    def __str__(self) -> str:
        return self.name


class Rectification(models.Model):
    """What the unit must put right for one finding (整改), through open → in progress →
    submitted with evidence → verified by the office, or reopened with a reason → submitted
    again. Every change is a RectificationEvent; nothing is deleted."""

    class Status(models.TextChoices):
        OPEN = RectificationStatus.OPEN, pgettext_lazy("rectification status", "Open")
        IN_PROGRESS = RectificationStatus.IN_PROGRESS, _("In progress")
        SUBMITTED = RectificationStatus.SUBMITTED, _("Submitted by the unit")
        REOPENED = RectificationStatus.REOPENED, _("Reopened")
        VERIFIED = RectificationStatus.VERIFIED, _("Verified")

    finding = models.OneToOneField(
        Finding,
        verbose_name=_("finding"),
        on_delete=models.CASCADE,
        related_name="rectification",
    )
    owner = models.CharField(
        _("responsible"), max_length=200, help_text=_("The person or department responsible.")
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=RectificationStatus.OPEN
    )
    report = models.TextField(_("rectification report"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = _unit_scoped("finding__inspection__unit__").as_manager()

    class Meta:
        db_table = "creation_rectification"
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.finding} · {self.deadline:%Y-%m-%d}"


class RectificationEvidence(models.Model):
    rectification = models.ForeignKey(
        Rectification,
        verbose_name=_("rectification item"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(
        _("file"), upload_to=evidence_path, max_length=200, validators=[validate_evidence_upload]
    )
    name = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = _unit_scoped("rectification__finding__inspection__unit__").as_manager()

    class Meta:
        db_table = "creation_rectificationevidence"
        verbose_name = _("rectification evidence")
        verbose_name_plural = _("rectification evidence")
        ordering = ["rectification_id", "id"]

    def __str__(self) -> str:
        return self.name


class RectificationEvent(models.Model):
    """One change of state of a rectification item: who, when, from, to, and why."""

    rectification = models.ForeignKey(
        Rectification,
        verbose_name=_("rectification item"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    from_status = models.CharField(
        _("from"), max_length=12, choices=Rectification.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=Rectification.Status.choices)
    comment = models.TextField(_("comment"), blank=True)

    objects = _unit_scoped("rectification__finding__inspection__unit__").as_manager()

    class Meta:
        db_table = "creation_rectificationevent"
        verbose_name = _("rectification event")
        verbose_name_plural = _("rectification events")
        ordering = ["rectification_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class RectificationReminder(models.Model):
    """A deadline reminder of one kind ("before-7", "after-1", …) for one item; the unique
    constraint makes each go out exactly once."""

    rectification = models.ForeignKey(
        Rectification,
        verbose_name=_("rectification item"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("kind"), max_length=20)
    sent_at = models.DateTimeField(_("sent at"))
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    objects = _unit_scoped("rectification__finding__inspection__unit__").as_manager()

    class Meta:
        db_table = "creation_rectificationreminder"
        verbose_name = _("rectification reminder")
        verbose_name_plural = _("rectification reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["rectification", "kind"], name="rectification_reminder_once_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rectification_id} · {self.kind}"


class FeedbackLetter(models.Model):
    """The written feedback (书面反馈) of an inspection, as sent to the local and the provincial
    people's government (R4.1)."""

    inspection = models.OneToOneField(
        Inspection,
        verbose_name=_("inspection"),
        on_delete=models.PROTECT,
        related_name="letter",
    )
    local_government = models.CharField(_("local people's government"), max_length=200)
    provincial_government = models.CharField(_("provincial people's government"), max_length=200)
    document_number = models.CharField(_("document number (文号)"), max_length=100)
    sent_on = models.DateField(_("sent on"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = _unit_scoped("inspection__unit__").as_manager()

    class Meta:
        db_table = "creation_feedbackletter"
        verbose_name = _("feedback letter")
        verbose_name_plural = _("feedback letters")
        ordering = ["-sent_on", "-id"]

    def __str__(self) -> str:
        return self.document_number


class SelfInspection(models.Model):
    """A unit's half-yearly self-inspection (自查报告, R4.2) against the inspection checklist,
    under its leadership group. It is the structured content of the unit's `self_inspection`
    obligation: submitting it submits that obligation's report through the reporting workflow,
    where the office reviews it and the provincial departments read their copy."""

    unit = models.ForeignKey(
        "creation.CreationUnit",
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="self_inspections",
    )
    obligation = models.OneToOneField(
        "reporting.Obligation",
        verbose_name=_("obligation"),
        # An obligation leaves the calendar only while no report was started for it.
        on_delete=models.CASCADE,
        related_name="self_inspection",
    )
    meeting = models.ForeignKey(
        "creation.Meeting",
        verbose_name=_("leadership-group meeting that approved it"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = _unit_scoped("unit__").as_manager()

    class Meta:
        db_table = "creation_selfinspection"
        verbose_name = _("self-inspection")
        verbose_name_plural = _("self-inspections")
        ordering = ["-obligation__period_start", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.obligation.period_label}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.obligation_id and self.unit_id and self.obligation.unit_id != self.unit_id:
            errors["obligation"] = _("The obligation belongs to another unit.")
        if self.obligation_id and self.obligation.type != "self_inspection":
            errors["obligation"] = _("Choose a self-inspection obligation.")
        if self.meeting_id and self.unit_id and self.meeting.unit_id != self.unit_id:
            errors["meeting"] = _("Choose a meeting of the unit's own leadership group.")
        if errors:
            raise ValidationError(errors)


class SelfInspectionItem(ChecklistEntry):
    """One point of a self-inspection, as the unit judged it."""

    self_inspection = models.ForeignKey(
        SelfInspection,
        verbose_name=_("self-inspection"),
        on_delete=models.CASCADE,
        related_name="items",
    )

    objects = _unit_scoped("self_inspection__unit__").as_manager()

    class Meta:
        db_table = "creation_selfinspectionitem"
        verbose_name = _("self-inspection item")
        verbose_name_plural = _("self-inspection items")
        ordering = ["self_inspection_id", "sort_order", "id"]
