"""Browser forms of funds. Forms only collect and check input; the views hand `cleaned_data` to
funds.services, which check permissions, states and the ring-fencing rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from creation.forms import UnitProvinceFilter
from funds.models import (
    BudgetLine,
    CentralAllocation,
    FundCategory,
    FundPlanVersion,
    LocalFunding,
    PlanDecision,
    validate_rules_upload,
    validate_voucher_upload,
)
from funds.rules import Outcome
from portal.queues import QueueFilterSet, SearchFilter
from portal.widgets import DateInput

DATE_INPUT = DateInput()
TEXTAREA = forms.Textarea(attrs={"rows": 4})
MONEY_INPUT = forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"})


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors on their fields when the form
    has them, everything else above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class CentralAllocationForm(forms.ModelForm):
    class Meta:
        model = CentralAllocation
        fields = ["amount", "allocated_on", "document_number", "note"]
        widgets = {"allocated_on": DATE_INPUT, "amount": MONEY_INPUT}


class LocalFundingForm(forms.ModelForm):
    class Meta:
        model = LocalFunding
        fields = ["committed_on", "document_number", "committed", "paid", "note"]
        widgets = {"committed_on": DATE_INPUT, "committed": MONEY_INPUT, "paid": MONEY_INPUT}


class RulesFileField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload and upload is not initial:
            validate_rules_upload(upload)
        return upload


class VersionForm(forms.ModelForm):
    """A draft's scope of use and management rules (text, a file, or both)."""

    rules_file = RulesFileField(
        label=_("Management rules (file)"),
        required=False,
        help_text=_("PDF or Word (.docx), instead of or besides the text."),
    )

    class Meta:
        model = FundPlanVersion
        fields = ["summary", "central_rules", "local_rules"]
        widgets = {"summary": TEXTAREA, "central_rules": TEXTAREA, "local_rules": TEXTAREA}


class PlanCreateForm(VersionForm):
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("E.g. 2026 fund-use plan.")
    )

    field_order = ["title", "summary", "central_rules", "local_rules", "rules_file"]


LOCAL_ONLY_MARK = _("local funds only")


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category: FundCategory) -> str:
        # A category the office named with the mark already ("…（仅限地方资金）") keeps its name.
        if category.central_allowed or str(LOCAL_ONLY_MARK) in category.name:
            return category.name
        return _("%(name)s (local funds only)") % {"name": category.name}


class BudgetLineForm(forms.ModelForm):
    category = CategoryChoiceField(
        label=_("Category"),
        queryset=FundCategory.objects.all(),
        help_text=_("R3.1: central subsidy only in the categories not marked “local funds only”."),
    )

    class Meta:
        model = BudgetLine
        # The order of the lines is their order on the plan page, not a field to fill in.
        fields = ["source", "category", "amount", "purpose", "expected_effect"]
        widgets = {"expected_effect": TEXTAREA, "amount": MONEY_INPUT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The model's own check of a positive amount at the first post, beside the form's other
        # errors, since the model is cleaned by the service.
        self.fields["amount"].validators.extend(BudgetLine._meta.get_field("amount").validators)

    def _post_clean(self) -> None:
        # The service validates the whole line (with its version); the form only checks fields.
        pass


class BudgetLineRowForm(BudgetLineForm):
    """A line as a row of the plan page's table: the category's R3.1 note is said once above the
    table, and the expected effect is a short box."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].help_text = ""
        self.fields["expected_effect"].widget = forms.Textarea(attrs={"rows": 2})


BudgetLineFormSet = forms.modelformset_factory(
    BudgetLine, form=BudgetLineRowForm, extra=1, can_delete=True
)


class DecisionForm(forms.Form):
    """A provincial department's decision; `stage` only for someone who decides for both."""

    outcome = forms.ChoiceField(choices=PlanDecision.OutcomeChoices.choices)
    comment = forms.CharField(
        label=_("Comment"),
        widget=TEXTAREA,
        required=False,
        help_text=_("Needed to return the plan: say what the unit should change."),
    )
    stage = forms.ChoiceField(label=_("Decide for"), required=False)

    def __init__(self, *args: Any, stages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(PlanDecision.StageChoices.choices)
        if len(stages) > 1:
            self.fields["stage"].choices = [(stage, labels[stage]) for stage in stages]
            self.fields["stage"].required = True
        else:
            del self.fields["stage"]


class FilingForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[(Outcome.APPROVED, _("File")), (Outcome.RETURNED, _("Return"))]
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=TEXTAREA,
        required=False,
        help_text=_("Needed to return the plan: say what the unit should change."),
    )


class LineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, line: BudgetLine) -> str:
        return _("%(plan)s · %(source)s · %(category)s · %(purpose)s (%(remaining)s yuan left)") % {
            "plan": line.version.plan.title,
            "source": line.source_short,
            "category": line.category.name,
            "purpose": line.purpose,
            "remaining": f"{line.remaining:,.2f}",
        }


class VoucherField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload:
            validate_voucher_upload(upload)
        return upload


class ExpenditureForm(forms.Form):
    line = LineChoiceField(label=_("Budget line"), queryset=BudgetLine.objects.none())
    spent_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=MONEY_INPUT,
    )
    payee = forms.CharField(label=_("Payee"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=TEXTAREA)
    voucher = VoucherField(
        label=_("Voucher"), help_text=_("PDF, PNG or JPEG of the invoice or payment voucher.")
    )

    def __init__(self, *args: Any, lines: QuerySet[BudgetLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines
        self.fields["line"].help_text = _(
            "Only the lines of filed plans (R3.2: money is ring-fenced to the filed plan)."
        )


class ReversalForm(forms.Form):
    """C6 (R3.2): the reason a wrong entry is reversed by a correcting entry."""

    reason = forms.CharField(
        label=_("Reason for the correction"),
        widget=TEXTAREA,
        max_length=2000,
        help_text=_(
            "What was wrong with the entry. It stays on record; a correcting entry takes back "
            "its amount. Record the right expenditure afterwards, if there is one."
        ),
    )


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("Half year"))

    def __init__(self, *args: Any, periods: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p, p) for p in periods]


class ProvincePlanFilter(QueueFilterSet):
    """The province's plans to review: search on the unit's name and the plan's title; those
    waiting for a decision, or every submitted version."""

    WAITING, ALL = "waiting", "all"
    # `show` picks the queue (waiting or all) rather than narrowing it: see funds.views.
    view_options = ("show",)

    q = SearchFilter(search_fields=["plan__unit__name", "plan__title"])
    show = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=[(WAITING, _("Waiting for a decision")), (ALL, _("All submitted versions"))],
        empty_label=None,
        method="keep",
    )

    class Meta:
        model = FundPlanVersion
        fields = ["q", "show"]

    def keep(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset


class FilingQueueFilter(QueueFilterSet):
    """The office's plans awaiting filing: search and province."""

    q = SearchFilter(search_fields=["plan__unit__name", "plan__title"])
    province = UnitProvinceFilter(unit_path="plan__unit")

    class Meta:
        model = FundPlanVersion
        fields = ["q", "province"]
