"""A school's logo for its certificates: uploaded by a school admin, checked, stored re-encoded.

Only PNG and JPEG files are accepted, up to MAX_BYTES, and only if they really decode as the
image they claim to be (not just by name or content type). The stored copy is re-encoded as
PNG at most MAX_SIDE pixels on its longest side: that drops any metadata (a photo's EXIF
location) and anything hidden after the image data, and keeps certificates small.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, UnidentifiedImageError
from sqlalchemy import ForeignKey, Integer, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column

from training_app.audit.services import record_event
from training_app.auth.models import User
from training_app.extensions import db
from training_app.models_common import UTCDateTime, utcnow

MAX_BYTES = 500 * 1024
MAX_SIDE = 600
# Larger images are refused before decoding them fully (a small file can claim huge sizes).
MAX_PIXELS = 4000 * 4000
ACCEPTED = {"PNG": "PNG", "JPEG": "JPEG"}


class SchoolLogo(db.Model):  # type: ignore[name-defined]
    """The logo printed on a school's certificates (one per school, replaced on upload)."""

    __tablename__ = "school_logos"

    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), primary_key=True)
    png: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class LogoError(ValueError):
    """Why an uploaded file cannot be the school's logo (shown to the admin as it is)."""


@dataclass(frozen=True)
class CheckedLogo:
    """An uploaded logo that passed the checks, re-encoded as PNG."""

    png: bytes
    width: int
    height: int


def check_logo(data: bytes) -> CheckedLogo:
    """Check an upload is a real PNG or JPEG within the limits; return it re-encoded as PNG."""
    if not data:
        raise LogoError("The file is empty. Choose a PNG or JPEG image.")
    if len(data) > MAX_BYTES:
        raise LogoError(f"The file is larger than {MAX_BYTES // 1024} KB. Choose a smaller image.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if kind not in ACCEPTED:
                raise LogoError("The file must be a PNG or JPEG image.")
            if probe.width * probe.height > MAX_PIXELS:
                raise LogoError("The image is too large. Use one under 4000 by 4000 pixels.")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            # Keep transparency (an alpha band, or a palette's transparent colour).
            clear = "A" in image.getbands() or "transparency" in image.info
            picture = image.convert("RGBA" if clear else "RGB")
    except LogoError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise LogoError("The file must be a PNG or JPEG image.") from error
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return CheckedLogo(png=out.getvalue(), width=picture.width, height=picture.height)


def school_logo(school_id: int) -> SchoolLogo | None:
    """The school's logo, if it has one."""
    return db.session.get(SchoolLogo, school_id)


def save_logo(school_id: int, actor: User, logo: CheckedLogo, ip_address: str | None) -> None:
    """Store (or replace) the school's logo, audited."""
    row = school_logo(school_id)
    replaced = row is not None
    if row is None:
        row = SchoolLogo(school_id=school_id)
        db.session.add(row)
    row.png, row.width, row.height = logo.png, logo.width, logo.height
    row.uploaded_at, row.uploaded_by_id = utcnow(), actor.id
    record_event(
        "school.logo_replaced" if replaced else "school.logo_added",
        actor=actor,
        school_id=school_id,
        target=("school", school_id),
        summary=f"Certificate logo {'replaced' if replaced else 'added'} "
        f"({logo.width} x {logo.height} pixels)",
        ip_address=ip_address,
    )
    db.session.commit()


def remove_logo(school_id: int, actor: User, ip_address: str | None) -> bool:
    """Take the school's logo off its certificates, audited; False if there was none."""
    row = school_logo(school_id)
    if row is None:
        return False
    db.session.delete(row)
    record_event(
        "school.logo_removed",
        actor=actor,
        school_id=school_id,
        target=("school", school_id),
        summary="Certificate logo removed",
        ip_address=ip_address,
    )
    db.session.commit()
    return True
