"""What a creating place records (docs/rules.md §7): its facilities, art teams, events, staff,
training, investment and honours, and the narrative parts of its summary report.

The tables were created by the creation app before these records had an app of their own; they
keep their names (`db_table`) so that moving the models moved no rows."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from creation.models import CreationUnit, UnitRecordQuerySet

POSITIVE = [MinValueValidator(0)]


class Facility(models.Model):
    """A public cultural facility of the place (§7): with floor area and equipment; counted and
    summed per kind in part 1 of the summary report."""

    class Kind(models.TextChoices):
        SERVICE_CENTRE = "service_centre", _("Cultural service centre (文化服务中心)")
        STATION = "station", _("Cultural station (文化站)")
        COMMUNITY_ROOM = "community_room", _("Community cultural activity room (社区文化活动室)")
        FARMHOUSE = "farmhouse", _("Farmhouse culture house (农家文化屋场)")
        OTHER = "other", _("Other facility")

    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="facilities",
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    community = models.CharField(_("community"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=10, decimal_places=1, validators=POSITIVE
    )
    equipment = models.TextField(_("equipment"), blank=True)
    weekly_hours = models.DecimalField(
        _("opening hours a week"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(168)],
    )

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        db_table = "creation_facility"
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["unit_id", "kind", "name", "id"]

    def __str__(self) -> str:
        return self.name


class ArtTeam(models.Model):
    """An amateur art team (群众文艺团队) of a community (§7)."""

    class Kind(models.TextChoices):
        DANCE = "dance", _("Dance (舞蹈)")
        CHOIR = "choir", _("Choir (合唱)")
        OPERA = "opera", _("Opera (戏曲)")
        MUSIC = "music", _("Instrumental music (器乐)")
        FOLK = "folk", _("Folk arts (曲艺、民间艺术)")
        OTHER = "other", _("Other team")

    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="art_teams",
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    community = models.CharField(_("community"), max_length=100)
    members = models.PositiveIntegerField(_("members"))

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        db_table = "creation_artteam"
        verbose_name = _("amateur art team")
        verbose_name_plural = _("amateur art teams")
        ordering = ["unit_id", "community", "name", "id"]

    def __str__(self) -> str:
        return self.name


class CulturalEvent(models.Model):
    """An event, or one edition of a brand (社区艺术节, 广场文化节), with the performances held and
    the audience reached (§7)."""

    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="cultural_events",
    )
    name = models.CharField(_("name"), max_length=200)
    held_on = models.DateField(_("date"))
    is_brand = models.BooleanField(
        _("brand event"), default=False, help_text=_("A recurring brand such as an arts festival.")
    )
    performances = models.PositiveIntegerField(_("performances"))
    audience = models.PositiveIntegerField(_("audience (person-times)"))

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        db_table = "creation_culturalevent"
        verbose_name = _("event")
        verbose_name_plural = _("events and brands")
        ordering = ["unit_id", "-held_on", "-id"]
        indexes = [models.Index(fields=["unit", "held_on"])]

    def __str__(self) -> str:
        return self.name


class StaffCount(models.Model):
    """The cultural staff of one level of the place: full-time, part-time and volunteers (§7)."""

    class Level(models.TextChoices):
        COUNTY = "county", _("District / county (区县)")
        TOWNSHIP = "township", _("Street / town (街道、乡镇)")
        COMMUNITY = "community", _("Community / village (社区、村)")

    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="staff_counts",
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    full_time = models.PositiveIntegerField(_("full-time staff"))
    part_time = models.PositiveIntegerField(_("part-time staff"))
    volunteers = models.PositiveIntegerField(_("volunteers"))

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        db_table = "creation_staffcount"
        verbose_name = _("staff count")
        verbose_name_plural = _("staff")
        ordering = ["unit_id", "level"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "level"], name="staff_count_once_per_level")
        ]

    def __str__(self) -> str:
        return self.get_level_display()


class TrainingCourse(models.Model):
    """A training course for grass-roots cultural staff and the people trained (§7)."""

    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="training_courses",
    )
    course = models.CharField(_("course"), max_length=200)
    held_on = models.DateField(_("date"))
    trainees = models.PositiveIntegerField(_("trainees"))

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        db_table = "creation_trainingcourse"
        verbose_name = _("training course")
        verbose_name_plural = _("training")
        ordering = ["unit_id", "-held_on", "-id"]

    def __str__(self) -> str:
        return self.course


class Investment(models.Model):
    """Money invested in the creation, per item (§7), in units of 10,000 yuan (万元)."""

    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="investments",
    )
    item = models.CharField(_("item"), max_length=200)
    amount = models.DecimalField(
        _("amount (10,000 yuan)"), max_digits=12, decimal_places=2, validators=POSITIVE
    )
    invested_on = models.DateField(_("date"))

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        db_table = "creation_investment"
        verbose_name = _("investment")
        verbose_name_plural = _("money invested")
        ordering = ["unit_id", "-invested_on", "-id"]

    def __str__(self) -> str:
        return self.item


class Honour(models.Model):
    """An honour the place or its teams won (§7)."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National (国家级)")
        PROVINCIAL = "provincial", _("Provincial (省级)")
        CITY = "city", _("City (市级)")
        COUNTY = "county", _("District / county (区县级)")
        OTHER = "other", _("Other level")

    unit = models.ForeignKey(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="honours",
    )
    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    awarded_on = models.DateField(_("date"))
    awarded_by = models.CharField(_("awarded by"), max_length=200, blank=True)

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        db_table = "creation_honour"
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["unit_id", "-awarded_on", "-id"]

    def __str__(self) -> str:
        return self.title


class SummaryText(models.Model):
    """The narrative parts of the unit's summary report (创建总结汇报材料, §7), written in the
    portal; its figures come from the records above."""

    unit = models.OneToOneField(
        CreationUnit,
        verbose_name=_("creation unit"),
        on_delete=models.CASCADE,
        related_name="summary_text",
    )
    overview = models.TextField(
        _("facilities and activities: introduction"),
        blank=True,
        help_text=_("Part 1 starts with this text; the figures follow from the records."),
    )
    aims = models.TextField(_("aims and principles"), blank=True)
    leadership = models.TextField(
        _("leadership and responsibilities"),
        blank=True,
        help_text=_("Part 3 adds the leadership group and its office from their records."),
    )
    measures = models.TextField(_("measures taken"), blank=True)
    problems = models.TextField(_("problems and next steps"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = UnitRecordQuerySet.as_manager()

    class Meta:
        db_table = "creation_summarytext"
        verbose_name = _("summary report text")
        verbose_name_plural = _("summary report texts")
        ordering = ["unit_id"]

    def __str__(self) -> str:
        return str(self.unit)
