"""allauth's field element (templates/allauth/elements/field.html): errors
have an id, the control points at them, and a label never points at nothing."""

from __future__ import annotations

import re

from django.template import Context, Origin, Template

FIELD = (
    "{% load allauth %}"
    '{% element field type="password" name="password" id=id errors=errors %}'
    "{% slot label %}Password{% endslot %}"
    "HELP"
    "{% endelement %}"
)
HELP = "{% slot help_text %}Your current one.{% endslot %}"


def _render(help: bool = False, **context) -> str:
    context.setdefault("id", "id_password")
    context.setdefault("errors", [])
    source = FIELD.replace("HELP", HELP if help else "")
    # allauth's element tag needs a template name (its origin).
    origin = Origin(name="field_test.html", template_name="field_test.html")
    return Template(source, origin=origin).render(Context(context))


def _search(pattern: str, html: str) -> re.Match[str]:
    match = re.search(pattern, html)
    assert match is not None, pattern
    return match


def _control(html: str) -> str:
    return _search(r"<input[^>]*>", html).group(0)


def test_errors_are_tied_to_the_control():
    html = _render(errors=["Incorrect password."])
    control = _control(html)
    assert 'aria-invalid="true"' in control
    described = _search(r'aria-describedby="([^"]+)"', control).group(1)
    for target in described.split():
        assert f'id="{target}"' in html
    error_block = _search(rf'id="{described}"[^>]*>(.*?)</div>', html).group(1)
    assert "Incorrect password." in error_block


def test_help_and_errors_are_both_described():
    html = _render(errors=["Incorrect password."], help=True)
    described = _search(r'aria-describedby="([^"]+)"', _control(html)).group(1)
    assert described.split() == ["id_password_helptext", "id_password_error"]
    assert 'id="id_password_helptext"' in html
    assert 'id="id_password_error"' in html


def test_a_valid_field_is_not_marked_invalid():
    control = _control(_render())
    assert "aria-invalid" not in control
    assert "aria-describedby" not in control


def test_no_label_for_nothing_without_an_id():
    html = _render(id="", errors=["Incorrect password."])
    assert "for=" not in html
    assert 'for=""' not in html
    assert 'aria-describedby=""' not in html
    assert not re.search(r'\sid="', html)


def test_the_login_page_links_each_field_to_its_errors(client, db):
    """Django marks an invalid input aria-describedby="<id>_error": that id
    must exist on the page."""
    import re

    response = client.post(
        "/compte/connexion/", {"login": "pas-une-adresse", "password": ""}
    )
    html = response.content.decode()
    described = re.findall(r'aria-describedby="([^"]+)"', html)
    assert described, "an invalid field is described by its errors"
    for ids in described:
        for id_ in ids.split():
            assert f'id="{id_}"' in html
