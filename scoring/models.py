"""Models of publicity scoring, the veto gauge and acceptance (docs/rules.md §6 and §8).

Creation standards (创建标准) live here because acceptance grades against them; inspections
(creation/) also take their checklist items from them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from creation.models import (
    Batch,
    CreationUnit,
    Programme,
    ProgrammeSettings,
    Region,
    UnitRecordQuerySet,
    programme_settings_field,
)
from creation.rules import LIAISON_TOLERANCE_DAYS
from creation.scope import ScopedQuerySet, UserScope
from portal.cache import FigureInputsTracked
from portal.uploads import DocumentUploadValidator
from scoring import rules
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


# --- Publicity scoring (R6.1–R6.4) --------------------------------------------------------------


class ScoringSettingsQuerySet(ScopedQuerySet):
    def scope_q(self, scope: UserScope) -> Q | None:
        return Q(programme__in=Programme.objects.filter(Programme.objects.all().scope_q(scope)))


class ScoringSettings(ProgrammeSettings):
    """A programme's publicity points (R6.1, R6.2). The defaults are docs/rules.md §6's; the office
    changes them in the admin. A programme without a row uses the defaults."""

    programme = programme_settings_field("scoring_settings")
    base_points = models.PositiveSmallIntegerField(
        _("base points"),
        default=rules.DEFAULT_BASE_POINTS,
        help_text=_("R6.1: when every work update and in-depth report of the period was on time."),
    )
    tier1_points = models.PositiveSmallIntegerField(_("tier 1 points"), default=50)
    tier2_points = models.PositiveSmallIntegerField(_("tier 2 points"), default=40)
    tier3_points = models.PositiveSmallIntegerField(_("tier 3 points"), default=30)
    tier4_points = models.PositiveSmallIntegerField(_("tier 4 points"), default=20)
    tier5_points = models.PositiveSmallIntegerField(_("tier 5 points"), default=10)

    objects = ScoringSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("scoring settings")
        verbose_name_plural = _("scoring settings")
        ordering = ["programme_id"]

    def __str__(self) -> str:
        return str(self.programme)

    def tier_points(self) -> dict[int, int]:
        return {t: getattr(self, f"tier{t}_points") for t in rules.TIERS}


class MediaOutletQuerySet(ScopedQuerySet):
    def scope_q(self, scope: UserScope) -> Q | None:
        # The national catalogue is reference data: every signed-in user may read it. A
        # provincial programme's own outlets are seen by whoever sees that programme.
        programmes = Programme.objects.filter(Programme.objects.scope_q(scope))
        return Q(programme__isnull=True) | Q(programme__in=programmes.values("pk"))

    def usable_in(self, programme_id: int) -> MediaOutletQuerySet:
        """The outlets a unit of this programme may claim: the national catalogue and the
        programme's own."""
        return self.filter(Q(programme__isnull=True) | Q(programme_id=programme_id))


class MediaOutlet(models.Model):
    """R6.2: one outlet of the catalogue, with its tier and, where it matters, its administrative
    level. Generic entries (省级媒体, 同级媒体, 人民政府网站) ask the claim for the real name."""

    class Level(models.TextChoices):
        NONE = "", _("Not applicable")
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        DISTRICT = "district", _("District / county")
        STREET = "street", _("Street / town")
        SAME = rules.LEVEL_SAME, _("The unit's own level")

    name = models.CharField(_("name"), max_length=100)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        limit_choices_to={"kind": Programme.Kind.PROVINCIAL},
        related_name="media_outlets",
        help_text=_(
            "Empty: the national catalogue, used by every programme. Set: an outlet of that "
            "provincial programme only."
        ),
    )
    tier = models.PositiveSmallIntegerField(
        _("tier"),
        null=True,
        blank=True,
        choices=[(t, t) for t in rules.TIERS],
        help_text=_("Leave empty when the tier follows from the level alone."),
    )
    level = models.CharField(
        _("administrative level"),
        max_length=10,
        choices=Level.choices,
        blank=True,
        default="",
        help_text=_("Provincial media are tier 3; media at the unit's own level tier 4."),
    )
    generic = models.BooleanField(
        _("generic"),
        default=False,
        help_text=_("A class of outlets: the claim names the actual newspaper, station or site."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    objects = MediaOutletQuerySet.as_manager()

    class Meta:
        verbose_name = _("media outlet")
        verbose_name_plural = _("media outlets")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(programme__isnull=True),
                name="outlet_name_unique_in_catalogue",
            ),
            models.UniqueConstraint(
                fields=["programme", "name"], name="outlet_name_unique_in_programme"
            ),
            models.CheckConstraint(
                condition=Q(tier__isnull=False) | ~Q(level=""), name="outlet_has_tier_or_level"
            ),
            models.CheckConstraint(
                condition=Q(tier__isnull=True) | Q(tier__gte=1, tier__lte=5),
                name="outlet_tier_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not self.tier and not self.level:
            errors["tier"] = _("Give the outlet a tier, a level or both.")
        if self.programme_id is not None:
            if self.programme.kind != Programme.Kind.PROVINCIAL:
                errors["programme"] = _("Only a provincial programme keeps outlets of its own.")
            national = MediaOutlet.objects.filter(programme__isnull=True, name=self.name)
            if national.exclude(pk=self.pk).exists():
                errors["name"] = _("The national catalogue already has an outlet of this name.")
        if errors:
            raise ValidationError(errors)

    def tier_for(self, unit_level: str) -> int | None:
        return rules.outlet_tier(fixed_tier=self.tier, level=self.level, unit_level=unit_level)


class AdoptionClaimQuerySet(UnitRecordQuerySet):
    unit_path = "unit__"

    def verified(self) -> AdoptionClaimQuerySet:
        return self.filter(status=AdoptionClaim.Status.VERIFIED)


def adoption_evidence_path(instance: models.Model, filename: str) -> str:
    # The stored name never comes from the uploader.
    from uuid import uuid4

    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"scoring/adoptions/{uuid4().hex}.{suffix[:8]}"


validate_adoption_scan = DocumentUploadValidator(("pdf", "png", "jpg"), "MINUTES_MAX_UPLOAD_MB")


class AdoptionClaim(FigureInputsTracked, models.Model):
    """R6.2: the unit says one of its articles was adopted and published by an outlet; the office
    of its programme verifies (then it counts) or rejects it with a reason."""

    # A claim verified (or no longer verified) moves the unit's publicity total, so the rank of
    # every unit ranked with it (C4) in their status: the moment their ranking moved is stored
    # for their rank group (portal.cache, dashboard.models.RankGroupChange).
    moves_peer_ranking: ClassVar[bool] = True

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="adoption_claims",
    )
    outlet = models.ForeignKey(
        MediaOutlet, verbose_name=_("outlet"), on_delete=models.PROTECT, related_name="claims"
    )
    outlet_name = models.CharField(
        _("name of the outlet"),
        max_length=100,
        blank=True,
        help_text=_("For a generic outlet: the actual newspaper, station or website."),
    )
    title = models.CharField(_("article title"), max_length=300)
    # R6.2: the same article in the same outlet counts once; these keys recognise "the same".
    title_key = models.CharField(max_length=300, editable=False)
    outlet_key = models.CharField(max_length=100, editable=False, blank=True)
    published_on = models.DateField(_("publication date"))
    link = models.URLField(_("link"), max_length=500, blank=True)
    scan = models.FileField(
        _("scan"),
        upload_to=adoption_evidence_path,
        max_length=200,
        blank=True,
        validators=[validate_adoption_scan],
    )
    scan_name = models.CharField(_("file name"), max_length=200, blank=True)
    tier = models.PositiveSmallIntegerField(_("tier"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CLAIMED
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    claimed_at = models.DateTimeField(_("claimed at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reject_reason = models.TextField(_("reason for rejection"), blank=True)

    objects = AdoptionClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("adoption claim")
        verbose_name_plural = _("adoption claims")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(link="") | ~Q(scan=""), name="adoption_claim_has_evidence"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="adoption_claim_rejection_has_reason",
            ),
            # R6.2: the same article in the same outlet counts once.
            models.UniqueConstraint(
                fields=["unit", "outlet", "outlet_key", "title_key"],
                condition=Q(status="verified"),
                name="adoption_verified_once_per_outlet",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published_on"]),
            models.Index(fields=["unit", "status", "published_on"]),
            # The office's queue of claims to verify, oldest first: a page read off the index.
            models.Index(fields=["status", "claimed_at", "id"]),
        ]

    def __str__(self) -> str:
        return self.title

    # --- What every stored figure reads of a claim: only a verified one counts, by its tier and
    # publication date (R6.2, scoring.selectors.scores_by_window). A claim that does not exist
    # counts nothing. A claim made, withdrawn or rejected moves none; one verified does
    # (`figures_moved`).
    FIGURE_INPUTS: ClassVar[frozenset[str]] = frozenset({"status", "tier", "published_on"})
    NO_ROW: ClassVar[tuple[bool, Any, Any]] = (False, None, None)

    def _figure_inputs(self) -> tuple[bool, Any, Any]:
        if self.status != self.Status.VERIFIED:
            return self.NO_ROW
        return (True, self.tier, self.published_on)

    @property
    def outlet_label(self) -> str:
        return f"{self.outlet.name}（{self.outlet_name}）" if self.outlet_name else self.outlet.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.title = (self.title or "").strip()
        self.outlet_name = (self.outlet_name or "").strip()
        self.title_key = rules.normalise_title(self.title)
        self.outlet_key = rules.normalise_title(self.outlet_name)
        if not self.title_key:
            errors["title"] = _("Give the title of the article.")
        if not self.link and not self.scan:
            errors["link"] = _("Give a link or upload a scan as evidence.")
        if self.outlet_id and self.outlet.generic and not self.outlet_name:
            errors["outlet_name"] = _("Name the actual outlet (e.g. the newspaper).")
        if self.status == self.Status.REJECTED and not self.reject_reason.strip():
            errors["reject_reason"] = _("Give the reason for the rejection.")
        if errors:
            raise ValidationError(errors)


class PublicityStanding(models.Model):
    """Where a unit stands in the publicity ranking of each of its scoring periods (C2, C4, R6.3).

    A zone is ranked in a half year among the zones of its batch whose own cycle overlaps it
    (scoring.selectors.publicity_rankings), whatever half year each of them is in today: a zone
    whose cycle has ended is ranked in its last half year among zones that have moved on, one
    that has not started in its first among zones already running. So each unit keeps one row
    per scoring period of its cycle (a zone's half years, a project's cycle), written with its
    figures by `dashboard.services.unit_figures_refresh`, and a unit's rank is one more than the
    rows of its group whose rank text is greater: the same peers and the same order as the
    period pages. A withdrawn unit keeps none (C4). The unit's publicity page ranks its live
    score over its peers' rows (`scoring.selectors.unit_live_standings`)."""

    unit = models.ForeignKey(
        CreationUnit, on_delete=models.CASCADE, related_name="publicity_standings"
    )
    # scoring.rules.rank_group: "<batch>:zone:<half year's first day>" for a zone,
    # "<batch>:project:" for a project.
    rank_group = models.CharField(_("rank group"), max_length=40)
    rank_text = models.CharField(_("rank key"), max_length=64)

    class Meta:
        verbose_name = _("publicity standing")
        verbose_name_plural = _("publicity standings")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "rank_group"], name="publicitystanding_one_per_group"
            )
        ]
        indexes = [
            models.Index(fields=["rank_group", "rank_text"], name="publicitystanding_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} in {self.rank_group}"

    # The peers a rank is counted over (`scoring.rules.standing_rank`), for a group and a rank
    # text given as values or as references to an outer row: the one definition the status,
    # the dashboard and the unit's publicity page count with.
    @staticmethod
    def in_group(group: Any) -> Q:
        """C4: the standings of the units the group ranks."""
        return Q(rank_group=group)

    @staticmethod
    def above(group: Any, text: Any) -> Q:
        """R6.3: the standings of the group that stand higher than `text` (a greater text)."""
        return Q(rank_group=group, rank_text__gt=text)


class ScoringPeriodQuerySet(ScopedQuerySet):
    def scope_q(self, scope: UserScope) -> Q | None:
        return Q(programme__in=Programme.objects.filter(Programme.objects.all().scope_q(scope)))


class ScoringPeriod(models.Model):
    """R6.3, R6.4: one scoring period of a programme: a half year for zones, the two-year cycle of
    a batch for projects. Open while it runs; the office closes it, which freezes the scores."""

    class Kind(models.TextChoices):
        ZONE = "zone", _("Demonstration zones")
        PROJECT = "project", _("Demonstration projects")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("scoring period status", "Open")
        CLOSED = "closed", _("Closed")

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="scoring_periods",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    batch = models.ForeignKey(
        Batch,
        verbose_name=_("batch"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="scoring_periods",
        help_text=_("Projects only: the batch whose cycle is scored."),
    )
    label = models.CharField(_("period"), max_length=20)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScoringPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("scoring period")
        verbose_name_plural = _("scoring periods")
        ordering = ["-start", "programme_id", "kind", "batch_id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="period_order"),
            models.CheckConstraint(
                condition=(Q(kind="zone") & Q(batch__isnull=True))
                | (Q(kind="project") & Q(batch__isnull=False)),
                name="period_batch_iff_project",
            ),
            models.UniqueConstraint(
                fields=["programme", "start"],
                condition=Q(kind="zone"),
                name="period_zone_half_year_once",
            ),
            models.UniqueConstraint(
                fields=["batch"], condition=Q(kind="project"), name="period_project_batch_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.get_kind_display()} · {self.label}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class PeriodRecordQuerySet(ScopedQuerySet):
    def scope_q(self, scope: UserScope) -> Q | None:
        return Q(
            period__programme__in=Programme.objects.filter(Programme.objects.all().scope_q(scope))
        )


class PeriodScoreQuerySet(ScopedQuerySet):
    def scope_q(self, scope: UserScope) -> Q | None:
        # A unit's own frozen score; everyone's once the bulletin is out to the programme (R6.3).
        programmes = Programme.objects.filter(Programme.objects.all().scope_q(scope))
        return scope.units_q("unit__") | Q(
            period__bulletin__isnull=False, period__programme__in=programmes
        )


class PeriodScore(models.Model):
    """A unit's score frozen when its period closed (R6.1–R6.3)."""

    period = models.ForeignKey(
        ScoringPeriod,
        verbose_name=_("scoring period"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="period_scores",
    )
    all_on_time = models.BooleanField(_("all reports on time"))
    base = models.PositiveSmallIntegerField(_("base score"))
    bonus = models.PositiveIntegerField(_("adoption points"))
    total = models.PositiveIntegerField(_("total"))
    rank = models.PositiveIntegerField(_("rank"))
    tier_counts = models.JSONField(_("adoptions per tier"), default=list)

    objects = PeriodScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("period score")
        verbose_name_plural = _("period scores")
        ordering = ["period_id", "unit__batch_id", "rank", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="period_score_once"),
            models.CheckConstraint(
                condition=Q(total=models.F("base") + models.F("bonus")), name="period_score_sum"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period.label} · {self.total}"


class PeriodEventQuerySet(PeriodRecordQuerySet):
    pass


class PeriodEvent(models.Model):
    """The audit trail of a scoring period: closing, reopening (with its reason), publishing."""

    class Action(models.TextChoices):
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        PUBLISHED = "published", _("Bulletin published")

    period = models.ForeignKey(
        ScoringPeriod,
        verbose_name=_("scoring period"),
        on_delete=models.CASCADE,
        related_name="events",
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
    reason = models.TextField(_("reason"), blank=True)

    objects = PeriodEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("scoring period event")
        verbose_name_plural = _("scoring period events")
        ordering = ["period_id", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="reopened") | ~Q(reason=""), name="period_reopen_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class BulletinQuerySet(PeriodRecordQuerySet):
    pass


class Bulletin(models.Model):
    """R6.3: the circular (通报) of a closed period's results, published by the office to every
    unit of the programme."""

    period = models.OneToOneField(
        ScoringPeriod,
        verbose_name=_("scoring period"),
        on_delete=models.CASCADE,
        related_name="bulletin",
    )
    number = models.CharField(_("document number"), max_length=50)
    published_on = models.DateField(_("date of issue"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"))

    objects = BulletinQuerySet.as_manager()

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.number


# --- R6.5, R6.6 and §8: the veto gauge, indicator reviews and acceptance ------------------------


class AcceptanceSettingsQuerySet(ScopedQuerySet):
    def scope_q(self, scope: UserScope) -> Q | None:
        return Q(programme__in=Programme.objects.filter(Programme.objects.all().scope_q(scope)))


class AcceptanceSettings(ProgrammeSettings):
    """A programme's numbers for the veto gauge, the mid-term review and acceptance. The defaults
    are ours (docs/rules.md R6.5, R6.6, §8); the office changes them in the admin. A programme without
    a row uses the defaults."""

    programme = programme_settings_field("acceptance_settings")
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
        _("days without a liaison tolerated"),
        default=LIAISON_TOLERANCE_DAYS,
        help_text=_(
            "C5: 0 means no gap between liaisons is tolerated; a longer gap vetoes the unit."
        ),
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

    @property
    def previous_status_label(self) -> str:
        """The unit's status before the decision, in words (the code when no longer a status)."""
        labels = dict(CreationUnit.Status.choices)
        return str(labels.get(self.previous_status, self.previous_status))

    def clean(self) -> None:
        if not (self.reason or "").strip():
            raise ValidationError({"reason": _("A status decision needs a written reason.")})
