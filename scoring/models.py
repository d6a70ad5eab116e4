"""Models of publicity scoring, the veto gauge and acceptance (RULES.md §6 and §8).

Creation standards (创建标准) live here because acceptance grades against them; inspections
(creation/) also take their checklist items from them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from creation.models import Batch, CreationUnit, Programme, Region, UnitRecordQuerySet
from creation.scope import ScopedQuerySet, UserScope
from scoring.rules import (
    VETO_ITEM_CHOICES,
    AcceptanceNumbers,
    AcceptanceResult,
    GaugeStatus,
    MidtermGrade,
)


class CreationStandardQuerySet(ScopedQuerySet):
    def scope_q(self, scope: UserScope) -> Q | None:
        # Standards are public to everyone who can see the batch they belong to.
        return Q(batch__in=Batch.objects.filter(Batch.objects.scope_q(scope)).values("pk"))


class CreationStandard(models.Model):
    """§8: the standards a batch's units are held to, one set per economic belt (东部/中部/西部)."""

    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="standards"
    )
    economic_belt = models.CharField(_("class"), max_length=10, choices=Region.EconomicBelt.choices)
    title = models.CharField(_("title"), max_length=200)

    objects = CreationStandardQuerySet.as_manager()

    class Meta:
        verbose_name = _("creation standard")
        verbose_name_plural = _("creation standards")
        ordering = ["batch_id", "economic_belt"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "economic_belt"], name="standard_unique_per_batch_belt"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class IndicatorQuerySet(ScopedQuerySet):
    def scope_q(self, scope: UserScope) -> Q | None:
        batches = Batch.objects.filter(Batch.objects.scope_q(scope)).values("pk")
        return Q(standard__batch__in=batches)

    def for_unit(self, unit: CreationUnit) -> IndicatorQuerySet:
        """The indicators a unit is held to: its batch's standard for its province's belt."""
        belt = unit.region.province_region.economic_belt
        return self.filter(standard__batch_id=unit.batch_id, standard__economic_belt=belt)


class Indicator(models.Model):
    """One indicator of a creation standard: data, never code (§8)."""

    class Source(models.TextChoices):
        ENTERED = "entered", _("Entered by the unit or the office")
        COMPUTED = "computed", _("Computed from the portal's records")

    standard = models.ForeignKey(
        CreationStandard,
        verbose_name=_("creation standard"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    part = models.CharField(
        _("part"), max_length=100, help_text=_("e.g. facility network, service supply.")
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. 2.3"))
    name = models.CharField(_("indicator"), max_length=200)
    measure_unit = models.CharField(
        _("unit of measure"), max_length=30, blank=True, help_text=_("e.g. books per resident")
    )
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=14,
        decimal_places=4,
        help_text=_("The value the unit must reach."),
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        help_text=_("Points of the acceptance total this indicator carries."),
    )
    source = models.CharField(
        _("how it is obtained"), max_length=10, choices=Source.choices, default=Source.ENTERED
    )
    computation = models.CharField(
        _("computation"),
        max_length=50,
        blank=True,
        help_text=_("For computed indicators: the name of the registered computation."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["standard_id", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "code"], name="indicator_code_unique"),
            models.CheckConstraint(
                condition=Q(source="entered") | ~Q(computation=""),
                name="indicator_computed_names_computation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# --- R6.5, R6.6 and §8: the veto gauge, indicator reviews and acceptance ------------------------


class AcceptanceSettingsQuerySet(ScopedQuerySet):
    def scope_q(self, scope: UserScope) -> Q | None:
        return Q(programme__in=Programme.objects.filter(Programme.objects.all().scope_q(scope)))


class AcceptanceSettings(models.Model):
    """A programme's numbers for the veto gauge, the mid-term review and acceptance. The defaults
    are ours (RULES.md R6.5, R6.6, §8); the office changes them in the admin. A programme without
    a row uses the defaults."""

    programme = models.OneToOneField(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="acceptance_settings",
    )
    excellent_from = models.DecimalField(
        _("excellent from completion (%)"), max_digits=5, decimal_places=1, default=Decimal(80)
    )
    qualified_from = models.DecimalField(
        _("qualified from completion (%)"), max_digits=5, decimal_places=1, default=Decimal(60)
    )
    excellent_factor = models.DecimalField(
        _("points factor of an excellent indicator"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
    )
    qualified_factor = models.DecimalField(
        _("points factor of a qualified indicator"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("0.60"),
    )
    publicity_share = models.DecimalField(
        _("publicity share of the acceptance total"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(10),
    )
    pass_mark = models.DecimalField(
        _("acceptance pass mark"), max_digits=5, decimal_places=2, default=Decimal(60)
    )
    liaison_grace_days = models.PositiveSmallIntegerField(
        _("days without a liaison tolerated"), default=30
    )
    plan_filing_days = models.PositiveSmallIntegerField(
        _("days after the start to have a fund plan filed"), default=180
    )
    due_soon_days = models.PositiveSmallIntegerField(
        _("warn this many days before a deadline"), default=14
    )

    objects = AcceptanceSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("acceptance settings")
        verbose_name_plural = _("acceptance settings")
        ordering = ["programme_id"]

    def __str__(self) -> str:
        return str(self.programme)

    def clean(self) -> None:
        low, high = self.qualified_from, self.excellent_from
        if low is not None and high is not None and low > high:
            raise ValidationError(
                {
                    "qualified_from": _(
                        "The qualified cut-off cannot be above the excellent cut-off."
                    )
                }
            )

    def numbers(self) -> AcceptanceNumbers:
        return AcceptanceNumbers(
            excellent_from=self.excellent_from,
            qualified_from=self.qualified_from,
            excellent_factor=self.excellent_factor,
            qualified_factor=self.qualified_factor,
            publicity_share=self.publicity_share,
            pass_mark=self.pass_mark,
            liaison_grace_days=self.liaison_grace_days,
            plan_filing_days=self.plan_filing_days,
            due_soon_days=self.due_soon_days,
        )


class VetoOverride(models.Model):
    """R6.6: the office's written, audited decision on one veto item of one unit. Rows are never
    changed or deleted; a later row replaces an earlier one, and a "revoke" row returns the item
    to its computed status."""

    class Decision(models.TextChoices):
        OK = GaugeStatus.OK, _("Met")
        AT_RISK = GaugeStatus.AT_RISK, _("At risk")
        FAILED = GaugeStatus.FAILED, _("Not met")
        REVOKE = "revoke", _("Revoke the override (use the computed status)")

    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="veto_overrides",
    )
    item = models.CharField(_("requirement"), max_length=30, choices=VETO_ITEM_CHOICES)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("written reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"))

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("veto override")
        verbose_name_plural = _("veto overrides")
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["unit", "item", "decided_at"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_item_display()} · {self.get_decision_display()}"

    def clean(self) -> None:
        if not (self.reason or "").strip():
            raise ValidationError({"reason": _("An override needs a written reason.")})


class IndicatorReviewQuerySet(UnitRecordQuerySet):
    unit_path = "unit__"


class IndicatorReview(models.Model):
    """§8: the values of a unit's indicators recorded by the office at the mid-term review
    (中期督查) or as the final values for acceptance, with each indicator's grade frozen."""

    class Stage(models.TextChoices):
        MIDTERM = "midterm", _("Mid-term review")
        FINAL = "final", _("Final values for acceptance")

    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="indicator_reviews",
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    reviewed_on = models.DateField(_("reviewed on"))
    note = models.TextField(_("note"), blank=True)
    composite_score = models.DecimalField(
        _("composite score"), max_digits=7, decimal_places=2, default=Decimal(0)
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    objects = IndicatorReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator review")
        verbose_name_plural = _("indicator reviews")
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_stage_display()} · {self.reviewed_on}"


class IndicatorValueQuerySet(UnitRecordQuerySet):
    unit_path = "review__unit__"


class IndicatorValue(models.Model):
    """One indicator's value in a review, with its completion ratio and grade at that time."""

    class Grade(models.TextChoices):
        EXCELLENT = MidtermGrade.EXCELLENT, _("Excellent (优秀)")
        QUALIFIED = MidtermGrade.QUALIFIED, _("Qualified (合格)")
        UNQUALIFIED = MidtermGrade.UNQUALIFIED, _("Unqualified (不合格)")

    review = models.ForeignKey(
        IndicatorReview, verbose_name=_("review"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    computed = models.BooleanField(_("computed"), default=False)
    completion = models.DecimalField(_("completion (%)"), max_digits=9, decimal_places=1)
    grade = models.CharField(_("grade"), max_length=12, choices=Grade.choices)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["review_id", "indicator__sort_order", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["review", "indicator"], name="indicator_value_once"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} = {self.value}"


class AcceptanceEvaluation(models.Model):
    """R6.5, R6.6, §8: one run of the acceptance evaluation of a unit, its parts frozen. Re-running
    adds a row; rows are never changed or deleted."""

    class Result(models.TextChoices):
        PASSED = AcceptanceResult.PASSED, _("Passed")
        FAILED = AcceptanceResult.FAILED, _("Failed (below the pass mark)")
        VETOED = AcceptanceResult.VETOED, _("Vetoed (一票否决)")

    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="acceptance_evaluations",
    )
    review = models.ForeignKey(
        IndicatorReview,
        verbose_name=_("indicator values used"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    indicator_score = models.DecimalField(_("indicator score"), max_digits=7, decimal_places=2)
    publicity_points = models.PositiveIntegerField(_("publicity points over the cycle"))
    best_publicity_points = models.PositiveIntegerField(_("best publicity points of the batch"))
    publicity_score = models.DecimalField(_("publicity share"), max_digits=7, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2)
    pass_mark = models.DecimalField(_("pass mark"), max_digits=5, decimal_places=2)
    vetoed = models.BooleanField(_("vetoed"))
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    explanation = models.TextField(_("explanation"))
    parts = models.JSONField(_("parts"), default=dict)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    evaluated_at = models.DateTimeField(_("evaluated at"))

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("acceptance evaluation")
        verbose_name_plural = _("acceptance evaluations")
        ordering = ["-evaluated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_result_display()} · {self.total}"


class UnitStatusDecision(models.Model):
    """The office's explicit decision to set a unit accepted or vetoed, with its written reason."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        VETOED = "vetoed", _("Vetoed")

    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="status_decisions",
    )
    evaluation = models.ForeignKey(
        AcceptanceEvaluation,
        verbose_name=_("acceptance evaluation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    previous_status = models.CharField(_("previous status"), max_length=10)
    status = models.CharField(_("new status"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("written reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"))

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit status decision")
        verbose_name_plural = _("unit status decisions")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} → {self.get_status_display()}"

    def clean(self) -> None:
        if not (self.reason or "").strip():
            raise ValidationError({"reason": _("A status decision needs a written reason.")})
