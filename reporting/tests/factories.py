from datetime import date

import factory

from creation.tests.factories import CreationUnitFactory, minutes_pdf
from reporting.models import Obligation, Submission, SubmissionAttachment
from reporting.rules import due_moment


class ObligationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Obligation

    unit = factory.SubFactory(CreationUnitFactory)
    type = Obligation.Type.WORK_UPDATE
    period_start = date(2026, 1, 1)
    period_end = date(2026, 1, 31)
    period_label = "2026-01"
    due_at = factory.LazyFunction(lambda: due_moment(date(2026, 2, 5)))


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    obligation = factory.SubFactory(ObligationFactory)
    title = "一月份工作动态"
    body = "本月开展社区文化活动12场，服务群众3000余人次。"


class SubmissionAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubmissionAttachment

    submission = factory.SubFactory(SubmissionFactory)
    file = factory.LazyFunction(lambda: minutes_pdf("附件.pdf"))
    name = "附件.pdf"
