"""Organisation: the region tree, programmes, batches, creation units and who may see which."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from creation.scope import ScopedQuerySet, UserScope


class RegionQuerySet(ScopedQuerySet):
    def scope_q(self, scope: UserScope) -> Q | None:
        # Administrative geography is public reference data: every signed-in user may read it.
        return Q()

    def provinces(self) -> RegionQuerySet:
        return self.filter(level=Region.Level.PROVINCE)


class Region(models.Model):
    """A node of the administrative tree: province → city → district/county → street/town."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        DISTRICT = "district", _("District / county")
        STREET = "street", _("Street / town")

    class EconomicBelt(models.TextChoices):
        EAST = "east", _("East (东部)")
        CENTRAL = "central", _("Central (中部)")
        WEST = "west", _("West (西部)")

    DEPTH: ClassVar[dict[str, int]] = {"province": 0, "city": 1, "district": 2, "street": 3}

    code = models.CharField(
        _("division code"),
        max_length=12,
        unique=True,
        help_text=_("Administrative division code, e.g. 430105."),
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The province a region lies in, kept on every non-province node so that "everything in a
    # province" is one indexed filter instead of a walk up the tree.
    province = models.ForeignKey(
        "self",
        verbose_name=_("province"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    economic_belt = models.CharField(
        _("class"),
        max_length=10,
        choices=EconomicBelt.choices,
        blank=True,
        help_text=_("东部 / 中部 / 西部; provinces only."),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level="province") & Q(parent__isnull=True) & ~Q(economic_belt=""))
                | (~Q(level="province") & Q(parent__isnull=False) & Q(economic_belt="")),
                name="region_province_is_root_with_class",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.level == self.Level.PROVINCE or self.parent is None:
            self.province = None
        else:
            self.province_id = self.parent.province_id or self.parent_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.level == self.Level.PROVINCE:
            if self.parent_id:
                errors["parent"] = _("A province is the top of the tree and has no parent.")
            if not self.economic_belt:
                errors["economic_belt"] = _(
                    "Choose the class of the province (east, central, west)."
                )
        else:
            if self.parent is None:
                errors["parent"] = _("Only a province can be without a parent region.")
            elif self.DEPTH[self.parent.level] >= self.DEPTH[self.level]:
                errors["parent"] = _("The parent region must be of a higher level than this one.")
            if self.economic_belt:
                errors["economic_belt"] = _("Only provinces carry an east / central / west class.")
        if errors:
            raise ValidationError(errors)

    @property
    def province_region(self) -> Region:
        return self if self.level == self.Level.PROVINCE else self.province


class ProgrammeQuerySet(ScopedQuerySet):
    def scope_q(self, scope: UserScope) -> Q | None:
        units = CreationUnit.objects.filter(scope.units_q(""))
        return (
            Q(pk__in=scope.programme_ids)
            | Q(province__in=scope.province_ids)
            | Q(pk__in=units.values("batch__programme"))
        )


class Programme(models.Model):
    """A demonstration programme run by an office: the national one, or a province's own."""

    class Kind(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    province = models.ForeignKey(
        Region,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"level": Region.Level.PROVINCE},
        related_name="programmes",
        help_text=_("Only for a provincial programme: the province that runs it."),
    )
    office_name = models.CharField(_("programme office"), max_length=200)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="national") & Q(province__isnull=True))
                | (Q(kind="provincial") & Q(province__isnull=False)),
                name="programme_province_iff_provincial",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Kind.PROVINCIAL and not self.province_id:
            raise ValidationError({"province": _("A provincial programme needs its province.")})
        if self.kind == self.Kind.NATIONAL and self.province_id:
            raise ValidationError({"province": _("A national programme has no province.")})
        if self.province_id and self.province.level != Region.Level.PROVINCE:
            raise ValidationError({"province": _("Choose a province, not a lower region.")})


class BatchQuerySet(ScopedQuerySet):
    def scope_q(self, scope: UserScope) -> Q | None:
        units = CreationUnit.objects.filter(scope.units_q(""))
        return (
            Q(programme__in=scope.programme_ids)
            | Q(programme__province__in=scope.province_ids)
            | Q(pk__in=units.values("batch"))
        )


class Batch(models.Model):
    """Units admitted together for one two-year creation cycle."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="batches"
    )
    number = models.PositiveSmallIntegerField(_("batch number"))
    year = models.PositiveSmallIntegerField(_("year"))
    cycle_start = models.DateField(_("cycle start"))
    cycle_end = models.DateField(_("cycle end"))

    objects = BatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        ordering = ["programme_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="batch_number_unique"),
            models.CheckConstraint(
                condition=Q(cycle_end__gt=models.F("cycle_start")), name="batch_cycle_order"
            ),
        ]

    def __str__(self) -> str:
        return _("%(programme)s, batch %(number)s") % {
            "programme": self.programme.name,
            "number": self.number,
        }

    def clean(self) -> None:
        if self.cycle_start and self.cycle_end and self.cycle_end <= self.cycle_start:
            raise ValidationError({"cycle_end": _("The cycle must end after it starts.")})


class CreationUnitQuerySet(ScopedQuerySet):
    def scope_q(self, scope: UserScope) -> Q | None:
        return scope.units_q("")

    def with_related(self) -> CreationUnitQuerySet:
        return self.select_related("region", "region__province", "batch", "batch__programme")


class CreationUnit(models.Model):
    """A zone (a city, district or street) or a project being created in one batch."""

    class Kind(models.TextChoices):
        ZONE = "zone", _("Demonstration zone")
        PROJECT = "project", _("Demonstration project")

    class Status(models.TextChoices):
        CREATING = "creating", _("Creating")
        ACCEPTED = "accepted", _("Accepted")
        VETOED = "vetoed", _("Vetoed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    ZONE_LEVELS: ClassVar[tuple[str, ...]] = ("city", "district", "street")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="units"
    )
    batch = models.ForeignKey(
        Batch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="units"
    )
    level = models.CharField(_("level"), max_length=10, choices=Region.Level.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CREATING
    )
    start_date = models.DateField(_("start date"))
    host_organisation = models.CharField(
        _("host organisation"),
        max_length=200,
        blank=True,
        help_text=_("Projects only: the organisation that carries out the project."),
    )

    objects = CreationUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("creation unit")
        verbose_name_plural = _("creation units")
        ordering = ["batch_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "name"], name="unit_name_unique_in_batch"),
            models.CheckConstraint(
                condition=Q(kind="zone") | ~Q(host_organisation=""),
                name="unit_project_has_host",
            ),
            models.CheckConstraint(
                condition=Q(kind="project") | Q(level__in=("city", "district", "street")),
                name="unit_zone_level",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == self.Kind.PROJECT and not self.host_organisation.strip():
            errors["host_organisation"] = _("A project needs its host organisation.")
        if self.kind == self.Kind.ZONE:
            if self.level not in self.ZONE_LEVELS:
                errors["level"] = _("A zone is a city, a district/county or a street/town.")
            elif self.region_id and self.region.level != self.level:
                errors["region"] = _("The zone's region must be of the zone's level.")
        if self.batch_id and self.region_id:
            programme = self.batch.programme
            province = self.region.province_region
            if programme.province_id and province.pk != programme.province_id:
                errors["region"] = _("A provincial programme only admits units of its province.")
        if errors:
            raise ValidationError(errors)


class RoleAssignment(models.Model):
    """What a user may see and do. A user can hold several (e.g. staff of two units)."""

    class Role(models.TextChoices):
        UNIT_STAFF = "unit_staff", _("Unit staff")
        PROVINCIAL_REVIEWER = "provincial_reviewer", _("Provincial reviewer")
        OFFICE_REVIEWER = "office_reviewer", _("Office reviewer")
        API_CLIENT = "api_client", _("API client (read-only)")

    class Department(models.TextChoices):
        CULTURE = "culture", _("Culture")
        FINANCE = "finance", _("Finance")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    province = models.ForeignKey(
        Region,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        limit_choices_to={"level": Region.Level.PROVINCE},
        related_name="role_assignments",
    )
    department = models.CharField(
        _("department"), max_length=10, choices=Department.choices, blank=True
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="unit_staff", unit__isnull=False, province__isnull=True)
                    & Q(programme__isnull=True, department="")
                )
                | (
                    Q(role="provincial_reviewer", unit__isnull=True, province__isnull=False)
                    & Q(programme__isnull=True)
                    & ~Q(department="")
                )
                | (
                    Q(role="office_reviewer", unit__isnull=True, province__isnull=True)
                    & Q(programme__isnull=False, department="")
                )
                | (
                    Q(role="api_client", department="")
                    & (
                        Q(unit__isnull=False, province__isnull=True, programme__isnull=True)
                        | Q(unit__isnull=True, province__isnull=False, programme__isnull=True)
                        | Q(unit__isnull=True, province__isnull=True, programme__isnull=False)
                    )
                ),
                name="role_assignment_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        target = self.unit or self.province or self.programme
        return f"{self.user} · {self.get_role_display()} · {target}"

    # What each role must point at: (unit, province, programme, department) present or absent;
    # None means "exactly one of unit / province / programme" (API clients).
    SCOPE_SHAPE: ClassVar[dict[str, tuple[bool, bool, bool, bool] | None]] = {
        "unit_staff": (True, False, False, False),
        "provincial_reviewer": (False, True, False, True),
        "office_reviewer": (False, False, True, False),
        "api_client": None,
    }
    SCOPE_MESSAGES: ClassVar[dict[str, str]] = {
        "unit_staff": _("Unit staff need the unit they work for, and nothing else."),
        "provincial_reviewer": _(
            "A provincial reviewer needs a province and a department, and nothing else."
        ),
        "office_reviewer": _("An office reviewer needs a programme, and nothing else."),
        "api_client": _(
            "An API client is scoped to exactly one unit, province or programme, without a department."
        ),
    }

    def clean(self) -> None:
        if self.role not in self.SCOPE_SHAPE:
            return
        present = (bool(self.unit_id), bool(self.province_id), bool(self.programme_id))
        shape = self.SCOPE_SHAPE[self.role]
        if shape is None:
            valid = sum(present) == 1 and not self.department
        else:
            valid = (*present, bool(self.department)) == shape
        if not valid:
            raise ValidationError(self.SCOPE_MESSAGES[self.role])
        if self.province_id and self.province.level != Region.Level.PROVINCE:
            raise ValidationError({"province": _("Choose a province, not a lower region.")})
