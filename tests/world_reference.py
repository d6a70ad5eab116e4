"""Shared reference data in the scope world: besides the national catalogue of media outlets
(seen by everyone), the provincial programme keeps one outlet of its own, seen only by those who
see that programme. Fund categories and departments are national and read by every role."""

from scoring.models import MediaOutlet


def extend(world) -> None:
    own = MediaOutlet.objects.create(
        name="四川日报", level=MediaOutlet.Level.PROVINCE, programme=world.provincial
    )
    world.objects["media_outlets"]["provincial"] = own
    for role, scope in world.expected.items():
        seen = set(scope["media_outlets"]) - {"provincial"}
        if "provincial" in scope["programmes"]:
            seen.add("provincial")
        world.expected[role] = {**scope, "media_outlets": seen}
