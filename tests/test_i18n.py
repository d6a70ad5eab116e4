from pathlib import Path

import polib
import pytest
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parent.parent
CATALOGUE = BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_chinese_catalogue_is_complete_and_compiled():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    mo = polib.mofile(str(CATALOGUE / "django.mo"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in mo}
    assert {(e.msgctxt, e.msgid): e.msgstr for e in po.translated_entries()} == {
        k: v for k, v in compiled.items() if k[1]
    }, "django.mo is out of date: run `make messages`"


def test_words_that_mean_different_things_are_translated_apart():
    """A report accepted by its reviewer is 已通过; 已验收 is a unit's final acceptance (R6).
    People have a 姓名, organisations a 名称."""
    from django.utils import translation

    from creation.models import CreationUnit, Liaison, Region
    from reporting.models import Submission

    with translation.override("zh-hans"):
        assert str(Submission.Status.ACCEPTED.label) == "已通过"
        assert str(CreationUnit.Status.ACCEPTED.label) == "已验收"
        assert str(Liaison._meta.get_field("name").verbose_name) == "姓名"
        assert str(Region._meta.get_field("name").verbose_name) == "名称"


@pytest.mark.django_db
def test_pages_speak_chinese_by_default(client):
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "示范区创建管理平台" in page
    assert "登录" in page


@pytest.mark.django_db
def test_pages_stay_chinese_for_an_english_browser(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in page


@pytest.mark.django_db
def test_api_clients_may_ask_for_english(api_client):
    english = api_client.get(reverse("api:unit-list"), HTTP_ACCEPT_LANGUAGE="en")
    chinese = api_client.get(reverse("api:unit-list"))
    assert english.status_code == chinese.status_code == 401
    assert english.json()["message"] == "Authentication credentials were not provided."
    assert chinese.json()["message"] == "身份认证信息未提供。"


@pytest.mark.django_db
def test_language_switch_turns_pages_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in page
    assert "Demonstration Zone Creation Portal" in page
    assert "Log in" in page


@pytest.mark.django_db
def test_validation_messages_follow_the_language():
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from creation.models import Region

    region = Region(code="1", name="x", level=Region.Level.CITY)
    for language, text in [
        ("zh-hans", "只有省级区域可以没有上级区域。"),
        ("en", "Only a province"),
    ]:
        with translation.override(language):
            with pytest.raises(ValidationError) as error:
                region.full_clean()
            assert text in str(error.value.message_dict["parent"])
