"""Demo data: sign-ins for every role (and, as the product grows, fictional assessments) for a new user."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

DEMO_PASSWORD = "coherence-demo"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    first_name: str
    last_name: str
    role: str
    is_staff: bool = False


DEMO_LOGINS = (
    DemoLogin("admin", "Ada", "Admin", "site administrator", is_staff=True),
    DemoLogin("coordinator", "Camila", "Coordinator", "coordinator of the Demoland assessment"),
    DemoLogin("facilitator", "Farid", "Facilitator", "workshop facilitator"),
    DemoLogin("labour", "Lina", "Labour", "respondent, Ministry of Labour"),
    DemoLogin("union", "Umar", "Union", "respondent, trade union confederation"),
    DemoLogin("reviewer", "Rosa", "Reviewer", "reviewer"),
    DemoLogin("observer", "Omar", "Observer", "observer"),
)


@transaction.atomic
def demo_load() -> int:
    """Create the demo sign-ins that do not exist yet; return how many were created."""
    user_model = get_user_model()
    created = 0
    for login in DEMO_LOGINS:
        user, was_created = user_model.objects.get_or_create(
            username=login.username,
            defaults={
                "first_name": login.first_name,
                "last_name": login.last_name,
                "email": f"{login.username}@demo.invalid",
                "is_staff": login.is_staff,
                "is_superuser": login.is_staff,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created += 1
    return created
