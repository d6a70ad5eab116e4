"""Records of creating places (§7) and generated documents in the scope world: one of each per
unit, visible exactly when the unit is; the unit's staff change them."""

from places.tests.factories import (
    ArtTeamFactory,
    CulturalEventFactory,
    FacilityFactory,
    HonourFactory,
    InvestmentFactory,
    StaffCountFactory,
    SummaryTextFactory,
    TrainingCourseFactory,
)
from reporting.tests.document_factories import DocumentJobFactory

RECORD_FACTORIES = {
    "facilities": FacilityFactory,
    "art_teams": ArtTeamFactory,
    "cultural_events": CulturalEventFactory,
    "staff_counts": StaffCountFactory,
    "training_courses": TrainingCourseFactory,
    "investments": InvestmentFactory,
    "honours": HonourFactory,
    "summary_texts": SummaryTextFactory,
}
MODELS = (*RECORD_FACTORIES, "document_jobs")


def extend(world) -> None:
    units = world.objects["units"]
    for model, factory in RECORD_FACTORIES.items():
        world.objects[model] = {key: factory(unit=unit) for key, unit in units.items()}
    world.objects["document_jobs"] = {
        key: DocumentJobFactory(unit=unit, requested_by=world.users["unit_staff"])
        for key, unit in units.items()
    }
    for role in list(world.expected):
        visible_units = set(world.expected[role]["units"])
        world.expected[role] = {
            **world.expected[role],
            **{model: set(visible_units) for model in MODELS},
        }
    own = {"own"}
    world.editable["unit_staff"] = {
        **world.editable.get("unit_staff", {}),
        **{model: set(own) for model in RECORD_FACTORIES},
        "document_requests": set(own),
    }
    world.editable["superuser"] = {
        **world.editable.get("superuser", {}),
        **{model: set(units) for model in RECORD_FACTORIES},
        "document_requests": set(units),
    }
    # Anyone who sees a unit (read-only accounts aside) may ask for its documents.
    for role in ("province_culture", "office"):
        world.editable[role] = {
            **world.editable.get(role, {}),
            "document_requests": set(world.expected[role]["units"]),
        }
