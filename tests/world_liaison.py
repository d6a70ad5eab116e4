"""Who may end a liaison's term in the scope world (C5, R2.1): the unit's own staff and the
office of the unit's programme (the national office runs the units "own", "sibling" and
"other"); the liaisons are keyed like their units."""


def extend(world) -> None:
    units = set(world.objects["units"])
    for role, keys in (
        ("unit_staff", {"own"}),
        ("office", {"own", "sibling", "other"}),
        ("superuser", units),
    ):
        world.editable[role] = {**world.editable.get(role, {}), "liaison_end": set(keys)}
