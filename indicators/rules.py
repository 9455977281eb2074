"""Who may do what with the framework catalogue (django-rules predicates, asked by every view)."""

import rules

rules.add_perm("indicators.browse_framework", rules.is_authenticated)
rules.add_perm("indicators.upload_framework", rules.is_staff)
