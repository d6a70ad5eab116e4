"""The stored figures of each creation unit: what the status API and the dashboards read.

One row per unit, written only by `dashboard.services.unit_figures_refresh` from the owners of
each figure (docs/architecture.md, "Owners of figures"). Readers query it; they never recompute.
A write to a unit's rows refreshes its row when the write commits; `next_change_at` says when the
row next changes by the clock alone, and a periodic task refreshes the rows whose moment has come.
Scalar columns for what dashboards aggregate, filter and rank on; JSON only for lists.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from creation.models import CreationUnit


class UnitFiguresQuerySet(models.QuerySet):
    def due(self, now) -> UnitFiguresQuerySet:
        """The rows that the clock alone has changed since they were computed."""
        return self.filter(next_change_at__lte=now)


class UnitFigures(models.Model):
    unit = models.OneToOneField(
        CreationUnit, on_delete=models.CASCADE, primary_key=True, related_name="figures"
    )

    # R6.3, R6.4: the half year of a zone, the creation cycle of a project.
    period_kind = models.CharField(_("period kind"), max_length=10)
    period_label = models.CharField(_("period"), max_length=32)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))

    # R5, C1: the reporting calendar as it stands.
    due_so_far = models.PositiveIntegerField(_("due so far"), default=0)
    on_time = models.PositiveIntegerField(_("on time"), default=0)
    late = models.PositiveIntegerField(_("late"), default=0)
    overdue = models.PositiveIntegerField(_("overdue"), default=0)
    on_time_rate = models.FloatField(_("on-time rate"), null=True, blank=True)
    # [{id, type, period_label, period_start, period_end, due_at}], the next three not submitted.
    next_due = models.JSONField(_("next due"), default=list, blank=True)

    # R3.2: the filed fund plans.
    filed_plans = models.PositiveIntegerField(_("filed plans"), default=0)
    budget = models.DecimalField(_("budget"), max_digits=16, decimal_places=2, default=0)
    spent = models.DecimalField(_("spent"), max_digits=16, decimal_places=2, default=0)
    central_budget = models.DecimalField(
        _("central budget"), max_digits=16, decimal_places=2, default=0
    )
    central_spent = models.DecimalField(
        _("central spent"), max_digits=16, decimal_places=2, default=0
    )
    execution_rate = models.DecimalField(
        _("execution rate"), max_digits=7, decimal_places=1, null=True, blank=True
    )

    # R2.1, C5: the current liaison's contacts (null without one) and the vacancy's first day.
    liaison = models.JSONField(_("liaison"), null=True, blank=True)
    liaison_vacant_since = models.DateField(_("liaison vacant since"), null=True, blank=True)

    # R6.1–R6.4: the live score of the current scoring period; null for a unit that takes no part
    # (withdrawn). The rank is not stored: it is read over the peers' standings, so that a
    # write to one unit does not rewrite its peers. The tier counts are the documented tie-break.
    publicity_period_start = models.DateField(_("publicity period start"), null=True, blank=True)
    publicity_period_end = models.DateField(_("publicity period end"), null=True, blank=True)
    publicity_base = models.IntegerField(_("publicity base"), null=True, blank=True)
    publicity_bonus = models.IntegerField(_("publicity bonus"), null=True, blank=True)
    publicity_total = models.IntegerField(_("publicity total"), null=True, blank=True)
    publicity_tier1 = models.PositiveIntegerField(default=0)
    publicity_tier2 = models.PositiveIntegerField(default=0)
    publicity_tier3 = models.PositiveIntegerField(default=0)
    publicity_tier4 = models.PositiveIntegerField(default=0)
    publicity_tier5 = models.PositiveIntegerField(default=0)
    # The peers a unit is ranked among in its current period (C4: batch and kind; a zone's half
    # year) and its place in the R6.3 order as text that sorts like it (scoring.rules.rank_text):
    # a unit's rank is one more than the peers' standings (PublicityStanding) of the group whose
    # text is greater, read in one count over the standings' index. The row's own copy of its
    # current standing, so that its status is one statement. Empty when unranked.
    rank_group = models.CharField(_("rank group"), max_length=40, blank=True, default="")
    rank_text = models.CharField(_("rank key"), max_length=64, blank=True, default="")

    # R6.6: the one-vote-veto gauge. Its messages are sentences, so the items are kept in every
    # language of the site: {language code: [item, …]}.
    veto_status = models.CharField(_("veto status"), max_length=16)
    veto_items = models.JSONField(_("veto items"), default=dict, blank=True)

    # R4.1: rectification items not yet verified.
    rectifications_open = models.PositiveIntegerField(_("open rectifications"), default=0)
    rectifications_overdue = models.PositiveIntegerField(_("overdue rectifications"), default=0)
    rectifications_next_deadline = models.DateField(_("next deadline"), null=True, blank=True)
    # …of which submitted by the unit and waiting for the office's check.
    rectifications_submitted = models.PositiveIntegerField(
        _("rectifications submitted for checking"), default=0
    )

    # R4.1: the inspections planned to start in the current calendar year, and how that stands
    # against the programme's minimum and maximum (inspections.rules.Coverage).
    inspections_planned = models.PositiveIntegerField(_("inspections planned this year"), default=0)
    inspection_coverage = models.CharField(_("inspection coverage"), max_length=10, default="")

    # The status API's answer of the unit in every language of the site, as it is sent but for
    # the publicity rank, which is read over the peers' stored keys when the answer is read:
    # {language code: answer}.
    answers = models.JSONField(_("status answers"), default=dict, blank=True)

    computed_at = models.DateTimeField(_("computed at"))
    next_change_at = models.DateTimeField(_("next change at"), db_index=True)

    objects = UnitFiguresQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit figures")
        verbose_name_plural = _("unit figures")
        indexes = [
            # The dashboards' publicity leaders (highest total first): read off the index, a
            # page of ten finds its units in the first few dozen rows instead of sorting 5,000.
            models.Index(
                fields=["-publicity_total", "-publicity_bonus"],
                condition=models.Q(publicity_total__isnull=False),
                name="unitfigures_publicity_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} @ {self.computed_at:%Y-%m-%d %H:%M}"


class RankGroupChange(models.Model):
    """The moment the ranking of a rank group last moved (C4, R6.3).

    A unit's rank is read over its peers' standings (`PublicityStanding`), so a write to one
    unit changes the status of every unit it is ranked with, in any period of its cycle, though
    neither their rows nor their units are written. The status API reads this moment beside the
    unit's own (`CreationUnit.changed_at`) for its ETags and `updated_since`; a write stores one
    row here instead of rewriting the whole batch."""

    rank_group = models.CharField(_("rank group"), max_length=40, primary_key=True)
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("rank group change")
        verbose_name_plural = _("rank group changes")

    def __str__(self) -> str:
        return f"{self.rank_group} @ {self.changed_at:%Y-%m-%d %H:%M:%S}"


class UnitMonth(models.Model):
    """R5.2, C1: one unit's reports due in one month (Beijing time), as they stood when its
    figures were computed: the cells of the dashboards' heat map (by traffic light) and the
    counts of their on-time trend (what was due by then, and of it on time and late).

    Written with the unit's UnitFigures row and changed with it (`next_change_at` covers the
    moments a cell changes by the clock: a report falling due, or coming within the warning
    days of its due day); the dashboards sum these rows instead of counting obligations."""

    # No index of its own: the unique (unit, month) leads with the unit. With both, PostgreSQL
    # read a unit's months through the unit's alone and filtered the window out of every month
    # the unit has.
    unit = models.ForeignKey(
        CreationUnit, on_delete=models.CASCADE, related_name="reporting_months", db_index=False
    )
    month = models.DateField(_("month"))
    # Traffic lights (reporting.rules.traffic_light): on time, late, not submitted and overdue,
    # not submitted and due within the warning days, not submitted and due later.
    green = models.PositiveIntegerField(default=0)
    amber = models.PositiveIntegerField(default=0)
    red = models.PositiveIntegerField(default=0)
    yellow = models.PositiveIntegerField(default=0)
    grey = models.PositiveIntegerField(default=0)
    # Due by the moment of computing, and of those on time and late (C1).
    expected = models.PositiveIntegerField(default=0)
    on_time_due = models.PositiveIntegerField(default=0)
    late_due = models.PositiveIntegerField(default=0)
    # A month that no longer has a report (the unit's dates changed) is kept with zero counts
    # rather than deleted: a delete would send a signal per row. Its counts are those of the
    # refresh at `computed_at`.
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("unit reporting month")
        verbose_name_plural = _("unit reporting months")
        constraints = [
            models.UniqueConstraint(fields=["unit", "month"], name="unitmonth_unit_month")
        ]
        indexes = [models.Index(fields=["month", "unit"], name="unitmonth_month_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m}"
