"""Organisation: the region tree, programmes, batches, creation units and who may see which."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import ClassVar, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from creation.rules import CREATION_CYCLE_YEARS, Cycle, earliest_start_reaching, unit_cycle
from creation.scope import ScopedQuerySet, UserScope
from portal.uploads import validate_minutes_upload
from portal.validators import mobile_validator, phone_validator


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
    # R1.3 default: the office may ask for more (or, exceptionally, fewer) regular meetings.
    regular_meetings_per_quarter = models.PositiveSmallIntegerField(
        _("regular meetings per quarter"),
        default=1,
        help_text=_("R1.3: how many regular leadership-group meetings each unit holds a quarter."),
    )

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
        errors: list[str] = []
        if self.kind == self.Kind.PROVINCIAL and not self.province_id:
            errors.append(_("A provincial programme needs its province."))
        if self.kind == self.Kind.NATIONAL and self.province_id:
            errors.append(_("A national programme has no province."))
        if self.province_id and self.province.level != Region.Level.PROVINCE:
            errors.append(_("Choose a province, not a lower region."))
        if errors:
            raise ValidationError({"province": errors})


def programme_settings_field(related_name: str) -> models.OneToOneField:
    """The `programme` of a ProgrammeSettings model. Each model keeps its own reverse accessor
    (programme.reporting_settings, programme.scoring_settings, ...), hence a field per model."""
    return models.OneToOneField(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name=related_name,
    )


class ProgrammeSettings(models.Model):
    """A programme's settings of one subject (reporting, inspections, scoring, acceptance): at
    most one row per programme, changed by the office in the admin. A programme without a row
    uses the defaults of the fields. Read them only through for_programme / for_programmes, so
    that every reader gets the same defaults."""

    class Meta:
        abstract = True

    @classmethod
    def for_programme(cls, programme: Programme | int) -> Self:
        """The programme's stored row, or an unsaved row with the defaults. Given a Programme,
        read through its reverse accessor, which caches the row (or its absence) on it."""
        if isinstance(programme, Programme):
            accessor = cls._meta.get_field("programme").remote_field.get_accessor_name()
            try:
                return getattr(programme, accessor)
            except cls.DoesNotExist:
                return cls(programme=programme)
        stored = cls._default_manager.filter(programme_id=programme).first()
        return stored or cls(programme_id=programme)

    @classmethod
    def for_programmes(cls, programme_ids: Iterable[int]) -> dict[int, Self]:
        """for_programme of many programmes in one query, by programme id."""
        ids = set(programme_ids)
        stored = {
            row.programme_id: row for row in cls._default_manager.filter(programme_id__in=ids)
        }
        return {pk: stored.get(pk) or cls(programme_id=pk) for pk in ids}


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
    unit_path = ""

    def scope_q(self, scope: UserScope) -> Q | None:
        return scope.units_q("")

    def with_related(self) -> CreationUnitQuerySet:
        return self.select_related("region", "region__province", "batch", "batch__programme")

    def cycle_overlapping(self, start: date, end: date) -> CreationUnitQuerySet:
        """C2: the units whose own creation cycle (`CreationUnit.cycle`) overlaps [start, end]."""
        return self.filter(start_date__lte=end, start_date__gte=earliest_start_reaching(start))


def day_number(path: str) -> models.Expression:
    """A date as the number YYYYMMDD, so that dates compare in SQL on every database."""
    return ExtractYear(path) * 10000 + ExtractMonth(path) * 100 + ExtractDay(path)


def cycle_over_number(start_path: str) -> models.Expression:
    """C2, the set-based form of `CreationUnit.cycle` for a unit whose start date is at
    `start_path`: the second anniversary of the start as the number YYYYMMDD, so a day is inside
    the cycle exactly when `day_number(day) < cycle_over_number(start)` (a 29 February start has
    no anniversary day, and its cycle ends on 28 February as `creation_cycle_end` says)."""
    return (
        (ExtractYear(start_path) + CREATION_CYCLE_YEARS) * 10000
        + ExtractMonth(start_path) * 100
        + ExtractDay(start_path)
    )


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
    # Set when a write to the unit or to any of its records commits (creation.services
    # .units_changed_at_bump), so that API clients can pull what changed since their last pull.
    changed_at = models.DateTimeField(
        _("changed at"), default=timezone.now, db_index=True, editable=False
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
        indexes = [
            models.Index(fields=["status", "kind"]),
            # The orders of the unit lists (by batch, kind and name; by name): a page of a
            # programme's units is read off an index instead of sorting all of them.
            models.Index(fields=["batch", "kind", "name"]),
            models.Index(fields=["name", "id"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def cycle(self) -> Cycle:
        """C2 (§0): the unit's own creation cycle, two years from its start date."""
        return unit_cycle(
            start_date=self.start_date,
            batch_start=None if self.start_date else self.batch.cycle_start,
        )

    @property
    def cycle_start(self) -> date:
        return self.cycle.start

    @property
    def cycle_end(self) -> date:
        return self.cycle.end

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


# --- R1 leadership and R2 liaison -------------------------------------------------------------


class UnitRecordQuerySet(ScopedQuerySet):
    """Records that belong to one creation unit through `unit`."""

    unit_path = "unit__"

    def scope_q(self, scope: UserScope) -> Q | None:
        return scope.units_q(self.unit_path)


class DepartmentQuerySet(ScopedQuerySet):
    def scope_q(self, scope: UserScope) -> Q | None:
        # The list of departments is reference data for every signed-in user.
        return Q()


class Department(models.Model):
    """The editable list of departments a leadership-group member comes from (R1.1)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    required_for_zones = models.BooleanField(
        _("required in a zone's group"),
        default=False,
        help_text=_("R1.1: a zone's leadership group must have a member from this department."),
    )
    required_for_projects = models.BooleanField(_("required in a project's group"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class LeadershipGroup(models.Model):
    """A unit's leadership group (领导小组, R1.1); one per unit."""

    unit = models.OneToOneField(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="leadership_group",
    )
    name = models.CharField(_("name"), max_length=200)
    established_on = models.DateField(_("established on"))
    document_number = models.CharField(
        _("document number"),
        max_length=100,
        blank=True,
        help_text=_("文号 of the founding notice."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("leadership group")
        verbose_name_plural = _("leadership groups")
        ordering = ["unit_id"]

    def __str__(self) -> str:
        return self.name


class GroupMemberQuerySet(UnitRecordQuerySet):
    unit_path = "group__unit__"


class GroupMember(models.Model):
    class Role(models.TextChoices):
        HEAD = "head", _("Head (组长)")
        DEPUTY_HEAD = "deputy_head", _("Deputy head (副组长)")
        MEMBER = "member", _("Member (成员)")

    class LeaderKind(models.TextChoices):
        PARTY_MAIN = "party_main", _("Main leader of the Party committee")
        GOVERNMENT_MAIN = "government_main", _("Main leader of the government")
        CULTURE_ADMIN_MAIN = "culture_admin_main", _("Main leader of the cultural administration")
        OTHER = "other", _("Other")

    group = models.ForeignKey(
        LeadershipGroup,
        verbose_name=_("leadership group"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    position = models.CharField(_("position"), max_length=100)
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    leader_kind = models.CharField(
        _("leader kind"),
        max_length=20,
        choices=LeaderKind.choices,
        default=LeaderKind.OTHER,
        help_text=_(
            "R1.1: a zone's head is a main Party or government leader; a project's head "
            "the main leader of the local cultural administration."
        ),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    duty = models.TextField(_("duty"), blank=True, help_text=_("R1.1: the member's stated duty."))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = GroupMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["group_id", "sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.position}）"

    @property
    def owner_unit(self) -> CreationUnit:
        return self.group.unit


class GroupOffice(models.Model):
    """The office of a zone's leadership group (领导小组办公室, R1.2)."""

    unit = models.OneToOneField(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="group_office",
    )
    placed_in = models.CharField(
        _("placed in"), max_length=200, help_text=_("The body that houses the office.")
    )
    in_cultural_administration = models.BooleanField(
        _("in the cultural administration"),
        default=True,
        help_text=_("R1.2: the office is placed in the local cultural administration."),
    )
    director_name = models.CharField(_("director"), max_length=50)
    director_position = models.CharField(_("director's position"), max_length=100)
    phone = models.CharField(_("phone"), max_length=50, blank=True, validators=[phone_validator])
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("group office")
        verbose_name_plural = _("group offices")
        ordering = ["unit_id"]

    def __str__(self) -> str:
        return self.placed_in

    def clean(self) -> None:
        if self.unit_id and self.unit.kind != CreationUnit.Kind.ZONE:
            raise ValidationError(_("Only zones keep a leadership-group office (R1.2)."))


class OfficeStaffQuerySet(UnitRecordQuerySet):
    unit_path = "office__unit__"


class OfficeStaff(models.Model):
    office = models.ForeignKey(
        GroupOffice, verbose_name=_("group office"), on_delete=models.CASCADE, related_name="staff"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    position = models.CharField(_("position"), max_length=100)
    phone = models.CharField(_("phone"), max_length=50, blank=True, validators=[phone_validator])

    objects = OfficeStaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("office staff member")
        verbose_name_plural = _("office staff")
        ordering = ["office_id", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def owner_unit(self) -> CreationUnit:
        return self.office.unit


def minutes_path(instance: models.Model, filename: str) -> str:
    # The stored name never comes from the uploader; the original name is kept in a field.
    from uuid import uuid4

    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"minutes/{instance._meta.model_name}/{uuid4().hex}.{suffix[:8]}"


class WithMinutes(models.Model):
    """Minutes kept on file (会议纪要): the stored file and the name it was uploaded with."""

    minutes = models.FileField(
        _("minutes"),
        upload_to=minutes_path,
        blank=True,
        max_length=200,
        validators=[validate_minutes_upload],
        help_text=_("PDF, Word (.docx) or an image (PNG, JPEG)."),
    )
    minutes_name = models.CharField(_("minutes file name"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True


class Meeting(WithMinutes):
    """A leadership-group meeting with its minutes (会议纪要, R1.3)."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular meeting (定期例会)")
        MAJOR_MATTER = "major_matter", _("Major-matter consultation (重大事项会商)")

    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.REGULAR)
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=200)
    attendees = models.TextField(_("attendees"))
    agenda = models.TextField(_("agenda"))
    decisions = models.TextField(_("decisions"), blank=True)

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["unit", "kind", "held_on"])]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class Liaison(models.Model):
    """The person who speaks for a unit (联络员, R2.1). Exactly one is active at any time; the
    rows with an end date are the history."""

    class PositionKind(models.TextChoices):
        DEPUTY_HEAD_CULTURE = (
            "deputy_head_culture",
            _("Deputy head of the culture bureau in charge (文化局分管副局长)"),
        )
        OTHER = "other", _("Other position")

    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="liaisons",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    organisation = models.CharField(_("organisation"), max_length=200)
    position = models.CharField(_("position"), max_length=100)
    position_kind = models.CharField(
        _("position kind"),
        max_length=20,
        choices=PositionKind.choices,
        default=PositionKind.DEPUTY_HEAD_CULTURE,
    )
    phone = models.CharField(
        _("office phone"), max_length=50, blank=True, validators=[phone_validator]
    )
    mobile = models.CharField(_("mobile"), max_length=50, validators=[mobile_validator])
    email = models.EmailField(_("email"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="liaison_terms",
        help_text=_("Receives the invitations to liaison meetings."),
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason the term ended"), max_length=200, blank=True)

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("liaison")
        verbose_name_plural = _("liaisons")
        ordering = ["unit_id", "-started_on", "-id"]
        constraints = [
            # R2.1: exactly one liaison at any time; the database refuses a second active one.
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(ended_on__isnull=True),
                name="liaison_one_active_per_unit",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="liaison_term_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.position}）"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class LiaisonMeetingQuerySet(ScopedQuerySet):
    def scope_q(self, scope: UserScope) -> Q | None:
        return Q(programme__in=Programme.objects.filter(Programme.objects.all().scope_q(scope)))


class LiaisonMeeting(WithMinutes):
    """A liaison meeting of the office (R2.2): zones every quarter, projects every half year."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="liaison_meetings",
    )
    audience = models.CharField(
        _("for"),
        max_length=10,
        choices=CreationUnit.Kind.choices,
        help_text=_("Zones or projects."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.PositiveSmallIntegerField(
        _("period"), help_text=_("Quarter 1–4 for zones, half year 1–2 for projects.")
    )
    scheduled_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    host = models.ForeignKey(
        CreationUnit,
        verbose_name=_("host unit"),
        on_delete=models.PROTECT,
        related_name="hosted_liaison_meetings",
    )
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )

    objects = LiaisonMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("liaison meeting")
        verbose_name_plural = _("liaison meetings")
        ordering = ["-scheduled_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(audience="zone") & Q(period__gte=1, period__lte=4))
                | (Q(audience="project") & Q(period__gte=1, period__lte=2)),
                name="liaison_meeting_period_fits_audience",
            ),
            # R2.2: one liaison meeting per audience and period of a programme.
            models.UniqueConstraint(
                fields=["programme", "audience", "year", "period"],
                name="liaison_meeting_once_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheduled_on} {self.get_audience_display()} {self.place}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        last_period = 4 if self.audience == CreationUnit.Kind.ZONE else 2
        if self.period and not 1 <= self.period <= last_period:
            errors["period"] = (
                _("Zones meet every quarter: choose a quarter from 1 to 4.")
                if last_period == 4
                else _("Projects meet every half year: choose 1 or 2.")
            )
        if self.scheduled_on and self.year and 1 <= (self.period or 0) <= last_period:
            months = 12 // last_period
            first_month = (self.period - 1) * months + 1
            in_period = self.scheduled_on.year == self.year and (
                first_month <= self.scheduled_on.month < first_month + months
            )
            if not in_period:
                errors["scheduled_on"] = _("The date must fall within the chosen year and period.")
        if self.host_id and self.programme_id:
            if self.host.batch.programme_id != self.programme_id:
                errors["host"] = _("The host must be a unit of this programme.")
            elif self.host.kind != self.audience:
                errors["host"] = _("The host must be one of the units the meeting is for.")
        if errors:
            raise ValidationError(errors)


class LiaisonAttendanceQuerySet(UnitRecordQuerySet):
    pass


class LiaisonAttendance(models.Model):
    """One invited unit of a liaison meeting, with the liaison invited and whether they came."""

    meeting = models.ForeignKey(
        LiaisonMeeting,
        verbose_name=_("liaison meeting"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="liaison_attendances",
    )
    liaison = models.ForeignKey(
        Liaison,
        verbose_name=_("liaison"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    objects = LiaisonAttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("liaison meeting attendance")
        verbose_name_plural = _("liaison meeting attendances")
        ordering = ["meeting_id", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "unit"], name="liaison_attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.unit}"
