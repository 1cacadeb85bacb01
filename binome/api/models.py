"""Personal access tokens for the JSON API.

A token is shown once, at creation. Only its SHA-256 digest is stored, with a
short visible prefix to find it (and to let people recognise it in lists):
the secret part has 256 bits of entropy, so a fast hash is enough; a slow
password hash would only make every API call slower.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "bnm_"
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8  # then "_" and the secret
# How long a token stays valid, for the creation form.
LIFETIMES = [30, 90, 365]
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
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired

    def grants(self, scope: str) -> bool:
        granted = set(self.scopes)
        for broad in list(granted):
            granted |= IMPLIED_SCOPES.get(broad, set())
        return scope in granted

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
