"""Account-level permissions (django-rules). Object permissions of the other
apps live in their own ``rules.py``; ``rules.apps.AutodiscoverRulesConfig``
imports every one of them at start-up."""

import rules

# The audit log names people and their actions: superusers only.
rules.add_perm("accounts.view_audit_log", rules.is_superuser)
