"""Models of publicity scoring, the veto gauge and acceptance (RULES.md §6 and §8).

Creation standards (创建标准) live here because acceptance grades against them; inspections
(creation/) also take their checklist items from them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from creation.models import Batch, CreationUnit, Region
from creation.scope import ScopedQuerySet, UserScope


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
