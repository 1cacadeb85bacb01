"""Every error of the API has the same JSON shape and a stable code:

``{"error": {"code": "not_found", "message": "…", "details": []}}``

The codes are part of the contract (listed in the OpenAPI schema); the
messages are for people and may change or be translated.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from .auth import ScopeError

logger = logging.getLogger(__name__)

ErrorCode = Literal[
    "unauthorized",
    "csrf_failed",
    "insufficient_scope",
    "not_found",
    "invalid_request",
    "invalid_cursor",
    "conflict",
    "import_rejected",
    "server_error",
]

# code -> (HTTP status, what it means), for the schema description and the README.
CODES: dict[str, tuple[int, str]] = {
    "unauthorized": (401, "No credentials, or an unknown, revoked or expired token."),
    "csrf_failed": (403, "A write with the session cookie but no valid CSRF token."),
    "insufficient_scope": (403, "The token lacks the scope this operation needs."),
    "not_found": (404, "No such object within your reach (it may not exist)."),
    "invalid_request": (422, "The parameters or the body are not valid."),
    "invalid_cursor": (400, "The pagination cursor is not one the API gave."),
    "conflict": (409, "The object's state does not allow this action now."),
    "import_rejected": (422, "Rows of the import are invalid; nothing was written."),
    "server_error": (500, "An unexpected error; it is logged."),
}


class ErrorBody(Schema):
    code: ErrorCode
    message: str
    details: list[dict[str, Any]] = []


class ErrorOut(Schema):
    error: ErrorBody


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []
        super().__init__(message)


def not_found() -> ApiError:
    return ApiError(404, "not_found", _("Not found."))


def conflict(error: DjangoValidationError) -> ApiError:
    return ApiError(409, "conflict", " ".join(error.messages))


def _response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    body = {"error": {"code": code, "message": message, "details": details or []}}
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="binome"'
    return response


def install(api: NinjaAPI) -> None:
    """Replace django-ninja's default error bodies with ours."""

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return _response(api, request, exc.status, exc.code, exc.message, exc.details)

    def on_auth(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _response(
            api, request, 401, "unauthorized", _("Authentication required.")
        )

    def on_scope(request: HttpRequest, exc: ScopeError) -> HttpResponse:
        return _response(
            api,
            request,
            403,
            "insufficient_scope",
            _("This token lacks the scope « %(scope)s ».") % {"scope": exc.scope},
            [{"required_scope": exc.scope}],
        )

    def on_http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 403 and "CSRF" in exc.message:
            return _response(
                api, request, 403, "csrf_failed", _("CSRF verification failed.")
            )
        code = {401: "unauthorized", 404: "not_found"}.get(
            exc.status_code, "invalid_request"
        )
        return _response(api, request, exc.status_code, code, str(exc))

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = [
            {
                "loc": [str(part) for part in error.get("loc", [])],
                "message": str(error.get("msg", "")),
            }
            for error in exc.errors
        ]
        return _response(
            api,
            request,
            422,
            "invalid_request",
            _("The request is not valid."),
            details,
        )

    def on_404(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _response(api, request, 404, "not_found", _("Not found."))

    def on_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return _response(
            api, request, 500, "server_error", _("An unexpected error occurred.")
        )

    _add_handler(api, ApiError, on_api_error)
    _add_handler(api, AuthenticationError, on_auth)
    _add_handler(api, ScopeError, on_scope)
    _add_handler(api, HttpError, on_http)
    _add_handler(api, ValidationError, on_validation)
    _add_handler(api, Http404, on_404)
    _add_handler(api, Exception, on_error)


def _add_handler[E: Exception](
    api: NinjaAPI,
    exc_class: type[E],
    handler: Callable[[HttpRequest, E], HttpResponse],
) -> None:
    # django-ninja types the handler's argument as ``E | type[E]``, but it
    # passes the exception raised: the instance.
    api.add_exception_handler(exc_class, handler)  # type: ignore[arg-type]
