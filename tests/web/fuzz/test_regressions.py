"""The bugs the fuzz tests found, one focused test each (both databases where it matters)."""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.factories import PASSWORD
from tests.web.fuzz import post, token
from training_app.auth.models import User
from training_app.compliance import import_parse
from training_app.compliance.models import Exemption
from training_app.extensions import db
from training_app.lessons.codes import form_token, form_token_ok
from training_app.mfa import totp


def test_a_nul_anywhere_in_a_request_is_refused_not_a_server_error(app, signed_in, world):
    """PostgreSQL cannot hold NUL: a query or insert with one failed with a 500."""
    anonymous = app.test_client()
    fields = {"email": "a\x00b@school.example", "password": PASSWORD}
    response = post(anonymous, "/sign-in", fields, token(anonymous, "/sign-in"))
    assert response.status_code == 400
    assert "Something was wrong with that request" in response.get_data(as_text=True)
    admin, csrf = signed_in("school_admin")
    new = {"name": "Nul\x00Name", "email": "nul@school.example", "role": "staff"}
    assert post(admin, f"/schools/{world.a1.id}/people/new", new, csrf).status_code == 400
    assert admin.get(f"/schools/{world.a1.id}/people?q=%00").status_code == 400
    assert admin.get("/verify/abc%00def").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(User.name.like("Nul%"))) == 0
    # An upload's file name counts too.
    fields = MultiDict({"csrf_token": csrf, "file": FileStorage(io.BytesIO(b"x"), "a\x00b.csv")})
    boundary, body = encode_multipart(fields)
    response = admin.post(
        f"/schools/{world.a1.id}/people/import",
        data=body,
        content_type=f'multipart/form-data; boundary="{boundary}"',
    )
    assert response.status_code == 400


def test_a_csv_with_a_nul_after_its_first_4_kb_is_not_a_csv(app, signed_in, world):
    """Only the first 4 KB were checked: the upload then failed to store on PostgreSQL."""
    admin, csrf = signed_in("school_admin")
    content = (
        b"Name,Email,Role,Staff group\r\n" + b"x" * 5000 + b"\x00,a@b.example,Staff,Teaching\r\n"
    )
    fields = MultiDict({"csrf_token": csrf, "file": FileStorage(io.BytesIO(content), "s.csv")})
    boundary, body = encode_multipart(fields)
    response = admin.post(
        f"/schools/{world.a1.id}/people/import",
        data=body,
        content_type=f'multipart/form-data; boundary="{boundary}"',
    )
    assert response.status_code == 200
    assert "This is not a CSV file" in response.get_data(as_text=True)


def test_dates_at_the_end_of_the_calendar_are_refused(app, signed_in, world):
    """A start date or exemption end in December 9999 overflowed every status page (500)."""
    admin, csrf = signed_in("school_admin")
    person = {
        "name": "Far Future",
        "email": "far@school.example",
        "role": "staff",
        "staff_group": "teaching",
        "start_date": "9999-12-31",
    }
    response = post(admin, f"/schools/{world.a1.id}/people/new", person, csrf)
    assert response.status_code == 200
    assert "Enter a date between 1900 and 2199" in response.get_data(as_text=True)
    staff = world.users["staff"].id
    exemption = {"module": "first-responder", "reason": "Long leave", "ends_on": "9999-12-31"}
    response = post(admin, f"/people/{staff}/training/exemptions/new", exemption, csrf)
    assert response.status_code == 200
    assert "Enter a date between 1900 and 2199" in response.get_data(as_text=True)
    external = {"module": "first-responder", "completed_on": "0001-01-01", "evidence_note": "x"}
    response = post(admin, f"/people/{staff}/training/external", external, csrf)
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Exemption)) == 0
    for url in (f"/people/{staff}/training", f"/schools/{world.a1.id}/compliance"):
        assert admin.get(url).status_code == 200
    # The same dates in a staff file are row errors; as an audit filter, no filter.
    assert import_parse.parse_date("31/12/9999") is None
    assert import_parse.parse_date("01/01/0001") is None
    assert import_parse.parse_date("01/09/2025") == date(2025, 9, 1)
    assert admin.get(f"/schools/{world.a1.id}/audit?until=9999-12-31").status_code == 200


def test_a_pupil_form_token_with_non_ascii_characters_is_refused(app):
    """hmac.compare_digest raised TypeError on a non-ASCII str: a 500 for any pupil post."""
    assert form_token_ok("secret", "participant", "é" * 32) is False
    assert form_token_ok("secret", "participant", "\udc80") is False
    assert form_token_ok("secret", "participant", form_token("secret", "participant"))


def test_a_case_number_in_superscript_digits_is_refused(app, signed_in, world):
    """ "²".isdigit() is true but int("²") fails: the rehearsal start form gave a 500."""
    dsl, csrf = signed_in("dsl")
    fields = {"solo-difficulty": "foundation", "solo-seed": "²"}
    response = post(dsl, "/rehearse/start", fields, csrf)
    assert response.status_code == 200
    assert "Enter the scenario number as a whole number" in response.get_data(as_text=True)


def test_a_two_factor_code_in_other_digits_is_wrong_not_a_server_error(app, world):
    """Arabic-Indic digits passed str.isdigit() and crashed hmac.compare_digest."""
    assert totp.matching_step("JBSWY3DPEHPK3PXP", "١٢٣٤٥٦") is None
    client = app.test_client()
    fields = {"email": world.users["dsl"].email, "password": PASSWORD}
    assert post(client, "/sign-in", fields, token(client, "/sign-in")).status_code == 302
    response = post(client, "/sign-in/code", {"code": "١٢٣٤٥٦"}, token(client, "/sign-in/code"))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Enter the code as 6 numbers" in body or "That code is not right" in body
