"""Certificates worth keeping: landscape, the school's name and logo, what the module covers,
CPD time, the guidance edition, a signature line and the verification QR; and the logo upload,
which accepts only real PNG or JPEG files within the size limit.

The PDF is rendered to PNG with poppler's pdftoppm (what a printer driver would draw) and its
fields are checked by poppler's text extraction.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.test import EnvironBuilder

from tests.conftest import csrf_from
from tests.helpers.compliance import add_completion
from tests.screens import screens_dir
from training_app.audit.models import AuditEvent
from training_app.compliance.logos import MAX_BYTES, SchoolLogo, check_logo
from training_app.config import PROJECT_ROOT
from training_app.content.loader import load_library
from training_app.extensions import db
from training_app.learning.models import Attempt, Completion
from training_app.rules import DEFAULT_PROTOCOL
from training_app.rules.protocol import protocol_to_dict

SCREENS = screens_dir("ui21b")
POPPLER = shutil.which("pdftoppm") and shutil.which("pdftotext")
needs_poppler = pytest.mark.skipif(
    not POPPLER,
    reason="poppler-utils missing: `make test` installs it (apt-get install poppler-utils)",
)
LOGO_RED = (200, 16, 46)
MODULE = load_library(PROJECT_ROOT / "scenarios", PROJECT_ROOT / "quizzes").module(
    "first-responder"
)


def image_bytes(kind: str, size: tuple[int, int] = (240, 120), **save: object) -> bytes:
    """A solid red test image in the given format."""
    out = io.BytesIO()
    Image.new("RGB", size, LOGO_RED).save(out, format=kind, **save)
    return out.getvalue()


def upload(client, school_id: int, data: bytes, filename: str):
    """Send a file to the logo form as a browser would."""
    url = f"/schools/{school_id}/certificate-logo"
    # The builder spools a large body to a temporary file: close it when done.
    builder = EnvironBuilder(
        path=url,
        method="POST",
        data={"csrf_token": csrf_from(client, url), "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def completion_with_attempt(app, user, module_id: str) -> Completion:
    """A quiz completion whose attempt followed the default protocol (its edition known)."""
    record = add_completion(app, user, module_id, days_ago=2, score=88)
    with app.app_context():
        attempt = Attempt(
            user_id=user.id,
            school_id=user.school_id,
            module_id=module_id,
            content_version="test",
            protocol=protocol_to_dict(DEFAULT_PROTOCOL),
            status="finished",
        )
        db.session.add(attempt)
        db.session.flush()
        # Completions are append-only: link by adding the record again, not by updating it.
        linked = Completion(
            user_id=record.user_id,
            school_id=record.school_id,
            module_id=module_id,
            content_version="test",
            score=88,
            completed_at=record.completed_at,
            expires_at=record.expires_at,
            source="quiz",
            attempt_id=attempt.id,
        )
        db.session.add(linked)
        db.session.commit()
        db.session.refresh(linked)
        db.session.expunge(linked)
        return linked


@needs_poppler
def test_certificate_pdf_renders_landscape_with_every_field(app, login_as, world, tmp_path):
    staff = world.users["staff"]
    assert (
        upload(login_as("school_admin"), world.a1.id, image_bytes("PNG"), "crest.png").status_code
        == 303
    )
    record = completion_with_attempt(app, staff, "first-responder")
    module = MODULE

    response = login_as("staff").get(f"/training-records/{record.id}/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(response.data)

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    with Image.open(tmp_path / "page.png") as page:
        width, height = page.size
        assert width > height, "the certificate is landscape"
        rgb = page.convert("RGB")
        # The logo is drawn in the top-left corner; the QR code in the bottom-right one.
        top_left = rgb.crop((0, 0, width // 4, height // 4))
        red = [p for p in top_left.get_flattened_data() if p[0] > 160 and max(p[1], p[2]) < 90]
        assert len(red) > 200
        bottom_right = rgb.crop((width * 3 // 4, height * 2 // 3, width, height))
        assert sum(1 for p in bottom_right.get_flattened_data() if p == (0, 0, 0)) > 200
    if SCREENS is not None:
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "110",
                "-singlefile",
                str(pdf),
                str(SCREENS / "certificate-pdf"),
            ],
            check=True,
        )

    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    expected = [
        world.a1.name,
        "Certificate of completion",
        staff.name,
        module.title,
        "What this module covers",
        " ".join(module.outcomes[0].split()[:5]),
        "CPD time",
        f"{module.estimated_minutes} minutes",
        "Quiz score",
        "88%",
        "Valid until",
        "Guidance followed",
        "policy based on the 2016 national advice",
        "Signed for the school (name and role)",
        "Verification code",
        record.verification_code,
        f"/verify/{record.verification_code}",
    ]
    for field in expected:
        assert field in flat, field
    # Not a justified title spread across the page: the heading is one run of words.
    assert "Certificate of completion" in text.replace("  ", "\n")


def test_logo_upload_accepts_real_png_and_jpeg_only(app, login_as, world):
    school = world.a1.id
    admin = login_as("school_admin")
    refused = {
        "a text file named .png": (b"not an image at all", "logo.png"),
        "a GIF": (image_bytes("GIF"), "logo.gif"),
        "a PNG over the limit": (image_bytes("PNG") + b"\0" * MAX_BYTES, "big.png"),
        "an empty file": (b"", "empty.png"),
    }
    for what, (data, name) in refused.items():
        response = upload(admin, school, data, name)
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "There is a problem" in page, what
    with app.app_context():
        assert db.session.get(SchoolLogo, school) is None

    # A JPEG is kept re-encoded as PNG, shrunk to the size certificates need.
    jpeg = image_bytes("JPEG", size=(1600, 800), quality=90)
    assert upload(admin, school, jpeg, "crest.jpg").status_code == 303
    with app.app_context():
        logo = db.session.get(SchoolLogo, school)
        assert logo is not None and logo.png.startswith(b"\x89PNG")
        assert (logo.width, logo.height) == (600, 300)
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert "school.logo_added" in actions
    image = admin.get(f"/schools/{school}/certificate-logo.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    page = admin.get(f"/schools/{school}/certificate-logo").get_data(as_text=True)
    assert "The logo now" in page and "Remove the logo" in page


def test_only_school_admins_change_the_logo(login_as, world):
    url = f"/schools/{world.a1.id}/certificate-logo"
    for role in ("staff", "dsl"):
        assert login_as(role).get(url).status_code in (403, 404), role
    # Another school's admin cannot see this school's logo either.
    assert (
        login_as("school_admin").get(f"/schools/{world.a1.id}/certificate-logo").status_code == 200
    )


def test_certificate_page_shows_outcomes_cpd_time_and_signature_line(app, login_as, world):
    staff = world.users["staff"]
    record = completion_with_attempt(app, staff, "first-responder")
    page = (
        login_as("staff").get(f"/training-records/{record.id}/certificate").get_data(as_text=True)
    )
    module = MODULE
    assert world.a1.name in page and module.outcomes[0] in page.replace("&#39;", "'")
    assert f"{module.estimated_minutes} minutes" in page
    assert "policy based on the 2016 national advice" in page and "Signed for the school" in page
    assert 'style="' not in page


def test_a_transparent_logo_stays_transparent_and_loses_its_metadata():
    palette = Image.new("P", (50, 50), 0)
    palette.putpalette([0, 0, 0, 200, 16, 46])
    out = io.BytesIO()
    palette.save(out, format="PNG", transparency=0)
    with Image.open(io.BytesIO(check_logo(out.getvalue()).png)) as stored:
        assert stored.mode == "RGBA" and stored.getpixel((0, 0))[3] == 0
    photo = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "taken at home"  # ImageDescription
    Image.new("RGB", (40, 40), LOGO_RED).save(photo, format="JPEG", exif=exif)
    stored_png = check_logo(photo.getvalue()).png
    assert b"taken at home" not in stored_png and stored_png.startswith(b"\x89PNG")


def test_a_school_admin_finds_the_logo_page_from_their_home(login_as, world):
    home = login_as("school_admin").get("/").get_data(as_text=True)
    assert f'href="/schools/{world.a1.id}/certificate-logo"' in home
    assert "certificate-logo" not in login_as("staff").get("/").get_data(as_text=True)
