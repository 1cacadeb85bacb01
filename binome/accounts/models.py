from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(
        self, email: str, password: str | None = None, **extra: object
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(
        self, email: str, password: str | None = None, **extra: object
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        if extra["is_staff"] is not True or extra["is_superuser"] is not True:
            raise ValueError("A superuser must have is_staff and is_superuser.")
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        # Logins are case-insensitive on the email address.
        return self.get(email__iexact=username)


class User(AbstractUser):
    """A person who can log in. Identified by email, never by a username."""

    class Language(models.TextChoices):
        FRENCH = "fr", _("French")
        ENGLISH = "en", _("English")

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=Language.choices,
        default=Language.FRENCH,
        help_text=_("Used for emails and reminders."),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # Not the UserManager that django-stubs gives AbstractUser: ours creates
    # users by email, without a username.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Stored lower-case so that the unique index is case-insensitive.
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def choose_language(self, language: str) -> None:
        """Remember the language the person chose with the language switch:
        the pages follow it on every browser, and so do the e-mails."""
        if language not in self.Language.values:
            raise ValueError(f"unsupported language: {language!r}")
        if self.language != language:
            self.language = language
            self.save(update_fields=["language"])


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    """One line of the append-only audit log. It names who did what to which
    object, never secrets (passwords, tokens) nor the content of notes."""

    class Action(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logout")
        LOCKED_OUT = "locked_out", _("Locked out after repeated failures")
        DENIED = "denied", _("Access denied")
        EXPORT = "export", _("Export")
        ERASURE = "erasure", _("Erasure")
        PUBLISH = "publish", _("Pairs published")
        IMPORT = "import", _("People imported")
        ROLE_CHANGE = "role_change", _("Role changed")
        ACCOUNT_CREATED = "account_created", _("Account created")
        PERSON_LINKED = "person_linked", _("Account linked to its HR record")
        INVITATIONS_SENT = "invitations_sent", _("Invitations sent")
        SSO_LINKED = "sso_linked", _("Account linked to single sign-on")
        MFA_CHANGE = "mfa_change", _("Two-factor authentication changed")
        API_TOKEN_CREATED = "api_token_created", _("API token created")
        API_TOKEN_REVOKED = "api_token_revoked", _("API token revoked")
        HR_DATA_CORRECTED = "hr_data_corrected", _("HR data corrected")
        PAIR_NUDGED = "pair_nudged", _("Reminder sent to a pair")
        PROGRAMME_CLOSED = "programme_closed", _("Programme closed")
        PROGRAMME_REOPENED = "programme_reopened", _("Programme reopened")
        ROUND_CANCELLED = "round_cancelled", _("Matching round cancelled")
        CONCERN_RAISED = "concern_raised", _("Confidential concern raised")
        CONCERN_HANDLED = "concern_handled", _("Confidential concern handled")

    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        "User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    target = models.CharField(_("object"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit log is append-only.")


# Personal access tokens for the JSON API (binome.api authenticates with them).
# A token is shown once, at creation. Only its SHA-256 digest is stored, with a
# short visible prefix to find it (and to let people recognise it in lists):
# the secret part has 256 bits of entropy, so a fast hash is enough; a slow
# password hash would only make every API call slower.

TOKEN_PREFIX = "bnm_"
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8  # then "_" and the secret
# Writes of last_used_at are spaced out, so that reads stay reads.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


class Scope(models.TextChoices):
    READ = "read", _("Read programmes, enrolments, rounds and indicators")
    WRITE = "write", _("Every write operation (includes the two scopes below)")
    PEOPLE_IMPORT = "people:import", _("Import and update people (HRIS sync)")
    MATCHING = "matching", _("Run matching rounds and publish pairs")


# A broader scope that grants narrower ones.
IMPLIED_SCOPES: dict[str, set[str]] = {
    Scope.WRITE: {Scope.PEOPLE_IMPORT, Scope.MATCHING},
}


def validate_scopes(value: object) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one scope."))
    unknown = sorted(str(v) for v in value if v not in Scope.values)
    if unknown:
        raise ValidationError(
            _("Unknown scope: %(names)s."), params={"names": ", ".join(unknown)}
        )


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self, now: datetime.datetime | None = None) -> ApiTokenQuerySet:
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )

    def revoke(self) -> list[ApiToken]:
        """Revoke the tokens not revoked yet; return them (for the audit log)."""
        tokens = list(self.filter(revoked_at__isnull=True))
        if tokens:
            now = timezone.now()
            self.filter(pk__in=[t.pk for t in tokens]).update(revoked_at=now)
            for token in tokens:
                token.revoked_at = now
        return tokens


class ApiToken(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("owner"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for.")
    )
    prefix = models.CharField(_("prefix"), max_length=20, unique=True, editable=False)
    secret_hash = models.CharField(_("SHA-256 digest"), max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list, validators=[validate_scopes])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(
        cls,
        *,
        owner: Any,
        name: str,
        scopes: list[str],
        expires_at: datetime.datetime | None,
    ) -> tuple[ApiToken, str]:
        """Create a token; return it with the clear secret, which is never
        stored and cannot be shown again."""
        prefix = TOKEN_PREFIX + secrets.token_hex(4)
        clear = f"{prefix}_{secrets.token_urlsafe(32)}"
        token = cls(
            owner=owner,
            name=name,
            prefix=prefix,
            secret_hash=digest(clear),
            scopes=sorted(set(scopes)),
            expires_at=expires_at,
        )
        token.full_clean(exclude=["prefix", "secret_hash"])
        token.save()
        return token, clear

    @classmethod
    def authenticate(cls, clear: str) -> ApiToken | None:
        """The usable token for this secret, or None (unknown, wrong secret,
        revoked, expired, or its owner deactivated)."""
        prefix, separator = (
            clear[:PREFIX_LENGTH],
            clear[PREFIX_LENGTH : PREFIX_LENGTH + 1],
        )
        if separator != "_" or not prefix.startswith(TOKEN_PREFIX):
            return None
        token = (
            cls.objects.usable()
            .select_related("owner")
            .filter(prefix=prefix, owner__is_active=True)
            .first()
        )
        if token is None or not hmac.compare_digest(token.secret_hash, digest(clear)):
            return None
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def scope_labels(self) -> list[str]:
        return [str(Scope(s).label) for s in self.scopes if s in Scope.values]

    def grants(self, scope: str) -> bool:
        granted = set(self.scopes)
        for broad in list(granted):
            granted |= IMPLIED_SCOPES.get(broad, set())
        return scope in granted

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class EmailText(models.Model):
    """HR's own wording of one e-mail in one language. When active, it
    replaces the file template ``emails/<template>.txt`` (and its
    ``_subject.txt``) for recipients who read that language; see
    ``binome/accounts/emailtexts.py``."""

    template = models.CharField(_("e-mail"), max_length=100)
    language = models.CharField(
        _("language"), max_length=5, choices=User.Language.choices
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Untick to send the default text again."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("e-mail text")
        verbose_name_plural = _("e-mail texts")
        ordering = ["template", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "language"], name="one_email_text_per_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} ({self.language})"


# The table of Django's database cache (CACHES when CACHE_URL is unset).
CACHE_TABLE = "binome_cache"


class CacheEntry(models.Model):
    """A row of the shared cache: the rate limits (links per address,
    failed logins) that every server process must count together.

    Django's ``DatabaseCache`` reads and writes this table by itself, in SQL;
    nothing else uses the model. It is a model only so that ``migrate``
    creates the table (the columns are those of ``createcachetable``) and the
    test databases, built from the models, have it too."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = CACHE_TABLE
        verbose_name = "cache entry"
        verbose_name_plural = "cache entries"
        # The cache table is Django's; it is never read through the ORM.
        default_permissions = ()

    def __str__(self) -> str:
        return self.cache_key


class SentNotification(models.Model):
    """One e-mail of a notification task, recorded before it leaves, so that
    a task run again after its worker died (requeued by reap_stale_work, or
    redelivered by Celery) skips the recipients it already served: an e-mail
    goes out at most once. ``sent_at`` is set once the SMTP server accepted
    it; a row without it is an e-mail whose fate is unknown (the worker died
    while talking to the server): it is not sent again, and is reported."""

    key = models.CharField(_("task key"), max_length=64)
    email = models.EmailField(_("email address"))
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification e-mail sent")
        verbose_name_plural = _("notification e-mails sent")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "email"], name="notification_sent_once"
            ),
        ]
        indexes = [models.Index(fields=["claimed_at"])]

    def __str__(self) -> str:
        return f"{self.key} → {self.email}"


class TaskHeartbeat(models.Model):
    """A sign of life of a task that a database worker (``db_worker``) is
    running, written every few seconds by a thread of that worker (see
    binome/recovery.py). A running task whose heartbeat stopped has lost its
    worker (killed, out of memory, machine restarted): django-tasks-db would
    leave it « running » for ever; reap_stale_work requeues or fails it."""

    task_id = models.CharField(_("task id"), max_length=64, primary_key=True)
    beat_at = models.DateTimeField(_("last sign of life"), default=timezone.now)

    class Meta:
        verbose_name = _("task heartbeat")
        verbose_name_plural = _("task heartbeats")

    def __str__(self) -> str:
        return self.task_id
