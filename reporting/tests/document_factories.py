import factory
from django.core.files.base import ContentFile

from creation.tests.factories import PDF_BYTES, CreationUnitFactory, UserFactory
from reporting.models import DocumentJob


class DocumentJobFactory(factory.django.DjangoModelFactory):
    """A finished summary report, with its file."""

    class Meta:
        model = DocumentJob

    kind = "summary-report"
    format = DocumentJob.Format.PDF
    unit = factory.SubFactory(CreationUnitFactory)
    programme = factory.LazyAttribute(lambda job: job.unit.batch.programme if job.unit else None)
    params = factory.LazyAttribute(lambda job: {"unit": job.unit.pk} if job.unit else {})
    language = "zh-hans"
    requested_by = factory.SubFactory(UserFactory)
    status = DocumentJob.Status.DONE
    progress = 100
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="report.pdf"))
    file_name = factory.LazyAttribute(lambda job: f"{job.unit.name}总结汇报材料.pdf")
