"""Forms of the framework catalogue."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Framework file (YAML)"),
        help_text=_("See the framework file format. A file with any problem loads nothing."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.FRAMEWORK_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB; a framework file is much smaller.")
                % {"mb": settings.FRAMEWORK_MAX_BYTES // (1024 * 1024)}
            )
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text; save it as UTF-8 YAML.")) from None


class IndicatorFilterForm(forms.Form):
    """One optional category choice per dimension of the framework."""

    def __init__(self, *args, dimensions, label_of, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimensions = dimensions
        for dimension in dimensions:
            choices = [("", _("All"))] + [
                (c.code, ("— " if c.parent_id else "") + f"{c.code} · {label_of(c.label)}")
                for c in dimension.categories.all()
            ]
            self.fields[dimension.code] = forms.ChoiceField(
                label=label_of(dimension.label), choices=choices, required=False
            )

    def selected_category_ids(self) -> list[int]:
        if not self.is_valid():
            return []
        ids = []
        for dimension in self.dimensions:
            code = self.cleaned_data.get(dimension.code)
            if code:
                ids += [c.pk for c in dimension.categories.all() if c.code == code]
        return ids
