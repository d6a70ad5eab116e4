"""Writes of the organisation, one transaction each. Every write validates the whole row first
(`full_clean`), so the admin, the seed command and later forms share one set of messages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from creation.models import Batch, CreationUnit, Programme, Region, RoleAssignment
from creation.rules import creation_cycle_end
from creation.scope import forget_scope

OFFICE_GROUP = "office reviewers"
# Office reviewers work in the admin on the organisation of their programme.
OFFICE_PERMISSIONS = [
    ("creation", "view_region"),
    ("creation", "view_programme"),
    ("creation", "view_batch"),
    ("creation", "add_batch"),
    ("creation", "change_batch"),
    ("creation", "view_creationunit"),
    ("creation", "add_creationunit"),
    ("creation", "change_creationunit"),
]


def _save(instance: Any) -> Any:
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def region_ensure(
    *, code: str, name: str, level: str, parent: Region | None = None, economic_belt: str = ""
) -> Region:
    region = Region.objects.filter(code=code).first() or Region(code=code)
    region.name, region.level, region.parent, region.economic_belt = (
        name,
        level,
        parent,
        economic_belt,
    )
    return _save(region)


@transaction.atomic
def programme_ensure(
    *, name: str, kind: str, office_name: str, province: Region | None = None
) -> Programme:
    programme = Programme.objects.filter(name=name).first() or Programme(name=name)
    programme.kind, programme.office_name, programme.province = kind, office_name, province
    return _save(programme)


@transaction.atomic
def batch_ensure(*, programme: Programme, number: int, year: int, cycle_start: date) -> Batch:
    batch = Batch.objects.filter(programme=programme, number=number).first() or Batch(
        programme=programme, number=number
    )
    batch.year, batch.cycle_start = year, cycle_start
    batch.cycle_end = creation_cycle_end(cycle_start)
    return _save(batch)


@transaction.atomic
def unit_ensure(
    *,
    batch: Batch,
    name: str,
    kind: str,
    region: Region,
    start_date: date,
    host_organisation: str = "",
    status: str = CreationUnit.Status.CREATING,
) -> CreationUnit:
    unit = CreationUnit.objects.filter(batch=batch, name=name).first() or CreationUnit(
        batch=batch, name=name
    )
    unit.kind, unit.region, unit.level = kind, region, region.level
    unit.start_date, unit.host_organisation, unit.status = start_date, host_organisation, status
    return _save(unit)


@transaction.atomic
def office_group_ensure() -> Group:
    group, _ = Group.objects.get_or_create(name=OFFICE_GROUP)
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in OFFICE_PERMISSIONS
    ]
    group.permissions.set(permissions)
    return group


@transaction.atomic
def user_ensure(*, username: str, password: str, full_name: str = "", email: str = "") -> Any:
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model(username=username)
        user.set_password(password)
    user.first_name, user.email = full_name, email
    user.save()
    return user


@transaction.atomic
def role_assign(
    *,
    user: Any,
    role: str,
    unit: CreationUnit | None = None,
    province: Region | None = None,
    programme: Programme | None = None,
    department: str = "",
) -> RoleAssignment:
    """Give a user a role; office reviewers also get the admin (staff status and the office group)."""
    fields = {
        "user": user,
        "role": role,
        "unit": unit,
        "province": province,
        "programme": programme,
        "department": department,
    }
    assignment = RoleAssignment.objects.filter(**fields).first() or _save(RoleAssignment(**fields))
    if role == RoleAssignment.Role.OFFICE_REVIEWER:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(office_group_ensure())
    forget_scope(user)
    return assignment
