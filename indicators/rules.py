"""Who may do what with the framework catalogue (django-rules predicates, asked by every view)."""

import rules

from indicators.visibility import public_framework_ids


def allowed(user, perm: str, obj=None) -> bool:
    """Whether the rule `perm` allows this person; asked of the rules, never `user.has_perm` (which
    lets a superuser do anything)."""
    return rules.has_perm(perm, user, obj)


@rules.predicate
def in_public_use(user, framework) -> bool:
    """Used by an assessment the public may see (its results refer to it)."""
    return framework is not None and framework.pk in public_framework_ids()


# Reading the catalogue: anyone signed in; a framework in public use, anyone.
rules.add_perm("indicators.browse_framework", rules.is_authenticated | in_public_use)
rules.add_perm("indicators.upload_framework", rules.is_staff)
