"""Validation of the organisation: clear messages from full_clean, and database constraints as
the last line for writes that bypass it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from creation.models import Batch, CreationUnit, Programme, Region, RoleAssignment
from creation.tests.factories import (
    BatchFactory,
    CityFactory,
    CreationUnitFactory,
    DistrictFactory,
    ProgrammeFactory,
    ProvinceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_region_keeps_its_province_at_every_depth():
    district = DistrictFactory()
    street = Region.objects.create(
        code="999999001", name="街道", level=Region.Level.STREET, parent=district
    )
    province = district.parent.parent
    assert district.province == province
    assert street.province == province
    assert province.province is None
    assert street.province_region == province == province.province_region


def test_region_child_must_be_below_its_parent():
    city = CityFactory()
    region = Region(code="1", name="x", level=Region.Level.CITY, parent=city)
    with pytest.raises(ValidationError) as error:
        region.full_clean()
    assert "parent" in error.value.message_dict


def test_region_province_needs_its_class_and_no_parent():
    with pytest.raises(ValidationError) as error:
        Region(code="1", name="x", level=Region.Level.PROVINCE).full_clean()
    assert "economic_belt" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(code="2", name="y", level=Region.Level.PROVINCE)


def test_programme_provincial_needs_province_and_national_has_none():
    province = ProvinceFactory()
    with pytest.raises(ValidationError):
        Programme(name="a", kind=Programme.Kind.PROVINCIAL, office_name="o").full_clean()
    with pytest.raises(ValidationError):
        Programme(
            name="b", kind=Programme.Kind.NATIONAL, office_name="o", province=province
        ).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.create(name="c", kind=Programme.Kind.PROVINCIAL, office_name="o")


def test_batch_cycle_must_end_after_it_starts():
    batch = BatchFactory.build(programme=ProgrammeFactory())
    batch.cycle_end = batch.cycle_start
    with pytest.raises(ValidationError) as error:
        batch.full_clean()
    assert "cycle_end" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        batch.save()
    assert not Batch.objects.filter(pk=batch.pk).exists()


def test_unit_project_needs_host_organisation():
    unit = CreationUnitFactory.build(
        kind=CreationUnit.Kind.PROJECT, region=CityFactory(), batch=BatchFactory()
    )
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert "host_organisation" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        unit.save()


def test_unit_zone_level_matches_its_region():
    unit = CreationUnitFactory.build(region=CityFactory(), batch=BatchFactory(), level="district")
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert "region" in error.value.message_dict


def test_unit_of_provincial_programme_must_lie_in_its_province():
    own, other = ProvinceFactory(), ProvinceFactory()
    programme = ProgrammeFactory(kind=Programme.Kind.PROVINCIAL, province=own)
    unit = CreationUnitFactory.build(
        region=CityFactory(parent=other), batch=BatchFactory(programme=programme)
    )
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert "region" in error.value.message_dict
    unit.region = CityFactory(parent=own)
    unit.full_clean()
    unit.save()
    assert CreationUnit.objects.get(pk=unit.pk).region.province == own


@pytest.mark.parametrize(
    ("role", "fields", "valid"),
    [
        ("unit_staff", {"unit"}, True),
        ("unit_staff", {"unit", "province"}, False),
        ("provincial_reviewer", {"province", "department"}, True),
        ("provincial_reviewer", {"province"}, False),
        ("office_reviewer", {"programme"}, True),
        ("office_reviewer", {"programme", "department"}, False),
        ("api_client", {"programme"}, True),
        ("api_client", {"unit"}, True),
        ("api_client", {"unit", "programme"}, False),
        ("api_client", set(), False),
    ],
)
def test_role_assignment_scope_must_match_the_role(role, fields, valid):
    unit = CreationUnitFactory()
    values = {
        "unit": unit,
        "province": unit.region.province,
        "programme": unit.batch.programme,
        "department": "culture",
    }
    assignment = RoleAssignment(
        user=UserFactory(), role=role, **{name: values[name] for name in fields}
    )
    if valid:
        assignment.full_clean()
        assignment.save()
        assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    else:
        with pytest.raises(ValidationError):
            assignment.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            assignment.save()


# --- Per-programme settings: one accessor, the same defaults for every reader ------------------


def test_programme_settings_for_programme_without_a_row_gives_unsaved_defaults(world):
    from reporting.models import ReportingSettings

    programme = world.objects["units"]["own"].batch.programme
    ReportingSettings.objects.filter(programme=programme).delete()
    programme = Programme.objects.get(pk=programme.pk)  # no cached reverse accessor
    by_instance = ReportingSettings.for_programme(programme)
    by_id = ReportingSettings.for_programme(programme.pk)
    assert (by_instance.pk, by_instance.programme_id, by_instance.monthly_due_day) == (
        None,
        programme.pk,
        5,
    )
    assert (by_id.pk, by_id.programme_id, by_id.monthly_due_day) == (None, programme.pk, 5)


def test_programme_settings_for_programme_returns_the_stored_row(world):
    from scoring.models import ScoringSettings

    programme = world.objects["units"]["own"].batch.programme
    stored, _ = ScoringSettings.objects.update_or_create(
        programme=programme, defaults={"base_points": 42}
    )
    programme = Programme.objects.get(pk=programme.pk)
    assert ScoringSettings.for_programme(programme).pk == stored.pk
    assert ScoringSettings.for_programme(programme.pk).base_points == 42


def test_programme_settings_for_programmes_mixes_rows_and_defaults_in_one_query(
    world, django_assert_num_queries
):
    from scoring.models import AcceptanceSettings

    programme = world.objects["units"]["own"].batch.programme
    other = ProgrammeFactory()  # a programme without settings
    AcceptanceSettings.objects.filter(programme=other).delete()
    stored, _ = AcceptanceSettings.objects.update_or_create(
        programme=programme, defaults={"pass_mark": 70}
    )
    with django_assert_num_queries(1):
        found = AcceptanceSettings.for_programmes([programme.pk, other.pk])
    assert (found[programme.pk].pk, found[programme.pk].pass_mark) == (stored.pk, 70)
    assert (found[other.pk].pk, found[other.pk].pass_mark) == (None, 60)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="autovacuum: PostgreSQL")
def test_programmes_and_batches_are_analyzed_after_any_change():
    """Every scope joins these few rows to thousands of units; autovacuum would never analyze a
    table of fewer than 50 rows, and the planner would then guess a few dozen units in a
    programme (creation/migrations/0011)."""
    tables = [Programme._meta.db_table, Batch._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)", [tables])
        options = dict(cursor.fetchall())
    for table in tables:
        assert {"autovacuum_analyze_threshold=0", "autovacuum_analyze_scale_factor=0"} <= set(
            options[table] or []
        )
