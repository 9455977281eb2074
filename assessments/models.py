"""Who scored what: assessments, institutions, participants and their responses, evidence, consensus, actions.

Writes go through `assessments.services`; permissions are `rules` predicates in `assessments.rules`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from indicators.models import Framework, Indicator, Level
from indicators.validators import validate_web_link


class Institution(models.Model):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government")
        WORKERS = "workers", _("Workers' organisation")
        EMPLOYERS = "employers", _("Employers' organisation")
        CIVIL_SOCIETY = "civil_society", _("Civil society or migrant association")
        INTERNATIONAL = "international", _("International organisation")
        ACADEMIA = "academia", _("Academia or research")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = CountryField(_("country"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Assessment(models.Model):
    class Kind(models.TextChoices):
        SELF = "self", _("Self-assessment")
        INDEPENDENT = "independent", _("Independent (shadow) assessment")
        WORKSHOP = "workshop", _("Workshop")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        COLLECTING = "collecting", _("Collecting answers")
        REVIEW = "review", _("In review")
        VALIDATED = "validated", _("Validated")
        PUBLISHED = "published", _("Published")

    country = CountryField(_("country"))
    area = models.CharField(
        _("area"),
        max_length=200,
        blank=True,
        help_text=_("A city or province, for a subnational assessment."),
    )
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("framework")
    )
    round = models.CharField(_("round"), max_length=40, help_text=_("A year or a label, e.g. 2026."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SELF)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    institutions = models.ManyToManyField(Institution, related_name="assessments", blank=True)
    author_organisation = models.CharField(
        _("author organisation"),
        max_length=200,
        blank=True,
        help_text=_(
            "The organisation that carries out this assessment, e.g. a ministry, a trade union "
            "confederation or a research centre. Shown beside its results."
        ),
    )
    publish_justifications = models.BooleanField(
        _("publish justifications"),
        default=False,
        help_text=_("Once published, show the justifications of answers (never who gave them)."),
    )
    is_demo = models.BooleanField(default=False, help_text=_("Fictional data, marked as such everywhere."))
    # A published assessment is public only once a site administrator has listed it (abuse control); a
    # self-assessment they endorse is the country's official figure in the benchmark.
    listed_at = models.DateTimeField(null=True, blank=True, editable=False)
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    endorsed_at = models.DateTimeField(null=True, blank=True, editable=False)
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Bumped by every write service (answers, consensus, evidence, actions, people, status): caches of
    # results and generated reports are keyed by it, so they are fresh the moment anything changes.
    data_version = models.PositiveIntegerField(default=0, editable=False)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_rounds"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "data_version"])

    class Meta:
        ordering = ["country", "area", "-round", "-created_at"]
        permissions = []

    def __str__(self) -> str:
        where = f"{self.country.name}, {self.area}" if self.area else str(self.country.name)
        return f"{where} · {self.round} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:assessment_detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_public(self) -> bool:
        """Published and listed by a site administrator: anyone may see its aggregate results."""
        return self.status == self.Status.PUBLISHED and self.listed_at is not None

    @property
    def is_official(self) -> bool:
        """A self-assessment whose publication a site administrator endorsed: the country's figure."""
        return self.is_public and self.kind == self.Kind.SELF and self.endorsed_at is not None

    @property
    def publication_override(self) -> "StatusChange | None":
        """The move to publication, when it was made below the framework's minimum completeness."""
        change = (
            self.status_changes.filter(to_status=self.Status.PUBLISHED)
            .exclude(override_reason="")
            .order_by("-at")
            .first()
        )
        return change if self.is_published else None


class Participant(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        FACILITATOR = "facilitator", _("Facilitator")
        RESPONDENT = "respondent", _("Respondent")
        REVIEWER = "reviewer", _("Reviewer")
        OBSERVER = "observer", _("Observer")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="participants"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    # Joined a workshop session by its code, with no password: answers only in the sessions they joined,
    # while those are open, and is expected to answer only their indicators.
    guest = models.BooleanField(default=False)
    # Removed by the coordinator or facilitator: no rights any more, left out of completeness; the
    # answers they gave stay (a session's answers are never deleted with a person).
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["assessment", "role", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "user"], name="participant_once_per_assessment"),
            models.CheckConstraint(
                condition=~Q(role="respondent") | Q(institution__isnull=False),
                name="participant_respondent_has_institution",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Invitation(models.Model):
    """A link that lets a person join an assessment with a role; works with or without e-mail.

    With an e-mail address the link is bound to it: only an account with that address may use it. With
    `for_user` it is the way into an account made for the person (by a bundle import), which they
    complete by choosing a password. Links expire, and the coordinator can send them again or revoke them.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Waiting")
        JOINED = "joined", _("Joined")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="invitations")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Participant.Role.choices)
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.PROTECT)
    for_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} → {self.assessment}"

    @property
    def state(self) -> str:
        if self.accepted_at is not None:
            return self.State.JOINED
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.OPEN

    def get_state_display(self) -> str:
        return self.State(self.state).label


class Answer(models.TextChoices):
    """What a response or consensus holds besides a level of the scale."""

    LEVEL = "level", _("A level of the scale")
    NOT_APPLICABLE = "na", _("Not applicable")
    DONT_KNOW = "dk", _("Don't know")


class Implementation(models.TextChoices):
    PAPER = "paper", _("On paper only")
    PARTLY = "partly", _("Partly implemented")
    PRACTICE = "practice", _("Implemented in practice")


def level_iff_answer_level(prefix: str) -> models.CheckConstraint:
    """A level is stored exactly when the answer is a level (never beside N/A or don't know)."""
    return models.CheckConstraint(
        condition=(Q(answer="level") & Q(level__isnull=False)) | (~Q(answer="level") & Q(level__isnull=True)),
        name=f"{prefix}_level_iff_answer_level",
    )


class Response(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="responses")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="responses")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="responses")
    answer = models.CharField(max_length=8, choices=Answer.choices)
    level = models.ForeignKey(Level, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    implementation = models.CharField(max_length=10, choices=Implementation.choices, blank=True)
    justification = models.TextField(blank=True)
    # The workshop session the answer was last given in, if any.
    session = models.ForeignKey(
        "WorkshopSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator", "participant"], name="response_one_per_participant"
            ),
            level_iff_answer_level("response"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} by {self.participant_id}: {self.level or self.answer}"


class Consensus(models.Model):
    """The agreed answer on an indicator, recorded by a facilitator or reviewer; it overrides the median."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="consensus")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=8, choices=Answer.choices)
    level = models.ForeignKey(Level, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField(blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The workshop session it was agreed in, if any.
    session = models.ForeignKey(
        "WorkshopSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="consensus"
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = _("consensus")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="consensus_one_per_indicator"),
            level_iff_answer_level("consensus"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.level or self.answer}"


class StatusChange(models.Model):
    """One move of an assessment through its workflow: who, when, from, to, and why."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Assessment.Status.choices)
    to_status = models.CharField(max_length=20, choices=Assessment.Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)
    # Publishing below the framework's minimum completeness needs a reason; it is shown with the results.
    override_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    # A random name: the original name is kept in `title`, never trusted as a path.
    return f"evidence/{instance.assessment_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        LAW = "law", _("Law")
        REGULATION = "regulation", _("Regulation")
        STRATEGY = "strategy", _("Strategy or policy")
        PROGRAMME = "programme", _("Programme")
        ADMIN_DATA = "admin_data", _("Administrative data")
        PRACTICE = "practice", _("Practice only")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    indicators = models.ManyToManyField(Indicator, related_name="+", verbose_name=_("indicators"))
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("Who issued it, or where.")
    )
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    file = models.FileField(upload_to=evidence_path, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True, validators=[validate_web_link])
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    # Kept so that an indicator's history can say which evidence was added and removed, and when.
    history = HistoricalRecords(m2m_fields=[indicators], excluded_fields=["file"])

    class Meta:
        verbose_name_plural = _("evidence")
        ordering = ["-added_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="evidence_file_or_url",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Action(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="actions")
    indicators = models.ManyToManyField(Indicator, related_name="+", verbose_name=_("indicators"))
    title = models.CharField(_("recommended action"), max_length=300)
    description = models.TextField(_("details"), blank=True)
    owner = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    # The workshop session it was noted in, if any.
    session = models.ForeignKey(
        "WorkshopSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title


# Join codes: no letters or digits that read alike (0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V).
JOIN_CODE_ALPHABET = "ACDEFGHJKMNPQRTWXY34679"
JOIN_CODE_LENGTH = 6


class WorkshopSession(models.Model):
    """A live session of a workshop: the room joins by a short code, works through a list of indicators
    one at a time (the current item), and the facilitator records the consensus on each.

    `state` counts every change the room must follow (a move, an item closed or opened, a person
    removed, the session closed): phones and the projector compare it with what they show."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    code = models.CharField(_("join code"), max_length=JOIN_CODE_LENGTH)
    current = models.ForeignKey(
        "SessionItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.PositiveIntegerField(default=0)
    attendees = models.ManyToManyField(Participant, related_name="sessions", blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            # A code names one open session; closed sessions give theirs back.
            models.UniqueConstraint(
                fields=["code"], condition=Q(closed_at__isnull=True), name="session_code_unique_while_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("assessments:session_detail", args=[self.assessment_id, self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class SessionItem(models.Model):
    """One indicator on a session's list, in the facilitator's order; closed once the room has answered."""

    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "indicator"], name="session_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.indicator.code}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
