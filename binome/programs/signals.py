"""Signals sent when a person gives or withdraws a consent.

``binome.privacy`` (higher in the stack) keeps the consent register; programs
and pairs only announce the event, so that they never import it.
Arguments: ``enrolment``, ``kind`` (« enrolment » or « talent_flag ») and, for
``consent_given``, ``version`` (the version of the notice the person read);
``at``, when it happened (the time stored on the enrolment or the opt-in).
"""

from django.dispatch import Signal

consent_given = Signal()
consent_withdrawn = Signal()
