"""Models of fund-use plans, their provincial review and filing, ring-fenced spending and half-yearly fund reports (docs/rules.md §3).

Money is `DecimalField(max_digits=14, decimal_places=2)`: yuan with two decimals, never float.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creation.models import CreationUnit, UnitRecordQuerySet, cycle_over_number, day_number
from creation.scope import ScopedQuerySet, UserScope
from funds.rules import DateRefusal, Outcome, PlanStatus, Source, Stage, spending_date_refusal
from portal.uploads import DocumentUploadValidator

MONEY = {"max_digits": 14, "decimal_places": 2}
POSITIVE = [MinValueValidator(Decimal("0.01"))]
NOT_NEGATIVE = [MinValueValidator(Decimal("0.00"))]

validate_voucher_upload = DocumentUploadValidator(("pdf", "png", "jpg"), "MINUTES_MAX_UPLOAD_MB")
validate_rules_upload = DocumentUploadValidator(("pdf", "docx"), "MINUTES_MAX_UPLOAD_MB")


def _upload_path(folder: str, filename: str) -> str:
    # The stored name never comes from the uploader; the original name is kept in a field.
    from uuid import uuid4

    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"funds/{folder}/{uuid4().hex}.{suffix[:8]}"


def voucher_path(instance: models.Model, filename: str) -> str:
    return _upload_path("vouchers", filename)


def rules_path(instance: models.Model, filename: str) -> str:
    return _upload_path("rules", filename)


class SourceChoices(models.TextChoices):
    CENTRAL = Source.CENTRAL, _("Central subsidy (中央财政补助资金)")
    LOCAL = Source.LOCAL, _("Local creation funds (地方创建资金)")


# The short labels of the sources, for tables.
SOURCE_SHORT = {Source.CENTRAL: _("Central"), Source.LOCAL: _("Local")}


# --- R3.1 categories ----------------------------------------------------------------------------


class FundCategoryQuerySet(ScopedQuerySet):
    def scope_q(self, scope: UserScope) -> Q | None:
        # The list of categories is reference data for every signed-in user.
        return Q()


class FundCategory(models.Model):
    """A spending category. The six of R3.1 are seeded; the office may add local-only ones or
    withdraw a category from central money, after which central lines in it can no longer spend."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    central_allowed = models.BooleanField(
        _("central subsidy allowed"),
        default=True,
        help_text=_("R3.1: the central subsidy may be spent in this category."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    objects = FundCategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("fund category")
        verbose_name_plural = _("fund categories")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


# --- Money in -----------------------------------------------------------------------------------


class CentralAllocation(models.Model):
    """Central subsidy allocated to a unit (中央财政补助资金下达)."""

    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="central_allocations",
    )
    amount = models.DecimalField(_("amount (yuan)"), validators=POSITIVE, **MONEY)
    allocated_on = models.DateField(_("allocated on"))
    document_number = models.CharField(
        _("document number"), max_length=100, help_text=_("文号 of the allocation notice.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("central subsidy allocation")
        verbose_name_plural = _("central subsidy allocations")
        ordering = ["unit_id", "-allocated_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="central_allocation_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_number} · {self.amount}"


class LocalFunding(models.Model):
    """Local creation funds a unit's government has committed, and how much of it is paid."""

    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="local_fundings",
    )
    committed_on = models.DateField(_("committed on"))
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    committed = models.DecimalField(_("committed (yuan)"), validators=POSITIVE, **MONEY)
    paid = models.DecimalField(
        _("paid (yuan)"), default=Decimal("0.00"), validators=NOT_NEGATIVE, **MONEY
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("local creation funds")
        verbose_name_plural = _("local creation funds")
        ordering = ["unit_id", "-committed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(committed__gt=0), name="local_funding_committed_positive"
            ),
            models.CheckConstraint(
                condition=Q(paid__gte=0) & Q(paid__lte=F("committed")),
                name="local_funding_paid_within_committed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committed_on} · {self.committed}"

    def clean(self) -> None:
        if self.paid is not None and self.committed is not None and self.paid > self.committed:
            raise ValidationError({"paid": _("More cannot be paid than was committed.")})


# --- Fund-use plans (R3.2) ----------------------------------------------------------------------


class FundPlanQuerySet(UnitRecordQuerySet):
    def with_latest(self) -> FundPlanQuerySet:
        """Each plan with the number and status of its latest version."""
        latest = FundPlanVersion.objects.filter(plan=models.OuterRef("pk")).order_by("-number")
        return self.annotate(
            latest_number=models.Subquery(latest.values("number")[:1]),
            latest_status=models.Subquery(latest.values("status")[:1]),
        )


class FundPlan(models.Model):
    """A unit's fund-use plan (经费使用方案). Its content lives in versions: each return by a
    reviewer asks for a new version, and every version is kept."""

    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="fund_plans",
    )
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = FundPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("fund-use plan")
        verbose_name_plural = _("fund-use plans")
        ordering = ["unit_id", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "title"], name="fund_plan_title_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class FundPlanVersionQuerySet(UnitRecordQuerySet):
    unit_path = "plan__unit__"


OPEN_STATUSES = (PlanStatus.DRAFT, PlanStatus.IN_REVIEW, PlanStatus.AWAITING_FILING)


class FundPlanVersion(models.Model):
    """One version of a plan: the management rules for central and local money and the budget
    lines, through draft → provincial review (finance and culture at once) → office filing."""

    class Status(models.TextChoices):
        DRAFT = PlanStatus.DRAFT, _("Draft")
        IN_REVIEW = PlanStatus.IN_REVIEW, _("In provincial review")
        AWAITING_FILING = PlanStatus.AWAITING_FILING, _("Awaiting filing by the office")
        RETURNED = PlanStatus.RETURNED, _("Returned for a new version")
        FILED = PlanStatus.FILED, _("Filed (备案)")

    plan = models.ForeignKey(
        FundPlan, verbose_name=_("fund-use plan"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    summary = models.TextField(
        _("scope of use"), blank=True, help_text=_("What the money is for, in a few sentences.")
    )
    central_rules = models.TextField(_("management rules for the central subsidy"), blank=True)
    local_rules = models.TextField(_("management rules for the local funds"), blank=True)
    rules_file = models.FileField(
        _("management rules (file)"),
        upload_to=rules_path,
        blank=True,
        max_length=200,
        validators=[validate_rules_upload],
        help_text=_("PDF or Word (.docx), instead of or besides the text."),
    )
    rules_file_name = models.CharField(_("rules file name"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When the version was returned or filed.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = FundPlanVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("fund-use plan version")
        verbose_name_plural = _("fund-use plan versions")
        ordering = ["plan_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="fund_plan_version_unique"),
            # One version at a time is being written or reviewed.
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(status__in=[str(s) for s in OPEN_STATUSES]),
                name="fund_plan_one_open_version",
            ),
            # A filed plan is final: it has exactly one filed version.
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(status=PlanStatus.FILED),
                name="fund_plan_one_filed_version",
            ),
            models.CheckConstraint(
                condition=Q(status=PlanStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="fund_plan_version_submitted_unless_draft",
            ),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return _("%(plan)s, version %(number)s") % {"plan": self.plan, "number": self.number}

    @property
    def owner_unit(self) -> CreationUnit:
        return self.plan.unit

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class PlanDecisionQuerySet(UnitRecordQuerySet):
    unit_path = "version__plan__unit__"


class PlanDecision(models.Model):
    """A decision on a version: the provincial finance or culture department's approval or
    return, or the office's filing or return. One per stage and version."""

    class StageChoices(models.TextChoices):
        FINANCE = Stage.FINANCE, _("Provincial finance department")
        CULTURE = Stage.CULTURE, _("Provincial culture department")
        OFFICE = Stage.OFFICE, _("Office")

    class OutcomeChoices(models.TextChoices):
        APPROVED = Outcome.APPROVED, _("Approved")
        RETURNED = Outcome.RETURNED, _("Returned")

    version = models.ForeignKey(
        FundPlanVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    stage = models.CharField(_("by"), max_length=10, choices=StageChoices.choices)
    outcome = models.CharField(_("decision"), max_length=10, choices=OutcomeChoices.choices)
    comment = models.TextField(_("comment"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"))

    objects = PlanDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan decision")
        verbose_name_plural = _("plan decisions")
        ordering = ["version_id", "decided_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "stage"], name="plan_decision_once"),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.RETURNED) | ~Q(comment=""),
                name="plan_decision_return_has_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} · {self.get_outcome_display()}"

    @property
    def label(self) -> str:
        if self.stage == Stage.OFFICE and self.outcome == Outcome.APPROVED:
            return str(_("Filed"))
        return self.get_outcome_display()


class BudgetLineQuerySet(UnitRecordQuerySet):
    unit_path = "version__plan__unit__"


class BudgetLine(models.Model):
    """A line of a plan version: source, category, amount, purpose and expected effect. `spent`
    is the sum of the line's expenditures, kept by the spending service under a row lock; the
    database refuses any write that would take it past the amount (专款专用, R3.2)."""

    version = models.ForeignKey(
        FundPlanVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    source = models.CharField(_("source"), max_length=10, choices=SourceChoices.choices)
    category = models.ForeignKey(
        FundCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="lines"
    )
    amount = models.DecimalField(_("budget (yuan)"), validators=POSITIVE, **MONEY)
    purpose = models.CharField(_("purpose"), max_length=200)
    expected_effect = models.TextField(_("expected effect"), blank=True)
    spent = models.DecimalField(_("spent (yuan)"), default=Decimal("0.00"), editable=False, **MONEY)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["version_id", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_line_amount_positive"),
            models.CheckConstraint(
                condition=Q(spent__gte=0) & Q(spent__lte=F("amount")),
                name="budget_line_never_overspent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} · {self.category} · {self.purpose}"

    @property
    def owner_unit(self) -> CreationUnit:
        return self.version.plan.unit

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.spent

    @property
    def source_short(self) -> str:
        return str(SOURCE_SHORT.get(self.source, self.source))

    def clean(self) -> None:
        if self.source == Source.CENTRAL and self.category_id and not self.category.central_allowed:
            raise ValidationError(
                {
                    "category": _(
                        "R3.1: the central subsidy may not be spent in “%(category)s”; choose one "
                        "of the categories allowed for central money, or make it a local line."
                    )
                    % {"category": self.category.name}
                }
            )


class ExpenditureQuerySet(UnitRecordQuerySet):
    unit_path = "line__version__plan__unit__"

    def standing(self) -> ExpenditureQuerySet:
        """C6 (R3.2): the entries that stand on their own: neither reversed nor a reversal (an
        entry and its reversal net to zero)."""
        return self.filter(reverses__isnull=True, reversal__isnull=True)

    def outside_filed_plan(self) -> ExpenditureQuerySet:
        """R3.2 and C6, as the veto gauge (R6.6) counts them: standing entries on a line of a
        version that is not filed, beyond the line, dated before the version was filed, or
        outside the unit's own creation cycle (C2), whichever way they were saved (C3)."""
        start = "line__version__plan__unit__start_date"
        return (
            self.standing()
            .alias(
                spent_day=day_number("spent_on"),
                cycle_over=cycle_over_number(start),
                filed_on=TruncDate("line__version__closed_at"),
            )
            .filter(
                ~Q(line__version__status=PlanStatus.FILED)
                | Q(line__spent__gt=F("line__amount"))
                | Q(spent_on__lt=F("filed_on"))
                | Q(spent_on__lt=F(start))
                | Q(spent_day__gte=F("cycle_over"))
            )
        )


class Expenditure(models.Model):
    """Money spent against one line of a filed plan, with its voucher. C6 (R3.2): an entry is
    never edited or deleted; a wrong one is reversed by a correcting entry (`reverses`), which
    takes its date and line, the negative of its amount and a reason, so that the two net to
    zero in every figure."""

    line = models.ForeignKey(
        BudgetLine,
        verbose_name=_("budget line"),
        on_delete=models.PROTECT,
        related_name="expenditures",
    )
    spent_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    payee = models.CharField(_("payee"), max_length=200)
    description = models.TextField(_("description"))
    voucher = models.FileField(
        _("voucher"),
        upload_to=voucher_path,
        max_length=200,
        blank=True,
        validators=[validate_voucher_upload],
        help_text=_("PDF, PNG or JPEG of the invoice or payment voucher."),
    )
    voucher_name = models.CharField(_("voucher file name"), max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
        help_text=_("The wrong entry this correcting entry reverses."),
    )
    reason = models.TextField(_("reason for the correction"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ExpenditureQuerySet.as_manager()

    class Meta:
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        ordering = ["-spent_on", "-id"]
        constraints = [
            # An entry spends money; its correcting entry (C6) takes it back.
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount__gt=0)
                | Q(reverses__isnull=False, amount__lt=0),
                name="expenditure_amount_sign",
            ),
            models.CheckConstraint(
                condition=Q(reverses__isnull=True) | ~Q(reason=""),
                name="expenditure_reversal_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["line", "spent_on"])]

    def __str__(self) -> str:
        return f"{self.spent_on} · {self.payee} · {self.amount}"

    def save(self, *args: object, **kwargs: object) -> None:
        # C6: a recorded entry stays as it was; only a correcting entry changes the figures.
        if not self._state.adding:
            raise ValidationError(
                _(
                    "C6 (R3.2): a recorded expenditure is never changed. Reverse it with a "
                    "correcting entry and record the right one."
                )
            )
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValidationError(
            _(
                "C6 (R3.2): a recorded expenditure is never deleted. Reverse it with a "
                "correcting entry."
            )
        )

    @property
    def owner_unit(self) -> CreationUnit:
        return self.line.version.plan.unit

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    def date_errors(self, *, today: date | None = None) -> dict[str, str]:
        """C6 (R3.2): the date inside the unit's creation cycle (C2: two years from its own
        start) and on or after the day the line's plan version was filed."""
        version = self.line.version
        unit = version.plan.unit
        cycle = unit.cycle
        filed_on = (
            timezone.localdate(version.closed_at)
            if version.status == PlanStatus.FILED and version.closed_at
            else None
        )
        refusal = spending_date_refusal(
            spent_on=self.spent_on,
            cycle_start=cycle.start,
            cycle_end=cycle.end,
            filed_on=filed_on,
            today=today,
        )
        if refusal == DateRefusal.IN_THE_FUTURE:
            return {"spent_on": _("The date cannot be in the future.")}
        if refusal == DateRefusal.OUTSIDE_CYCLE:
            return {
                "spent_on": _(
                    "C6 (R3.2): spending can only be dated inside the unit's creation cycle, "
                    "%(start)s to %(end)s."
                )
                % {"start": cycle.start.isoformat(), "end": cycle.end.isoformat()}
            }
        if refusal == DateRefusal.BEFORE_FILING and filed_on is not None:
            return {
                "spent_on": _(
                    "C6 (R3.2): spending can only be dated on or after the day its plan version "
                    "was filed (%(filed)s)."
                )
                % {"filed": filed_on.isoformat()}
            }
        return {}

    def clean(self) -> None:
        if self.amount is None or not self.line_id:
            return
        if self.reverses_id is None:
            errors: dict[str, str] = {}
            if self.amount <= 0:
                errors["amount"] = _("The amount must be more than zero.")
            if not self.voucher:
                errors["voucher"] = _("Attach the voucher (PDF, PNG or JPEG).")
            if self.line.version.status != PlanStatus.FILED:
                errors["line"] = _("R3.2: money may only be spent on a line of a filed plan.")
            if self.spent_on is not None:
                errors.update(self.date_errors())
            if errors:
                raise ValidationError(errors)
            return
        original = self.reverses
        if original.reverses_id is not None:
            raise ValidationError(_("A correcting entry is not reversed itself."))
        if self.line_id != original.line_id or self.amount != -original.amount:
            raise ValidationError(
                _("A correcting entry takes back exactly the entry it reverses, on its line.")
            )
        if not self.reason.strip():
            raise ValidationError({"reason": _("Give the reason for the correction.")})
