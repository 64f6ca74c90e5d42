"""Head-posture photos: upload (bounded, verified with Pillow), mark tragus and C7, store the CVA.

Photos are health data: every read and write goes through `client_for` and is audited,
exactly like the rest of the record; the bytes never leave the database except through
the authorised page route. The angle itself is scored by the assessment battery (the
`cva` test with tragus/C7 points), so norms and change thresholds stay in one place.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select

from upperback.errors import InvalidInput, NotFound
from upperback.model.assessment import AssessmentIn, TestResult
from upperback.services.access import Actor, audit, client_for, require_clinician
from upperback.services.assessment import AssessmentOutcome, record_assessment
from upperback.services.database import Database
from upperback.store.tables import PosturePhotoRow

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 50 MP phone photo is refused; Pillow's bomb check is 89 MP
MIN_SIDE = 200
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True)
class PhotoView:
    id: int
    client_id: int
    taken: dt.date
    width: int
    height: int
    media_type: str
    tragus: tuple[float, float] | None
    c7: tuple[float, float] | None
    cva_deg: float | None
    assessment_id: int | None


def _view(r: PosturePhotoRow) -> PhotoView:
    tragus = (r.tragus_x, r.tragus_y) if r.tragus_x is not None and r.tragus_y is not None else None
    c7 = (r.c7_x, r.c7_y) if r.c7_x is not None and r.c7_y is not None else None
    return PhotoView(
        r.id,
        r.client_id,
        r.taken,
        r.width,
        r.height,
        r.media_type,
        tragus,
        c7,
        r.cva_deg,
        r.assessment_id,
    )


def inspect_image(data: bytes) -> tuple[str, int, int]:
    """Media type and size of a real photo, or one InvalidInput line naming the problem."""
    if not data:
        raise InvalidInput("photo: choose a side photo to upload")
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            f"photo: {len(data) / 1e6:.1f} MB is too large; at most {MAX_BYTES // (1024 * 1024)} MB"
        )
    try:
        with Image.open(io.BytesIO(data)) as im:
            fmt, (w, h) = im.format or "", im.size
            if w * h > MAX_PIXELS:
                raise InvalidInput(f"photo: {w} x {h} pixels is too large; at most 40 megapixels")
            im.verify()
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidInput("photo: the file is not a readable JPEG, PNG or WebP image") from None
    if fmt not in FORMATS:
        raise InvalidInput(f"photo: {fmt or 'this'} format is not accepted; use JPEG, PNG or WebP")
    if min(w, h) < MIN_SIDE:
        raise InvalidInput(
            f"photo: {w} x {h} pixels is too small to mark; at least {MIN_SIDE} px a side"
        )
    return FORMATS[fmt], w, h


def upload_photo(
    db: Database, actor: Actor, client_id: int, data: bytes, *, taken: dt.date
) -> PhotoView:
    """Keep a verified side photo with the client's record (nothing stored if it is refused)."""
    clinician_id = require_clinician(actor, "upload a posture photo")
    media, w, h = inspect_image(data)
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        row = PosturePhotoRow(
            client_id=client_id,
            clinician_id=clinician_id,
            taken=taken,
            media_type=media,
            width=w,
            height=h,
            content=data,
        )
        s.add(row)
        s.flush()
        audit(s, actor, "photo.upload", client_id)
        view = _view(row)
        uow.commit()
        return view


def list_photos(db: Database, actor: Actor, client_id: int) -> list[PhotoView]:
    with db.uow() as uow:
        s = uow.session
        client_for(s, actor, client_id)
        rows = s.scalars(
            select(PosturePhotoRow)
            .where(PosturePhotoRow.client_id == client_id)
            .order_by(PosturePhotoRow.id.desc())
            .limit(50)
        )
        return [_view(r) for r in rows]


def get_photo(db: Database, actor: Actor, client_id: int, photo_id: int) -> PhotoView:
    with db.uow() as uow:
        s = uow.session
        client_for(s, actor, client_id)
        row = s.get(PosturePhotoRow, photo_id)
        if row is None or row.client_id != client_id:
            raise NotFound(f"photo {photo_id} not found")
        return _view(row)


def photo_bytes(db: Database, actor: Actor, client_id: int, photo_id: int) -> tuple[str, bytes]:
    """The image itself, for the authorised page route only; each read is audited."""
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        row = s.get(PosturePhotoRow, photo_id)
        if row is None or row.client_id != client_id:
            raise NotFound(f"photo {photo_id} not found")
        audit(s, actor, "photo.read", client_id)
        media, data = row.media_type, bytes(row.content)
        uow.commit()
        return media, data


def _point(p: tuple[float, float], w: int, h: int, name: str) -> tuple[float, float]:
    x, y = p
    if not (0 <= x <= w and 0 <= y <= h):
        raise InvalidInput(f"{name}: the point ({x:.0f}, {y:.0f}) lies outside the {w} x {h} photo")
    return x, y


def mark_photo(
    db: Database,
    actor: Actor,
    client_id: int,
    photo_id: int,
    *,
    tragus_px: tuple[float, float],
    c7_px: tuple[float, float],
    tester: str,
    day: dt.date,
) -> tuple[PhotoView, AssessmentOutcome]:
    """Score the CVA from the marked points (pixels, y down) and keep it with an assessment.

    The assessment stores the points themselves (flipped to y up), so the angle can be
    recomputed from the record; the photo row then keeps the points, angle and link.
    """
    require_clinician(actor, "mark a posture photo")
    photo = get_photo(db, actor, client_id, photo_id)
    tx, ty = _point(tragus_px, photo.width, photo.height, "tragus")
    cx, cy = _point(c7_px, photo.width, photo.height, "c7")
    doc = AssessmentIn(
        date=day,
        tester=tester,
        results=[
            TestResult(
                test_id="cva",
                tragus=(tx, photo.height - ty),
                c7=(cx, photo.height - cy),
                note=f"marked on posture photo {photo_id}",
            )
        ],
    )
    outcome = record_assessment(db, actor, client_id, doc)
    angle = outcome.scored.results[0].score
    with db.uow(write=True) as uow:
        s = uow.session
        client_for(s, actor, client_id)
        row = s.get(PosturePhotoRow, photo_id)
        if row is None or row.client_id != client_id:
            raise NotFound(f"photo {photo_id} not found")
        row.tragus_x, row.tragus_y, row.c7_x, row.c7_y = tx, ty, cx, cy
        row.cva_deg = angle
        row.assessment_id = outcome.assessment_id
        audit(s, actor, "photo.mark", client_id)
        view = _view(row)
        uow.commit()
    return view, outcome
