"""Who may do what with the framework catalogue (django-rules predicates, asked by every view)."""

import rules


def allowed(user, perm: str, obj=None) -> bool:
    """Whether the rule `perm` allows this person; asked of the rules, never `user.has_perm` (which
    lets a superuser do anything)."""
    return rules.has_perm(perm, user, obj)


rules.add_perm("indicators.browse_framework", rules.is_authenticated)
rules.add_perm("indicators.upload_framework", rules.is_staff)
