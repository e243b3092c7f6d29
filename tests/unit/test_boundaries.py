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


def serves_requests(path: Path) -> bool:
    """A view or form module: it is named so, or it adds routes to a blueprint."""
    source = path.read_text(encoding="utf-8")
    return path.name.endswith(("views.py", "forms.py")) or any(f"bp.{verb}(" in source
                                                               for verb in ("get", "post", "route"))


def test_only_views_and_forms_import_web():
    domain = [path for path in PACKAGE.glob("*/*.py") if path.parent.name != "web"]
    importing_web = {path.relative_to(PACKAGE).as_posix() for path in domain
                     if any(name.startswith("..web") for name in imports_of(path))}
    assert importing_web, "the walk found no view at all: the test no longer looks where the code is"
    assert {name for name in importing_web if not serves_requests(PACKAGE / name)} == set()


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
