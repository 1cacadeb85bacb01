"""E-mail texts HR writes in the administration, in place of the files.

Every e-mail is a pair of templates, ``emails/<name>_subject.txt`` and
``emails/<name>.txt`` (see ``notifications.render_email``). An active
``EmailText`` for that name and the recipient's language replaces both, so an
e-mail added tomorrow can be reworded without any code.

HR's text is a template too (``{{ name }}``, ``{% if %}``, ``{% for %}``), but
compiled by a restricted engine: only the tags of ``emailtags`` exist (no
``load``, ``include`` or ``extends``), nothing is escaped (the e-mails are
plain text), and it may only use the variables the default text uses, the
only ones the code puts in that e-mail's context.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.base import (
    FilterExpression,
    Node,
    TextNode,
    TokenType,
    Variable,
    VariableNode,
)
from django.template.defaulttags import (
    AutoEscapeControlNode,
    CommentNode,
    ForNode,
    IfNode,
    LoadNode,
    WithNode,
)
from django.template.loader import get_template
from django.template.utils import get_app_template_dirs
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _

from .models import EmailText

SUBJECT_SUFFIX = "_subject"


class _RestrictedEngine(Engine):
    # Django's own builtins bring load, include, extends, url, debug…
    default_builtins: ClassVar[list[str]] = []


ENGINE = _RestrictedEngine(
    builtins=["binome.accounts.emailtags"], libraries={}, loaders=[], autoescape=False
)


def _template_dirs() -> list[Path]:
    dirs = [
        Path(d)
        for backend in settings.TEMPLATES
        for d in backend.get("DIRS", [])  # type: ignore[attr-defined]
    ]
    return dirs + [Path(d) for d in get_app_template_dirs("templates")]


@functools.cache
def available_templates() -> tuple[str, ...]:
    """Every e-mail the code can send: each ``emails/<name>.txt`` that has its
    ``emails/<name>_subject.txt``."""
    names: set[str] = set()
    for directory in _template_dirs():
        for subject in (directory / "emails").glob(f"*{SUBJECT_SUFFIX}.txt"):
            name = subject.name.removesuffix(f"{SUBJECT_SUFFIX}.txt")
            if (subject.parent / f"{name}.txt").exists():
                names.add(name)
    return tuple(sorted(names))


def default_sources(name: str) -> tuple[str, str]:
    """The default subject and body, as written in the files."""
    subject = get_template(f"emails/{name}{SUBJECT_SUFFIX}.txt")
    body = get_template(f"emails/{name}.txt")
    return subject.template.source, body.template.source  # type: ignore[attr-defined]


# Which variables a template reads -------------------------------------------


class _Names:
    """The names a template reads from its context (``free``), leaving out
    those it binds itself: loop variables, ``with`` and ``blocktranslate``
    names inside their block, ``… as name`` from there on."""

    def __init__(self) -> None:
        self.free: set[str] = set()
        self.scopes: list[set[str]] = [set()]

    def use(self, name: str) -> None:
        if not any(name in scope for scope in self.scopes):
            self.free.add(name)

    def expression(self, expression: Any) -> None:
        if isinstance(expression, FilterExpression):
            self.expression(expression.var)
            for _func, args in expression.filters:
                for is_variable, arg in args:
                    if is_variable:
                        self.expression(arg)
        elif isinstance(expression, Variable) and expression.lookups:
            self.use(expression.lookups[0])

    def condition(self, condition: Any) -> None:
        # smartif: a TemplateLiteral has ``value``, an operator ``first`` and
        # ``second``.
        if condition is None:
            return
        if isinstance(getattr(condition, "value", None), FilterExpression):
            self.expression(condition.value)
        self.condition(getattr(condition, "first", None))
        self.condition(getattr(condition, "second", None))

    def nodes(self, nodelist: Iterable[Any] | None, binds: Iterable[str] = ()) -> None:
        self.scopes.append(set(binds))
        for node in nodelist or ():
            self.node(node)
        self.scopes.pop()

    def node(self, node: Node) -> None:
        if isinstance(node, IfNode):
            for condition, nodelist in node.conditions_nodelists:
                self.condition(condition)
                self.nodes(nodelist)
        elif isinstance(node, ForNode):
            self.expression(node.sequence)
            self.nodes(node.nodelist_loop, [*node.loopvars, "forloop"])
            self.nodes(node.nodelist_empty)
        elif isinstance(node, WithNode):
            for value in node.extra_context.values():
                self.expression(value)
            self.nodes(node.nodelist, node.extra_context)
        elif isinstance(node, BlockTranslateNode):
            for value in node.extra_context.values():
                self.expression(value)
            binds = set(node.extra_context)
            if node.countervar:
                self.expression(node.counter)
                binds.add(node.countervar)
            self.scopes.append(binds)
            for token in [*node.singular, *(node.plural or [])]:
                if token.token_type == TokenType.VAR:
                    self.use(token.contents.split(".")[0].strip())
            self.scopes.pop()
            if node.asvar:
                self.scopes[-1].add(node.asvar)
        else:
            # Any other node (a variable, translate, firstof, filter…): the
            # expressions it holds, then its children.
            for value in vars(node).values():
                if isinstance(value, FilterExpression):
                    self.expression(value)
                elif isinstance(value, list | tuple):
                    for item in value:
                        if isinstance(item, FilterExpression):
                            self.expression(item)
            for attr in node.child_nodelists:
                self.nodes(getattr(node, attr, None))
            asvar = getattr(node, "asvar", None)
            if asvar:
                # ``{% translate "x" as label %}`` inside an ``if``: usable
                # after it, in the enclosing block.
                self.scopes[-1].add(asvar)
                if len(self.scopes) > 1:
                    self.scopes[-2].add(asvar)


def free_variables(*templates: Template) -> set[str]:
    names = _Names()
    for template in templates:
        names.nodes(template.nodelist)
    return names.free


@functools.cache
def known_variables(name: str) -> frozenset[str]:
    """The variables the default text of this e-mail reads: the ones the
    code gives it."""
    subject = get_template(f"emails/{name}{SUBJECT_SUFFIX}.txt")
    body = get_template(f"emails/{name}.txt")
    return frozenset(
        free_variables(subject.template, body.template)  # type: ignore[attr-defined]
    )


# The default text, in one language, as HR would write it -------------------


class _CannotWrite(Exception):
    """A tag the restricted syntax has no equivalent for."""


def _condition_source(condition: Any) -> str:
    if hasattr(condition, "text"):  # a TemplateLiteral
        return str(condition.text)
    if condition.second is None:  # not
        return f"{condition.id} {_condition_source(condition.first)}"
    first, second = (
        _condition_source(condition.first),
        _condition_source(condition.second),
    )
    return f"{first} {condition.id} {second}"


def _with_source(bindings: dict[str, FilterExpression]) -> str:
    return " ".join(f"{key}={value.token}" for key, value in bindings.items())


def _placeholder(expression: str) -> str:
    return "{{ " + expression + " }}"


def _translated(node: BlockTranslateNode, language: str) -> str:
    singular, names = node.render_token_list(node.singular)
    placeholders = {name: _placeholder(name) for name in names}
    if node.plural and node.countervar:
        plural, plural_names = node.render_token_list(node.plural)
        placeholders |= {name: _placeholder(name) for name in plural_names}
        one = ngettext(singular, plural, 1) % placeholders
        many = ngettext(singular, plural, 2) % placeholders
        # French says « 0 séance », English « 0 sessions ».
        zero_is_one = ngettext(singular, plural, 0) == ngettext(singular, plural, 1)
        test = "<= 1" if zero_is_one else "== 1"
        text = (
            f"{{% if {node.countervar} {test} %}}{one}{{% else %}}{many}{{% endif %}}"
        )
    else:
        text = gettext(singular) % placeholders
    bindings = dict(node.extra_context)
    if node.countervar and node.counter is not None:
        bindings[node.countervar] = node.counter
    if bindings:
        text = f"{{% with {_with_source(bindings)} %}}{text}{{% endwith %}}"
    return text


def _write(nodes: Iterable[Any], language: str) -> str:
    out = []
    for node in nodes:
        if isinstance(node, TextNode):
            out.append(node.s)
        elif isinstance(node, VariableNode):
            out.append(_placeholder(node.token.contents))  # type: ignore[union-attr]
        elif isinstance(node, LoadNode | CommentNode):
            continue
        elif isinstance(node, AutoEscapeControlNode):
            out.append(_write(node.nodelist, language))
        elif isinstance(node, TranslateNode) and not node.asvar:
            out.append(node.render(Context()))
        elif isinstance(node, BlockTranslateNode) and not node.asvar:
            out.append(_translated(node, language))
        elif isinstance(node, IfNode):
            for i, (condition, nodelist) in enumerate(node.conditions_nodelists):
                if condition is None:
                    out.append("{% else %}")
                else:
                    tag = "if" if i == 0 else "elif"
                    out.append(f"{{% {tag} {_condition_source(condition)} %}}")
                out.append(_write(nodelist, language))
            out.append("{% endif %}")
        elif isinstance(node, ForNode):
            reverse = " reversed" if node.is_reversed else ""
            loopvars = ", ".join(node.loopvars)
            sequence = node.sequence.token  # type: ignore[union-attr]
            out.append(f"{{% for {loopvars} in {sequence}{reverse} %}}")
            out.append(_write(node.nodelist_loop, language))
            if node.nodelist_empty:
                out.append("{% empty %}" + _write(node.nodelist_empty, language))
            out.append("{% endfor %}")
        elif isinstance(node, WithNode):
            out.append(f"{{% with {_with_source(node.extra_context)} %}}")
            out.append(_write(node.nodelist, language))
            out.append("{% endwith %}")
        else:
            raise _CannotWrite(type(node).__name__)
    return "".join(out)


def editable_default(name: str, language: str) -> tuple[str, str] | None:
    """The default subject and body of this e-mail in ``language``, written
    the way HR's texts are (no translation tags), to start from; None if the
    file uses a tag that has no such equivalent."""
    subject = get_template(f"emails/{name}{SUBJECT_SUFFIX}.txt")
    body = get_template(f"emails/{name}.txt")
    try:
        with translation.override(language):
            return (
                " ".join(_write(subject.template.nodelist, language).split()),  # type: ignore[attr-defined]
                _write(body.template.nodelist, language).strip() + "\n",  # type: ignore[attr-defined]
            )
    except _CannotWrite:
        return None


# Checking and rendering HR's text -------------------------------------------


def compile_text(source: str) -> Template:
    return ENGINE.from_string(source)


# What an e-mail exists for: the link to act on, the words a manager wrote
# (a nudge, a personal word with a decision). An override must keep them.
MUST_KEEP = frozenset({"url", "message"})


def validate(name: str, subject: str, body: str) -> None:
    """Raise ValidationError (per field) when the text does not compile with
    the restricted engine or reads a variable this e-mail does not have."""
    if name not in available_templates():
        raise ValidationError({"template": _("There is no such e-mail.")})
    errors: dict[str, list[str]] = {}
    known = known_variables(name)
    for field, source in (("subject", subject), ("body", body)):
        try:
            template = compile_text(source)
        except TemplateSyntaxError as error:
            tag = re.match(r"Invalid block tag on line \d+: '([^']+)'", str(error))
            if tag and not tag[1].startswith("end"):
                message = _("The tag « %(tag)s » is not allowed here.") % {
                    "tag": tag[1]
                }
            else:
                message = _("This text cannot be read: %(error)s") % {"error": error}
            errors[field] = [message]
            continue
        used = free_variables(template)
        unknown = sorted(used - known)
        if unknown:
            errors[field] = [
                _("Unknown variable(s): %(unknown)s. This e-mail offers: %(known)s.")
                % {
                    "unknown": ", ".join(unknown),
                    "known": ", ".join(sorted(known)) or "—",
                }
            ]
            continue
        missing = sorted(MUST_KEEP & known - used) if field == "body" else []
        if missing:
            errors[field] = [
                _(
                    "This text must keep %(missing)s: without it the e-mail loses "
                    "what it is sent for (the link, or the words a person wrote)."
                )
                % {"missing": ", ".join(f"{{{{ {name} }}}}" for name in missing)}
            ]
    if errors:
        raise ValidationError(errors)


def override(name: str, language: str) -> EmailText | None:
    return EmailText.objects.filter(
        template=name, language=language, is_active=True
    ).first()


def render_override(text: EmailText, context: dict[str, Any]) -> tuple[str, str]:
    """Subject and body of HR's text (call it in the recipient's language)."""
    subject = compile_text(text.subject).render(Context(context, autoescape=False))
    body = compile_text(text.body).render(Context(context, autoescape=False))
    return subject, body
