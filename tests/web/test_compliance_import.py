"""Staff import: preview every row's outcome, commit once in one transaction, re-import is a
no-op, leavers, another school's email, and `flask users import`."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.conftest import csrf_from, mentions
from tests.helpers.compliance import HEADER, commit, preview_url, upload
from training_app.audit.models import AuditEvent
from training_app.auth.models import User
from training_app.compliance.models import RoleChange, StaffImport
from training_app.extensions import db

GOOD = (
    HEADER
    + "Amira Khan,amira@a1.example,Staff,Teaching,01/09/2025\n"
    + "Ben Doyle,ben@a1.example,Deputy DSL,Pastoral,2024-09-02\n"
)


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_preview_then_commit_then_reimport_is_a_no_op(app, login_as, world):
    client = login_as("school_admin")
    preview = preview_url(upload(client, world.a1.id, GOOD))
    page = client.get(preview).get_data(as_text=True)
    assert "Nothing has changed yet." in page and page.count("<strong>Add</strong>") == 2
    assert "Forgot your password?" in page
    assert count(app, User, User.email == "amira@a1.example") == 0
    assert commit(client, preview).status_code == 302
    done = client.get(preview).get_data(as_text=True)
    assert "Staff imported" in done and "<strong>2</strong> added" in done
    with app.app_context():
        ben = db.session.scalar(select(User).where(User.email == "ben@a1.example"))
        assert (ben.role, ben.staff_group, ben.password_hash, ben.school_id) == (
            "dsl",
            "pastoral",
            None,
            world.a1.id,
        )
    # Committing the same upload again (a double click) changes nothing.
    commit(client, preview)
    assert count(app, User, User.school_id == world.a1.id) == 6
    added = count(app, AuditEvent, AuditEvent.action == "admin.person_added")
    assert added == 2
    # Importing the same file again: every row unchanged, nothing written but the summary.
    again = preview_url(upload(client, world.a1.id, GOOD))
    assert client.get(again).get_data(as_text=True).count("<strong>No change</strong>") == 2
    commit(client, again)
    assert (
        count(
            app, AuditEvent, AuditEvent.action.in_(["admin.person_added", "admin.person_updated"])
        )
        == 2
    )
    assert count(app, AuditEvent, AuditEvent.action == "import.committed") == 2


def test_update_reactivate_role_change_and_leavers(app, login_as, world, make_user):
    client = login_as("school_admin")
    gone = make_user("staff", world.a1, email="gone@a1.example", active=False)
    commit(client, preview_url(upload(client, world.a1.id, GOOD)))
    changed = (
        HEADER
        + "Amira Khan-Jones,amira@a1.example,DSL,Teaching,\n"
        + "Ben Doyle,ben@a1.example,Deputy DSL,Pastoral,\n"
        + f"Gone Person,{gone.email},Staff,Support,\n"
    )
    preview = preview_url(upload(client, world.a1.id, changed))
    page = client.get(preview).get_data(as_text=True)
    assert "name: Amira Khan → Amira Khan-Jones" in page
    assert "role: Staff → Designated Safeguarding Lead or deputy" in page
    assert "reactivate (was deactivated)" in page
    # staff@a1 and dsl@a1 are not in the file: offered as leavers (never the admin themself).
    assert "2 people are not in the file" in page
    assert (
        "staff@a1.example" in page
        and "admin@a1.example" not in page.split("not in the file")[1].split("</fieldset>")[0]
    )
    commit(client, preview, deactivate_leavers="y")
    with app.app_context():
        people = {u.email: u for u in db.session.scalars(select(User))}
        assert people["amira@a1.example"].role == "dsl"
        assert people["gone@a1.example"].active is True
        assert people["staff@a1.example"].active is False
        assert people["dsl@a1.example"].active is False
        assert people["admin@a1.example"].active is True
        change = db.session.scalar(select(RoleChange))
        assert (change.previous_role, change.role) == ("staff", "dsl")
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "admin.person_updated").limit(1)
        )
        assert event.before and event.after
    assert count(app, AuditEvent, AuditEvent.action == "admin.person_deactivated") == 2


def test_bad_row_blocks_the_import_and_names_line_and_field(app, login_as, world):
    client = login_as("school_admin")
    bad = (
        GOOD
        + "Cara Lewis,cara@a1,Teacher,Support Staff,31/13/2025\n"
        + "Dup,AMIRA@a1.example,Staff,Other,\n"
    )
    preview = preview_url(upload(client, world.a1.id, bad))
    page = client.get(preview).get_data(as_text=True)
    assert "Fix these rows, then upload the file again" in page
    assert "Line 4, email: “cara@a1” is not an email address" in page
    assert "Line 4, role: “Teacher” is not a role we know" in page
    assert "Line 4, start date: “31/13/2025” is not a date" in page
    assert "Line 5, email: amira@a1.example is also on line 2" in page
    response = commit(client, preview)
    assert response.status_code == 302
    assert "Nothing was imported" in client.get(preview).get_data(as_text=True)
    assert count(app, User, User.email == "amira@a1.example") == 0


def test_another_schools_email_and_own_role(app, login_as, world):
    client = login_as("school_admin")
    text = (
        HEADER
        + "Someone,staff@b1.example,Staff,Teaching,\n"
        + "Me,admin@a1.example,Staff,Teaching,\n"
    )
    page = client.get(preview_url(upload(client, world.a1.id, text))).get_data(as_text=True)
    assert "Line 2, email: staff@b1.example belongs to someone at another school" in page
    assert "Line 3, role: this is you: you cannot change your own role" in page
    assert not mentions(page, "B1")


def test_whole_file_problems_are_shown_on_the_upload_page(login_as, world):
    client = login_as("school_admin")
    for text, words in [
        ("", "The file is empty"),
        ("Surname,Dept\nKhan,Maths\n", "Line 1: the header row has no"),
        (HEADER, "no people in it"),
    ]:
        response = upload(client, world.a1.id, text)
        assert response.status_code == 200
        assert words in response.get_data(as_text=True)
    workbook = upload(client, world.a1.id, "PK\x03\x04junk", filename="staff.xlsx")
    assert "This is an Excel workbook, not a CSV file" in workbook.get_data(as_text=True)
    token = csrf_from(client, f"/schools/{world.a1.id}/people/import")
    missing = client.post(f"/schools/{world.a1.id}/people/import", data={"csrf_token": token})
    assert "Choose the CSV file to upload." in missing.get_data(as_text=True)


def test_uploads_of_another_school_are_not_found(app, login_as, world):
    other = login_as("other_trust_admin")
    preview = preview_url(upload(other, world.b1.id, GOOD.replace("a1.example", "b1.example")))
    import_id = re.search(r"/import/(\d+)", preview)[1]
    admin = login_as("school_admin")
    assert admin.get(f"/schools/{world.a1.id}/people/import/{import_id}").status_code == 404
    token = csrf_from(admin, f"/schools/{world.a1.id}/people/import")
    response = admin.post(
        f"/schools/{world.a1.id}/people/import/{import_id}/commit", data={"csrf_token": token}
    )
    assert response.status_code == 404
    assert admin.get(preview).status_code == 403
    assert count(app, StaffImport, StaffImport.committed_at.is_not(None)) == 0


def test_cli_import_dry_run_then_real_then_again(app, runner, world, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text(GOOD)
    args = ["users", "import", str(path), "--school", str(world.a1.id)]
    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert (
        "line 2: create    amira@a1.example" in dry.output
        and "Dry run: nothing changed" in dry.output
    )
    assert count(app, User, User.email == "amira@a1.example") == 0
    real = runner.invoke(args=args)
    assert (
        real.exit_code == 0 and "2 added" in real.output and "Forgot your password?" in real.output
    )
    again = runner.invoke(args=args)
    assert "0 added, 0 updated, 2 unchanged" in again.output
    path.write_text(GOOD + "X,bad-email,Staff,Teaching,\n")
    bad = runner.invoke(args=args)
    assert bad.exit_code != 0 and "Line 4, email" in bad.output and "nothing imported" in bad.output
    path.write_bytes(b"")
    empty = runner.invoke(args=args)
    assert empty.exit_code != 0 and "The file is empty" in empty.output
    unknown = runner.invoke(args=["users", "import", str(path), "--school", "999999"])
    assert unknown.exit_code != 0 and "no school has id 999999" in unknown.output
