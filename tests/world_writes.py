"""Write permissions of the scope world that the write matrix needs (tests/test_write_matrix.py):
the versions and budget lines of a unit's plans are changed by the unit's own staff (a version
past its draft refuses the change with 400, which is the plan's state, not a permission)."""

STATES = ("draft", "review", "filed")


def extend(world) -> None:
    units = set(world.objects["units"])
    for role, unit_keys in (("unit_staff", {"own"}), ("superuser", units)):
        plans = {f"{key}/{state}" for key in unit_keys for state in STATES}
        world.editable[role] = {
            **world.editable.get(role, {}),
            "fund_plan_versions": set(plans),
            "budget_lines": set(plans),
        }
