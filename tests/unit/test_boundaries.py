"""Where rules live: who may do what is decided in the domain, and web/ only ties it to a request.

Read from the source (no app): a domain module that imported web to learn about permissions, or a
view that read an htmx header itself, would pass every behaviour test and still break the layering.
"""
import ast
from pathlib import Path

from shequ_volunteer.accounts.actor import ANONYMOUS, Actor

PACKAGE = Path(__file__).resolve().parents[2] / "shequ_volunteer"


def imports_of(path: Path) -> set[str]:
    """The modules a file imports, relative ones written as in the file ('..web.auth')."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def adds_routes(path: Path) -> bool:
    source = path.read_text(encoding="utf-8")
    return any(f"bp.{verb}(" in source for verb in ("get", "post", "route"))


def serves_requests(path: Path) -> bool:
    """A view or form module: it is named so, adds routes to a blueprint, or holds the blueprint its views share."""
    return (path.name.endswith(("views.py", "forms.py")) or adds_routes(path)
            or "Blueprint(" in path.read_text(encoding="utf-8"))


def project_files_imported(path: Path) -> set[Path]:
    """The files of the package that a file imports (relative imports, `from . import x` included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = path.parents[node.level - 1]
            target = base.joinpath(*node.module.split(".")) if node.module else base
            candidates = [target.with_suffix(".py"), *(target / f"{alias.name}.py" for alias in node.names)]
            found.update(candidate for candidate in candidates if candidate.exists())
    return found


def test_only_views_and_forms_import_web():
    domain = [path for path in PACKAGE.glob("*/*.py") if path.parent.name != "web"]
    importing_web = {path.relative_to(PACKAGE).as_posix() for path in domain
                     if any(name.startswith("..web") for name in imports_of(path))}
    assert importing_web, "the walk found no view at all: the test no longer looks where the code is"
    assert {name for name in importing_web if not serves_requests(PACKAGE / name)} == set()


def test_no_view_module_imports_another():
    """Views share their domain's blueprint module; a view importing a view is how the import circles began."""
    views = {path for path in PACKAGE.glob("*/*.py") if adds_routes(path)}
    assert len(views) > 10, "the walk found too few views: the test no longer looks where the code is"
    tangled = {(path.relative_to(PACKAGE).as_posix(), other.relative_to(PACKAGE).as_posix())
               for path in views for other in project_files_imported(path) & views}
    assert tangled == set()


def test_the_actor_is_built_without_flask():
    assert not any(name.startswith(("flask", "..web")) for name in imports_of(PACKAGE / "accounts" / "actor.py"))


def test_htmx_headers_are_read_and_written_in_one_place():
    readers = {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")
               if '"HX-' in path.read_text(encoding="utf-8")}
    assert readers == {"web/htmx.py"}


def test_staff_or_leader_is_one_predicate():
    staff = Actor(user_id=1, community_id=1, is_staff=True)
    leader = Actor(user_id=2, community_id=1, leader_team_ids=frozenset({7}))
    member = Actor(user_id=3, community_id=1, member_team_ids=frozenset({7}))
    viewer = Actor(user_id=4, community_id=None, is_viewer=True)
    assert staff.is_staff_or_leader and leader.is_staff_or_leader
    assert not member.is_staff_or_leader and not viewer.is_staff_or_leader and not ANONYMOUS.is_staff_or_leader
