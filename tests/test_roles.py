"""training_app.roles is the one list of roles: everything else derives from it or agrees."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from training_app import roles
from training_app.admin.forms import PersonForm
from training_app.auth import models as auth_models
from training_app.auth import permissions
from training_app.cli import create_admin
from training_app.compliance import import_parse
from training_app.compliance import policy as compliance_policy
from training_app.content.model import AUDIENCES
from training_app.editions import READERS
from training_app.learning import policy as learning_policy
from training_app.mfa import services as mfa_services

PACKAGE = Path(roles.__file__).parent
# Tables that must name roles, each checked against training_app.roles below: the content
# schema (a lower layer, so it cannot import a core helper) and the MIS spellings of each role.
ALLOWED_COPIES = {
    PACKAGE / "roles.py",
    PACKAGE / "content" / "model.py",
    PACKAGE / "compliance" / "import_parse.py",
}


def test_the_content_schema_agrees_with_the_roles() -> None:
    assert AUDIENCES == roles.MODULE_AUDIENCES


def test_derived_lists_are_the_sources_own() -> None:
    assert auth_models.ROLES == roles.LABELS and tuple(auth_models.ROLES) == roles.KEYS
    assert permissions.RANKS == roles.RANKS
    assert compliance_policy.ROLE_KEYS == roles.KEYS
    assert mfa_services.REQUIRED_ROLES == roles.TWO_FACTOR_ROLES
    assert READERS == roles.LEAD_ROLES
    assert frozenset(roles.ADMIN_ROLES) == learning_policy.PREVIEW_ROLES
    choice = next(p for p in create_admin.params if p.name == "role")
    assert tuple(choice.type.choices) == roles.ADMIN_ROLES  # type: ignore[attr-defined]
    assert [choice.value for choice in PersonForm.role.kwargs["choices"]] == list(
        roles.SCHOOL_ROLES
    )


def test_ranks_are_a_strict_order_and_everyone_takes_the_staff_modules() -> None:
    assert sorted(roles.RANKS.values()) == list(range(len(roles.ALL)))
    for role in roles.ALL:
        assert "staff" in role.audiences and role.audiences <= set(roles.MODULE_AUDIENCES)
        assert not role.admin or role.two_factor, f"{role.key}: admins need two factors"


@pytest.mark.parametrize("role", roles.ALL, ids=lambda role: role.key)
def test_the_staff_import_reads_every_school_role_by_key_and_label(role: roles.Role) -> None:
    text = "Name,Email,Role,Staff group\nA B,a@b.example,{},Teaching\n"
    for spelling in (role.key, role.label):
        [row] = import_parse.parse(text.format(spelling))
        if role.school_level:
            assert (row.role, row.errors) == (role.key, [])
        else:
            assert row.errors, f"a staff import must not make a {role.key}"
    assert set(import_parse.ROLE_NAMES) == set(roles.SCHOOL_ROLES)


def _role_literals(path: Path) -> list[int]:
    """Lines of list, set, tuple or dict literals naming two or more roles."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        items = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", None)
        if not isinstance(node, ast.List | ast.Set | ast.Tuple | ast.Dict) or items is None:
            continue
        named = {i.value for i in items if isinstance(i, ast.Constant) and i.value in roles.KEYS}
        if len(named) >= 2:
            found.append(node.lineno)
    return found


def test_no_other_module_lists_roles() -> None:
    copies = {
        str(path.relative_to(PACKAGE)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if path not in ALLOWED_COPIES and (lines := _role_literals(path))
    }
    assert copies == {}, "derive these from training_app.roles (docs/architecture.md)"
