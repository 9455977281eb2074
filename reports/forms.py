"""Forms of the results pages: choosing two assessments to compare."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment
from assessments.visibility import visible_assessments
from indicators.text import tr


def _label(assessment: Assessment) -> str:
    author = f" ({assessment.author_organisation})" if assessment.author_organisation else ""
    return f"{assessment}{author}"


class ComparePickForm(forms.Form):
    """Two assessments this person may see, grouped by framework (only one framework compares with itself)."""

    a = forms.TypedChoiceField(label=_("First assessment"), coerce=int)
    b = forms.TypedChoiceField(label=_("Second assessment"), coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        assessments = (
            visible_assessments(user)
            .select_related("framework")
            .order_by("framework__slug", "country", "area", "-round", "kind")
        )
        groups: dict[str, list[tuple[int, str]]] = {}
        for assessment in assessments:
            title = f"{tr(assessment.framework.title)} {assessment.framework.version}"
            groups.setdefault(title, []).append((assessment.pk, _label(assessment)))
        choices = [("", "—"), *sorted(groups.items())]
        self.fields["a"].choices = self.fields["b"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("a") and data.get("a") == data.get("b"):
            raise forms.ValidationError(_("Choose two different assessments."))
        return data
