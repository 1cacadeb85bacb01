"""Accounts for the people of the HR file.

People arrive in Binôme from an HRIS import, an invitation or an HR manager's
hand, as a ``Person``, usually without a ``User``. They get an account just in
time, from a link sent to the address HR knows:

- ``activation_url(person)`` makes a one-time, expiring link. It is signed
  (nothing stored) and carries a fingerprint of the person's state (address,
  account, password): once the account exists and has a password, or when HR
  changes the address, every earlier link stops working.
- ``activate(person=…, password=…)`` creates the account (or sets the first
  password of an account made for a role), linked to the HR record, with the
  address marked verified; audit-logged.
- ``send_access_link(email=…)`` answers « Première connexion / mot de passe
  oublié »: a reset link for an account with a password, an activation link
  for a person of the HR file without one, nothing for anybody else; the
  caller shows the same page in every case.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_encode
from django.utils.translation import gettext as _

from binome.accounts import audit
from binome.accounts.models import AuditEvent, User
from binome.accounts.notifications import absolute_url, notify_address

from .models import Person

logger = logging.getLogger(__name__)

ACTIVATION_SALT = "binome.people.activation"
# The backend a just-activated person is logged in with (no password check).
LOGIN_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def activation_max_age() -> int:
    """How long an activation link works, in seconds."""
    return int(settings.ACCOUNT_ACTIVATION_DAYS) * 24 * 3600


def needs_activation(person: Person) -> bool:
    """True when the person can get in only through an activation link: an
    address, and no account or an account nobody ever used (made for a role),
    without a password and without single sign-on."""
    if not person.email:
        return False
    user = person.user
    if user is None:
        return True
    return (
        user.is_active
        and not (user.is_staff or user.is_superuser)
        and user.last_login is None
        and not user.has_usable_password()
        and not SocialAccount.objects.filter(user=user).exists()
    )


def _fingerprint(person: Person) -> str:
    user = person.user
    state = "|".join(
        [
            str(person.pk),
            person.email.strip().lower(),
            str(user.pk) if user else "",
            user.password if user else "",
            str(user.last_login) if user else "",
        ]
    )
    return salted_hmac(ACTIVATION_SALT, state, algorithm="sha256").hexdigest()[:24]


def safe_next(path: str | None) -> str:
    """A path of this site to go on to, or ''."""
    if path and url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        return path if path.startswith("/") and not path.startswith("//") else ""
    return ""


def activation_token(person: Person, next_path: str = "") -> str:
    return signing.dumps(
        {"p": person.pk, "f": _fingerprint(person), "n": safe_next(next_path)},
        salt=ACTIVATION_SALT,
        compress=True,
    )


def activation_url(person: Person, next_path: str = "") -> str:
    return absolute_url(
        reverse("people:activate", args=[activation_token(person, next_path)])
    )


@dataclass(frozen=True)
class Activation:
    person: Person
    next_path: str


def read_activation(token: str) -> Activation | None:
    """The person a link activates, or None if it is forged, expired, already
    used, or the person's address or account changed since it was sent."""
    try:
        data = signing.loads(token, salt=ACTIVATION_SALT, max_age=activation_max_age())
        pk, fingerprint, next_path = int(data["p"]), str(data["f"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    person = Person.objects.select_related("user", "organisation").filter(pk=pk).first()
    if person is None or not needs_activation(person):
        return None
    if fingerprint != _fingerprint(person):
        return None
    return Activation(person=person, next_path=safe_next(next_path))


def unsaved_user(person: Person) -> User:
    """The account the person is about to get (for password validators, which
    compare the password with the name and address)."""
    return person.user or User(
        email=person.email.strip().lower(),
        first_name=person.first_name[:150],
        last_name=person.last_name[:150],
    )


@transaction.atomic
def activate(
    *, person: Person, password: str, language: str = "fr", request: Any = None
) -> User:
    """Give the person an account with this password, linked to their HR
    record, the address verified. Refused (ValidationError) if the person was
    activated meanwhile (a second tab, a double submit)."""
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=person.pk)
    )
    if not needs_activation(person):
        raise ValidationError(
            _("This account is already activated. Log in with your password."),
            code="already_active",
        )
    email = person.email.strip().lower()
    others = User.objects.filter(email__iexact=email)
    user = person.user
    if user is None:
        if others.exists():
            # An account of its own already uses the address (password,
            # single sign-on, or made by hand): its owner logs in with it,
            # and the record joins it then. Never handed over by a link.
            raise ValidationError(
                _("An account already uses this address. Log in with it."),
                code="already_active",
            )
        user = User(
            email=email,
            first_name=person.first_name[:150],
            last_name=person.last_name[:150],
            language=language if language in {"fr", "en"} else "fr",
        )
    else:
        if others.exclude(pk=user.pk).exists():
            raise ValidationError(
                _(
                    "Another account already uses this address. Ask your HR "
                    "team to correct it."
                ),
                code="address_taken",
            )
        # The account was made for a role, perhaps before HR corrected the
        # address: it follows the record, so that the old address cannot
        # ask for a new password.
        user.email = email
    user.set_password(password)
    user.save()
    EmailAddress.objects.filter(user=user).exclude(email__iexact=email).update(
        primary=False
    )
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    audit.record(
        AuditEvent.Action.ACCOUNT_CREATED,
        actor=user,
        target=f"user:{user.pk}",
        request=request,
        method="activation",
        person=person.pk,
    )
    return user


def password_reset_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute_url(
        reverse(
            "accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token}
        )
    )


def send_activation(
    person: Person,
    *,
    next_path: str = "",
    language: str = "",
    role: str = "",
    programme: str = "",
) -> None:
    """E-mail the person a link to activate their account (nothing without an
    address). ``role`` (administrator, manager, panel, sponsor) and
    ``programme`` say why they get an account; the e-mail says it in the
    person's language."""
    if not person.email:
        return
    notify_address(
        "activation",
        person.email,
        language or (person.user.language if person.user else "fr"),
        {
            "name": person.first_name,
            "organisation": person.organisation.name,
            "url": activation_url(person, next_path),
            "days": int(settings.ACCOUNT_ACTIVATION_DAYS),
            "role": role,
            "programme": programme,
        },
    )


def send_access_link(*, email: str, next_path: str = "", language: str = "fr") -> str:
    """Send whatever lets the owner of this address in; return what was sent
    ("reset", "activation" or "" — for the tests and the logs, never for the
    page, which says the same thing in every case)."""
    email = email.strip().lower()
    if not email:
        return ""
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is not None and user.has_usable_password():
        notify_address(
            "password_reset",
            user.email,
            user.language,
            {"url": password_reset_url(user)},
        )
        return "reset"
    if user is not None:
        person = Person.objects.filter(user=user).select_related("user").first()
    else:
        person = (
            Person.objects.filter(email__iexact=email, user__isnull=True)
            .select_related("organisation")
            .order_by("pk")
            .first()
        )
    if person is not None and needs_activation(person):
        send_activation(person, next_path=next_path, language=language)
        return "activation"
    logger.info("access link asked for an address with no way in")
    return ""


@transaction.atomic
def account_for_role(
    person: Person,
    *,
    by: Any,
    next_path: str = "",
    role: str = "",
    programme: str = "",
    request: Any = None,
) -> User:
    """The person's account, made now (without a password) if they have none,
    so that a role can be given to them. Whoever still has to activate their
    account gets an activation e-mail, saying why (the role)."""
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=person.pk)
    )
    if person.user is not None:
        if needs_activation(person):
            # Not activated yet (the first e-mail lost, or ignored): again,
            # saying why.
            send_activation(
                person,
                next_path=next_path,
                language=person.user.language,
                role=role,
                programme=programme,
            )
        return person.user
    if not person.email:
        raise ValidationError(
            _("%(name)s has no e-mail address in the HR file: add one first.")
            % {"name": person.full_name},
            code="no_email",
        )
    email = person.email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        # Never hand over an existing account from here (it may be anyone's,
        # an administrator's too): its owner logs in once, which joins it
        # to the record, and the role can be given then.
        raise ValidationError(
            _(
                "An account already uses the address %(email)s without being "
                "linked to this person: they must log in with it once, then "
                "give the role again."
            )
            % {"email": email},
            code="address_taken",
        )
    user = User.objects.create_user(
        email=email,
        first_name=person.first_name[:150],
        last_name=person.last_name[:150],
    )
    audit.record(
        AuditEvent.Action.ACCOUNT_CREATED,
        actor=by,
        target=f"user:{user.pk}",
        method="role",
        person=person.pk,
        request=request,
    )
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    if needs_activation(person):
        send_activation(
            person,
            next_path=next_path,
            language=user.language,
            role=role,
            programme=programme,
        )
    return user


def _address_is_proven(user: Any) -> bool:
    """The account's address was checked: verified by allauth (single
    sign-on with a verified claim, an activation link), or an account with a
    password made by an administrator (people cannot sign up by themselves)."""
    if EmailAddress.objects.filter(
        user=user, email__iexact=user.email, verified=True
    ).exists():
        return True
    return (
        user.has_usable_password()
        and not SocialAccount.objects.filter(user=user).exists()
    )


def link_person(user: Any, **_kwargs: Any) -> None:
    """At login or single sign-on signup: an account without an HR record
    joins the record of its address, when exactly one such record has no
    account and the address is proven (an unverified single sign-on address
    could otherwise take a colleague's record)."""
    if not getattr(user, "pk", None) or Person.objects.filter(user=user).exists():
        return
    if not _address_is_proven(user):
        return
    candidates = list(
        Person.objects.filter(email__iexact=user.email, user__isnull=True)[:2]
    )
    if len(candidates) == 1:
        person = candidates[0]
        person.user = user
        person.save(update_fields=["user", "updated_at"])
        audit.record(
            AuditEvent.Action.PERSON_LINKED,
            actor=user,
            target=f"user:{user.pk}",
            person=person.pk,
        )


def on_user_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    link_person(user)


def on_user_signed_up(request: Any, user: Any, **kwargs: Any) -> None:
    link_person(user)
