"""Accounts of the people who take part: created when they accept an invitation, made for them by an
import (without a password, until they choose one), or completed by them."""

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.services.base import AssessmentError

NAME_MAX = 150


def _validate_person(user: AbstractBaseUser, password: str | None) -> None:
    try:
        user.full_clean(exclude=["password"])
        if password is not None:
            password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise AssessmentError(" ".join(exc.messages)) from exc


def _free_username(wanted: str) -> str:
    model = get_user_model()
    base = (wanted or "person")[: model._meta.get_field("username").max_length - 6]
    candidate, n = base, 1
    while model.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def person_create(
    *, username: str, email: str, password: str, first_name: str = "", last_name: str = ""
) -> AbstractBaseUser:
    """A new account, checked like Django's own forms check one (username, e-mail, password rules)."""
    model = get_user_model()
    if model.objects.filter(username__iexact=username).exists():
        raise AssessmentError(_("The user name %(name)s is taken: choose another.") % {"name": username})
    user = model(username=username, email=email, first_name=first_name.strip(), last_name=last_name.strip())
    _validate_person(user, password)
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def person_placeholder_create(
    *, username: str, email: str = "", first_name: str = "", last_name: str = ""
) -> AbstractBaseUser:
    """An account made for someone else (a person listed in an imported bundle): it has no usable
    password, never takes over an existing account, and is completed through an invitation."""
    model = get_user_model()
    user = model(
        username=_free_username(username),
        email=email,
        first_name=first_name.strip()[:NAME_MAX],
        last_name=last_name.strip()[:NAME_MAX],
    )
    user.set_unusable_password()
    _validate_person(user, None)
    user.save()
    return user


@transaction.atomic
def person_complete(
    *, user: AbstractBaseUser, password: str, first_name: str | None = None, last_name: str | None = None
) -> AbstractBaseUser:
    """Let the person an account was made for choose its password (and correct their name)."""
    if user.has_usable_password():
        raise AssessmentError(_("This account already has a password: sign in with it."))
    if first_name is not None:
        user.first_name = first_name.strip()
    if last_name is not None:
        user.last_name = last_name.strip()
    _validate_person(user, password)
    user.set_password(password)
    user.save(update_fields=["password", "first_name", "last_name"])
    return user
