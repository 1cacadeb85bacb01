"""Cursor pagination: opaque, signed cursors over a stable order (the
primary key). Rows added while a client walks the pages come after what it
has seen, so no row is repeated or skipped."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from .errors import ApiError

CURSOR_SALT = "binome.api.cursor"
PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


def encode_cursor(after: int) -> str:
    return signing.dumps({"after": after}, salt=CURSOR_SALT)


def decode_cursor(cursor: str) -> int:
    try:
        data = signing.loads(cursor, salt=CURSOR_SALT)
        after = data["after"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ApiError(400, "invalid_cursor", _("This cursor is not valid.")) from None
    if not isinstance(after, int) or isinstance(after, bool):
        raise ApiError(400, "invalid_cursor", _("This cursor is not valid."))
    return after


class CursorPagination(PaginationBase):
    class Input(Schema):
        cursor: str | None = Field(
            None,
            max_length=200,
            description="The `next` value of the previous page; omit it for the "
            "first page.",
        )
        limit: int = Field(
            PAGE_SIZE,
            ge=1,
            le=MAX_PAGE_SIZE,
            description="Items per page.",
        )

    class Output(Schema):
        items: list[Any]
        next: str | None = Field(
            ..., description="Cursor of the next page, or null on the last page."
        )

    items_attribute = "items"

    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        pagination: Input,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        queryset = queryset.order_by("pk")
        if pagination.cursor:
            queryset = queryset.filter(pk__gt=decode_cursor(pagination.cursor))
        page = list(queryset[: pagination.limit + 1])
        more = len(page) > pagination.limit
        page = page[: pagination.limit]
        return {
            "items": page,
            "next": encode_cursor(page[-1].pk) if more else None,
        }


class MappedQuerySet:
    """A queryset the paginator can order and slice, whose items are mapped
    to plain dicts once fetched."""

    def __init__(self, queryset: QuerySet[Any], mapper: Any) -> None:
        self.queryset = queryset
        self.mapper = mapper

    def order_by(self, *fields: str) -> MappedQuerySet:
        return MappedQuerySet(self.queryset.order_by(*fields), self.mapper)

    def filter(self, **lookups: Any) -> MappedQuerySet:
        return MappedQuerySet(self.queryset.filter(**lookups), self.mapper)

    def __getitem__(self, window: slice) -> list[Any]:
        return [Mapped(obj, self.mapper(obj)) for obj in self.queryset[window]]


class Mapped(dict[str, Any]):
    """A mapped item that still knows its primary key (for the cursor)."""

    def __init__(self, obj: Any, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.pk = obj.pk
