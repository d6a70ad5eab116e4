import pytest
from django.core.management import call_command

from scoring.catalogue import SEEDED_OUTLETS, outlets_ensure
from scoring.models import MediaOutlet


@pytest.mark.django_db(transaction=True)
def test_R6_2_the_catalogue_is_back_after_a_flush():
    MediaOutlet.objects.all().delete()
    call_command("flush", interactive=False, verbosity=0)
    assert set(MediaOutlet.objects.values_list("name", flat=True)) == {r[0] for r in SEEDED_OUTLETS}


@pytest.mark.django_db
def test_R6_2_seeding_is_idempotent_and_keeps_the_offices_changes():
    MediaOutlet.objects.filter(name="光明日报").update(tier=1)
    assert outlets_ensure() == 0
    assert MediaOutlet.objects.get(name="光明日报").tier == 1
    assert MediaOutlet.objects.count() == 17


@pytest.mark.django_db
def test_an_outlet_reports_all_its_problems_at_once():
    from django.core.exceptions import ValidationError

    from creation.tests.factories import ProgrammeFactory

    MediaOutlet.objects.create(name="人民日报测试", tier=1)
    outlet = MediaOutlet(name="人民日报测试", programme=ProgrammeFactory())  # national, no tier
    with pytest.raises(ValidationError) as caught:
        outlet.clean()
    assert set(caught.value.message_dict) == {"tier", "programme", "name"}
