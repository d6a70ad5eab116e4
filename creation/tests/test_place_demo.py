"""The demo holds records of creating places for several units (§7), so that `make run` makes a
full summary report."""

import io

import pytest

from creation.models import CreationUnit
from places.models import SummaryText
from places.selectors import place_figures
from places.summary_report import SUMMARY_REPORT
from reporting.documents import document_render

pytestmark = pytest.mark.django_db


def test_demo_has_records_for_several_units_and_a_full_report(demo_data):
    with_records = CreationUnit.objects.filter(facilities__isnull=False).distinct()
    assert with_records.count() >= 5
    assert SummaryText.objects.exclude(measures="").count() >= 5
    kaifu = CreationUnit.objects.get(name="长沙市开福区")
    figures = place_figures(unit=kaifu)
    counts = [figures.facility_count, figures.team_count, figures.event_count, figures.full_time]
    counts += [figures.trainees, figures.invested, len(figures.honours)]
    assert all(counts), counts
    from docx import Document

    content = document_render(kind=SUMMARY_REPORT, params={"unit": kaifu.pk}, format="docx").content
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "长沙市开福区" in text
    assert str(figures.audience) in text
    assert "(Not written yet.)" not in text
