"""The package boundaries of training_app, checked by reading its source (docs/architecture.md).

Layers, lowest first; a module may import its own layer and the layers below it, never above:

    rules        the decision engine (stdlib only)
    content      scenario and quiz files -> typed objects
    core         the helpers directly under training_app/ (config, extensions, database, memo,
                 dates, pagination, mail, navigation, ...)
    shared core  the few feature modules that every feature needs (SHARED_CORE, with reasons)
    feature      one package per feature (auth, mfa, sso, admin, audit, compliance, learning,
                 lessons, rehearsal, xapi, editions, ops)
    app          the factory (training_app/__init__.py, cli.py, content_cli.py) and the packages
                 that assemble every feature and that nothing imports: home (each role's landing
                 page) and demo (`flask demo seed`)

Within the feature layer, a feature imports another feature only through the names that
feature's `__init__.py` lists in `__all__`, or through the shared core; and the features'
imports of each other form no cycle. No module imports training_app inside a function to dodge
a cycle: the only imports inside functions are the factory's and each feature's `init_app`
loading its own modules (importing any module of a package runs its `__init__.py` first, so
`__init__.py` must not load the feature's routes at import time), and those in
FUNCTION_IMPORTS_ALLOWED, each with its reason. Imports under `if TYPE_CHECKING:` never run:
they must respect the layers, but not the public names, and do not count towards cycles.

The checks read the source with `ast` (tests/import_graph.py), so they never import the app;
each takes the sources as a mapping, which is how the last tests here prove that a forbidden
import makes them fail.
"""

from __future__ import annotations

from collections.abc import Mapping

from tests.import_graph import (
    Import,
    all_imports,
    is_package,
    package_of,
    public_names,
    read_sources,
)

LAYERS = ("rules", "content", "core", "shared core", "feature", "app")

# Feature modules any feature may import directly. Each imports only core and other shared
# core modules, so importing one never pulls a feature's routes or services in.
SHARED_CORE: dict[str, str] = {
    "training_app.auth.models": "the person (User, roles, staff groups) whom every feature serves",
    "training_app.auth.permissions": "who may do what: every feature's routes check it",
    "training_app.auth.services": "accounts and sessions: admin, the staff import, mfa, sso "
    "and the CLI find, add and sign out people through it",
    "training_app.auth.person": "the signed-in person as auth.services loads them",
    "training_app.auth.passwords": "password hashing, which auth.services uses",
    "training_app.auth.throttle": "the browsers known to an account, remembered at sign-in",
    "training_app.auth.sign_in": "finish_sign_in(): auth's password page, mfa's code pages and "
    "sso's provider sign-in all end there",
    "training_app.admin.models": "schools and trusts, which scope every feature's records",
    "training_app.admin.protocols": "a school's local protocol, which every scenario reads",
    "training_app.audit.models": "the audit trail's rows, kept and pruned by several features",
    "training_app.audit.services": "record_event(): every change, in any feature, is audited",
    "training_app.learning.catalogue": "the published modules, which every feature reports on",
    "training_app.learning.guidance_text": "how the catalogue titles a guidance page",
    "training_app.learning.models": "attempts and completions: compliance reports on them, "
    "xapi sends them, retention prunes them",
    "training_app.rehearsal.models": "DSLs' practice records, which "
    "xapi builds its rehearsal statements from",
    "training_app.compliance.policy": "a school's training policy as pure data, with the "
    "renewal rule that learning stamps on a completion and compliance reports by",
    "training_app.compliance.policy_versions": "the training policy in force at a school",
}

APP_PACKAGES = frozenset({"home", "demo"})
APP_MODULES = frozenset({"training_app", "training_app.cli", "training_app.content_cli"})

# Imports inside a function that stay, keyed by (importing module, imported module).
FUNCTION_IMPORTS_ALLOWED: dict[tuple[str, str], str] = {
    ("training_app.rehearsal", "training_app.auth.permissions"): "importing rehearsal must not "
    "import Flask: its generator, narrative and scoring are pure and tested without it",
    ("training_app.rehearsal", "training_app.navigation"): "the same: navigation imports Flask",
}


def layer_of(module: str, sources: Mapping[str, str]) -> str:
    """Which layer a module is in (LAYERS)."""
    top = package_of(module)
    if module in APP_MODULES or top in APP_PACKAGES:
        return "app"
    if top in {"rules", "content"}:
        return top
    if module in SHARED_CORE:
        return "shared core"
    if is_package(f"training_app.{top}", sources):
        return "feature"
    return "core"


RULE = "rules <- content <- core <- shared core <- feature <- app"


def layer_violations(imports: list[Import], sources: Mapping[str, str]) -> list[str]:
    """Imports of a higher layer than the importer's own."""
    found = []
    for imp in imports:
        low, high = layer_of(imp.importer, sources), layer_of(imp.imported, sources)
        if LAYERS.index(high) > LAYERS.index(low):
            found.append(
                f"{imp.where()} imports {imp.imported}: {low} must not import {high}, a higher "
                f"layer ({RULE}; each layer imports only itself and the layers to its left). "
                "Fix: move what it needs down to its own layer or below, or have the caller "
                "in the higher layer pass it in."
            )
    return found


def feature_violations(imports: list[Import], sources: Mapping[str, str]) -> list[str]:
    """A feature reaching into another feature's modules instead of its public names."""
    found = []
    for imp in imports:
        importer, imported = package_of(imp.importer), package_of(imp.imported)
        if (
            imp.type_checking
            or importer == imported
            or layer_of(imp.importer, sources) != "feature"
            or layer_of(imp.imported, sources) != "feature"
        ):
            continue
        package = f"training_app.{imported}"
        public = public_names(package, sources)
        if imp.imported == package:
            hidden = [n for n in imp.names if n not in public]
        elif imp.imported.removeprefix(package + ".") in public:
            hidden = []
        else:
            hidden = list(imp.names) or [imp.imported]
        if hidden:
            found.append(
                f"{imp.where()} imports {', '.join(hidden)} from {imp.imported}, inside the "
                f"{imported} feature. A feature uses another only through the names that "
                f"feature's __init__.py lists in __all__ ({imported}'s: "
                f"{', '.join(sorted(public)) or 'none'}), or through the shared core "
                "(SHARED_CORE in tests/test_architecture.py). Fix: import it as "
                f"`from {package} import ...`; if it is not public yet and other features are "
                f"meant to use it, import it in {imported}/__init__.py and add it to __all__. "
                "If every feature needs it, it belongs in core."
            )
    return found


def feature_edges(
    imports: list[Import], sources: Mapping[str, str]
) -> dict[tuple[str, str], Import]:
    """Which feature imports which (run-time imports between feature-layer modules)."""
    edges: dict[tuple[str, str], Import] = {}
    for imp in imports:
        if imp.type_checking:
            continue
        if layer_of(imp.importer, sources) == layer_of(imp.imported, sources) == "feature":
            pair = (package_of(imp.importer), package_of(imp.imported))
            if pair[0] != pair[1]:
                edges.setdefault(pair, imp)
    return edges


def cycle_violations(imports: list[Import], sources: Mapping[str, str]) -> list[str]:
    """Cycles among the features' imports of each other, each shown once with its imports."""
    edges = feature_edges(imports, sources)
    graph: dict[str, list[str]] = {}
    for a, b in sorted(edges):
        graph.setdefault(a, []).append(b)
    found, seen = [], set()

    def visit(path: list[str]) -> None:
        for nxt in graph.get(path[-1], []):
            if nxt == path[0]:
                cycle = [*path, nxt]
                key = frozenset(path)
                if key not in seen:
                    seen.add(key)
                    via = "; ".join(
                        f"{edges[(a, b)].where()} imports {edges[(a, b)].imported}"
                        for a, b in zip(cycle, cycle[1:], strict=False)
                    )
                    found.append(
                        f"features import each other in a cycle: {' -> '.join(cycle)} ({via}). "
                        "Fix: decide which feature sits below the other and move what the lower "
                        "one borrows from the higher one down (into the lower feature, the "
                        "shared core or core), or have the higher one pass it in."
                    )
            elif nxt not in path and nxt > path[0]:
                visit([*path, nxt])

    for start in sorted(graph):
        visit([start])
    return found


def function_import_violations(imports: list[Import], sources: Mapping[str, str]) -> list[str]:
    """Imports inside functions, except the factory's and a feature's own `init_app`."""
    found = []
    for imp in imports:
        if imp.in_function is None or imp.type_checking or imp.importer in APP_MODULES:
            continue
        own_init_app = (
            imp.in_function == "init_app"
            and is_package(imp.importer, sources)
            and package_of(imp.imported) == package_of(imp.importer)
        )
        if own_init_app or (imp.importer, imp.imported) in FUNCTION_IMPORTS_ALLOWED:
            continue
        found.append(
            f"{imp.where()} imports {imp.imported} inside {imp.in_function}(). Imports of "
            "training_app go at the top of the module, so the dependency shows and a cycle "
            "cannot hide (a feature's init_app loading its own modules is the one exception). "
            "Fix: move it to the top; if that makes an import cycle, break the cycle (see the "
            "layers in docs/architecture.md). A third-party reason goes in "
            "FUNCTION_IMPORTS_ALLOWED with the reason."
        )
    return found


def violations(sources: Mapping[str, str]) -> list[str]:
    """Every broken boundary in the given sources, pending exceptions left out."""
    imports = all_imports(sources)
    return [
        *layer_violations(imports, sources),
        *feature_violations(imports, sources),
        *cycle_violations(imports, sources),
        *function_import_violations(imports, sources),
    ]


def test_the_package_boundaries_hold() -> None:
    found = violations(read_sources())
    assert not found, "\n\n".join(
        ['Package boundaries broken (see "Boundaries" in docs/architecture.md):', *found]
    )


def test_every_exception_still_matches_an_import() -> None:
    imports = {(imp.importer, imp.imported) for imp in all_imports(read_sources())}
    listed = set(FUNCTION_IMPORTS_ALLOWED)
    stale = sorted(listed - imports)
    assert not stale, (
        f"These exceptions in tests/test_architecture.py match no import any more: {stale}. "
        "Delete them, so the lists say only what is still true."
    )


def test_the_shared_core_exists() -> None:
    sources = read_sources()
    missing = sorted(set(SHARED_CORE) - set(sources))
    assert not missing, (
        f"SHARED_CORE names modules that do not exist: {missing}. Take them off the list (and "
        "out of docs/architecture.md), or name the module they became."
    )


# The tests of the test: each forbidden import below, added to the real sources, must fail.


def _with_line(module: str, line: str) -> dict[str, str]:
    sources = read_sources()
    sources[module] += "\n" + line + "\n"
    return sources


def test_a_lower_layer_importing_a_higher_one_fails() -> None:
    found = violations(
        _with_line("training_app.content.render", "from training_app.config import Config")
    )
    assert any(
        v.startswith("training_app/content/render.py:") and "content must not import core" in v
        for v in found
    ), found


def test_reaching_into_another_feature_fails() -> None:
    found = violations(
        _with_line("training_app.lessons.routes", "from training_app.mfa.totp import code_at")
    )
    assert any(
        v.startswith("training_app/lessons/routes.py:")
        and "code_at from training_app.mfa.totp" in v
        for v in found
    ), found


def test_a_public_name_of_another_feature_passes() -> None:
    sources = _with_line("training_app.lessons.routes", "from training_app.mfa import seal")
    assert violations(sources) == violations(read_sources())


def test_a_cycle_between_features_fails() -> None:
    # compliance imports xapi; xapi importing a public name of compliance closes a cycle.
    sources = _with_line(
        "training_app.xapi.routes", "from training_app.compliance import uk_date_filter"
    )
    sources["training_app.compliance"] += '\n__all__ = ["uk_date_filter"]\n'
    found = violations(sources)
    assert any(
        v.startswith("features import each other in a cycle: compliance -> xapi") for v in found
    ), found


def test_an_import_inside_a_function_fails() -> None:
    found = violations(
        _with_line(
            "training_app.lessons.services",
            "def _late():\n    from training_app.lessons.codes import new_participant_token",
        )
    )
    assert any("training_app.lessons.codes inside _late()" in v for v in found), found
