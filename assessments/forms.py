"""Forms for assessments: every input a person gives goes through one of these."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from assessments.models import Action, Answer, Assessment, Evidence, Implementation, Institution, Participant
from indicators.models import Framework, Level
from indicators.text import tr


class AssessmentForm(forms.ModelForm):
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.order_by("slug", "-loaded_at"), label=_("Framework")
    )

    class Meta:
        model = Assessment
        fields = [
            "country",
            "area",
            "framework",
            "round",
            "kind",
            "author_organisation",
            "language",
            "publish_justifications",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].label_from_instance = lambda f: (
            f"{tr(f.title, fallback=f.default_language)} ({f.version})"
        )
        if self.instance.pk:
            # The framework of an existing assessment is fixed: its answers belong to it.
            del self.fields["framework"]

    def changed_values(self) -> dict:
        """The cleaned values of the fields that changed, for `services.assessment_update`."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name in self.cleaned_data}


class InstitutionForm(forms.Form):
    name = forms.CharField(label=_("Institution"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Institution.Kind.choices)


class InvitationForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"), choices=Participant.Role.choices, initial=Participant.Role.RESPONDENT
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.none(),
        required=False,
        help_text=_("Required for respondents: whose answers they give."),
    )
    email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        help_text=_("If given, the link is e-mailed. Either way you can copy the link and send it yourself."),
    )

    def __init__(self, *args, assessment: Assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = assessment.institutions.all()

    def clean(self):
        data = super().clean()
        if data.get("role") == Participant.Role.RESPONDENT and not data.get("institution"):
            self.add_error("institution", _("A respondent answers for an institution: choose one."))
        return data


class AnswerField(forms.ChoiceField):
    """A level of the framework's scale, or not applicable, or don't know, as `level:<code>` / `na` / `dk`."""

    def __init__(self, *, levels: list[Level], **kwargs):
        choices = [(f"level:{lv.code}", f"{lv.code} · {tr(lv.label)}") for lv in levels]
        choices += [(Answer.NOT_APPLICABLE, _("Not applicable")), (Answer.DONT_KNOW, _("Don't know"))]
        super().__init__(choices=choices, widget=forms.RadioSelect, **kwargs)


def split_answer(value: str) -> tuple[str, str | None]:
    if value.startswith("level:"):
        return Answer.LEVEL, value.removeprefix("level:")
    return value, None


def join_answer(answer: str, level: Level | None) -> str:
    return f"level:{level.code}" if answer == Answer.LEVEL and level else answer


class ResponseForm(forms.Form):
    answer = forms.CharField()  # replaced in __init__
    implementation = forms.ChoiceField(
        label=_("Is it applied?"),
        choices=[("", _("Not said")), *Implementation.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    justification = forms.CharField(
        label=_("Justification"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, levels: list[Level], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"] = AnswerField(levels=levels, label=_("Your answer"))


class ConsensusForm(forms.Form):
    answer = forms.CharField()  # replaced in __init__
    rationale = forms.CharField(
        label=_("Rationale"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, levels: list[Level], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"] = AnswerField(levels=levels, label=_("Agreed answer"))


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Assessment.Status.choices, widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    override_reason = forms.CharField(
        label=_("Why publish below the minimum completeness"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with the published results and on the report's cover."),
    )


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["title", "description", "owner", "due_date", "status", "indicators"]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, assessment: Assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = assessment.institutions.all()
        self.fields["indicators"].queryset = assessment.framework.indicators.all()
        self.fields["indicators"].label_from_instance = lambda i: f"{i.code} · {tr(i.question)[:90]}"


class NextRoundForm(forms.Form):
    round = forms.CharField(label=_("Round"), max_length=40)
    framework = forms.ModelChoiceField(
        label=_("Framework version"),
        queryset=Framework.objects.none(),
        help_text=_(
            "On a newer version, open actions follow their indicators through the version's continuity map, "
            "and people see last round's answer to each question that stayed the same as a reminder."
        ),
    )

    def __init__(self, *args, assessment: Assessment, **kwargs):
        super().__init__(*args, **kwargs)
        versions = Framework.objects.filter(slug=assessment.framework.slug).order_by("-loaded_at")
        self.fields["framework"].queryset = versions
        self.fields["framework"].initial = versions.first()
        self.fields["framework"].label_from_instance = lambda f: f.version


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, I am sure"))


class EvidenceForm(forms.ModelForm):
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, Word or ODT, Excel or ODS, PNG or JPEG; 20 MB at most."),
    )

    class Meta:
        model = Evidence
        fields = ["title", "kind", "source", "effective_date", "indicators", "url"]
        widgets = {"effective_date": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"url": _("Or a link to where the document is published.")}

    def __init__(self, *args, assessment: Assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = assessment.framework.indicators.all()
        self.fields["indicators"].label_from_instance = lambda i: f"{i.code} · {tr(i.question)[:90]}"
        self.order_fields(["title", "kind", "file", "url", "source", "effective_date", "indicators"])

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError(_("Give either a file or a link, not both."))
        return data


class BundleUploadForm(forms.Form):
    file = forms.FileField(label=_("Bundle (JSON or zip)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.BUNDLE_MAX_BYTES:
            raise forms.ValidationError(
                _("The bundle is larger than %(size)s.") % {"size": filesizeformat(settings.BUNDLE_MAX_BYTES)}
            )
        return upload.read()


class BundleConfirmForm(forms.Form):
    """Confirm an import; a site administrator may also restore the status and enrol existing accounts."""

    restore_status = forms.BooleanField(
        label=_("Restore the bundle's status and its history"),
        required=False,
        help_text=_("Otherwise the assessment starts as a draft that you coordinate."),
    )
    enrol = forms.MultipleChoiceField(
        label=_("Enrol these existing accounts"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "People in the bundle whose user name already has an account here. Leave one unticked and "
            "a new account without a password is made for that person instead, with a link to complete it."
        ),
    )

    def __init__(self, *args, existing: list[str], admin: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if admin:
            self.fields["enrol"].choices = [(name, name) for name in existing]
            if not existing:
                del self.fields["enrol"]
        else:
            del self.fields["restore_status"]
            del self.fields["enrol"]


class AccountForm(forms.Form):
    """The account someone creates (or completes) when they accept an invitation."""

    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, fixed_email: str = "", completing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_email:
            self.fields["email"].disabled = True
            self.fields["email"].initial = fixed_email
            self.fields["email"].help_text = _("The invitation was sent to this address.")
        if completing:
            self.fields["username"].disabled = True

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


# -- Workshop sessions -------------------------------------------------------------------------------


def codes_split(text: str) -> list[str]:
    """Indicator codes typed one per line, or separated by commas or spaces."""
    return [code for code in text.replace(",", " ").split() if code]


class SessionOpenForm(forms.Form):
    """What a session works through: a criterion, a stage, a list offered by another app (e.g. where
    institutions disagree), or indicators picked by hand."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    source = forms.ChoiceField(label=_("Work through"))
    codes = forms.CharField(
        label=_("Indicators, in order"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a hand-picked list: indicator codes, one per line or separated by commas."),
    )

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [*choices, ("pick", _("Indicators I pick"))]

    def clean(self):
        data = super().clean()
        if data.get("source") == "pick" and not codes_split(data.get("codes", "")):
            self.add_error("codes", _("List the indicators to work through."))
        return data


class SessionItemsForm(forms.Form):
    codes = forms.CharField(
        label=_("Indicators, in order"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One code per line, in the order the room works through them."),
    )


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Session code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "size": 8}
        ),
    )


class SessionJoinForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("I speak for"), queryset=Institution.objects.none(), empty_label=_("Choose…")
    )
    name = forms.CharField(label=_("Your name"), max_length=150, required=False)

    def __init__(self, *args, institutions, ask_name: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions
        if ask_name:
            self.fields["name"].required = True
        else:
            del self.fields["name"]


class PhoneAnswerForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField()  # replaced in __init__
    comment = forms.CharField(label=_("Comment (optional)"), required=False, widget=forms.Textarea)

    def __init__(self, *args, levels: list[Level], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"] = AnswerField(levels=levels, label=_("Your answer"))


class SessionActionForm(forms.Form):
    """An action noted during a session, on the current indicator."""

    title = forms.CharField(label=_("Recommended action"), max_length=300)
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=Institution.objects.none(),
        required=False,
        empty_label=_("No owner yet"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = institutions


# -- The offline workbook -------------------------------------------------------------------------


class WorkbookDownloadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Whose answers"), widget=forms.RadioSelect, initial="participant")
    by = forms.ChoiceField(
        label=_("One sheet per"),
        choices=[("criterion", _("criterion")), ("stage", _("life-cycle stage"))],
        widget=forms.RadioSelect,
        initial="criterion",
    )

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            ("participant", _("Mine: only I can upload it")),
            (
                "institution",
                _("My institution's (%(name)s): any of its respondents can upload it, as their answers")
                % {"name": institution.name if institution else "—"},
            ),
        ]


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(label=_("Filled workbook (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.WORKBOOK_MAX_BYTES:
            raise forms.ValidationError(
                _("The workbook is larger than %(size)s.")
                % {"size": filesizeformat(settings.WORKBOOK_MAX_BYTES)}
            )
        return upload.read()


class WorkbookConfirmForm(forms.Form):
    """Confirm a workbook's preview: `fingerprint` is the preview shown; each conflict needs a choice."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, conflicts, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict_fields = []
        for change in conflicts:
            name = f"conflict_{change.code}"
            self.fields[name] = forms.ChoiceField(
                label=_("Which answer?"),
                choices=[
                    ("keep", _("Keep the server's answer: %(text)s") % {"text": change.current_text}),
                    ("take", _("Take the workbook's answer: %(text)s") % {"text": change.workbook_text}),
                ],
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose which answer to keep.")},
            )
            self.conflict_fields.append((change, name))

    @property
    def conflict_rows(self) -> list:
        """(change, bound field) for each conflict, for the template."""
        return [(change, self[name]) for change, name in self.conflict_fields]

    def choices(self) -> dict[str, str]:
        return {change.code: self.cleaned_data[name] for change, name in self.conflict_fields}
