"""The demo's faces and histories: experience and education for some cast members, and a
generated portrait for a few (drawn here with Pillow: nothing is downloaded), each through the
same services a member uses. Members who already have them keep theirs."""

from __future__ import annotations

import hashlib
import io

from PIL import Image, ImageDraw

from mutuals.accounts.history import history_add, history_entries
from mutuals.accounts.models import User
from mutuals.accounts.photos import photo_set
from mutuals.site import demo_cast

PORTRAIT_SIDE = 480
# Background and clothing pairs, and skin tones, picked per member from their key.
_PALETTES = (
    ((38, 84, 124), (239, 71, 111)),
    ((6, 95, 70), (255, 209, 102)),
    ((72, 52, 122), (17, 138, 178)),
    ((120, 60, 40), (240, 240, 235)),
    ((30, 30, 46), (230, 126, 34)),
)
_SKIN = ((141, 85, 36), (198, 134, 66), (224, 172, 105), (241, 194, 125), (92, 58, 33))


def portrait(key: str) -> bytes:
    """A head-and-shoulders silhouette on a soft gradient, the same for a key every time."""
    digest = hashlib.sha256(key.encode()).digest()
    background, clothes = _PALETTES[digest[0] % len(_PALETTES)]
    skin = _SKIN[digest[1] % len(_SKIN)]
    side = PORTRAIT_SIDE
    image = Image.new("RGB", (side, side), background)
    draw = ImageDraw.Draw(image)
    for y in range(side):
        shade = tuple(min(255, c + y * 60 // side) for c in background)
        draw.line([(0, y), (side, y)], fill=shade)
    offset = digest[2] % 40 - 20
    draw.ellipse((90 + offset, 300, 390 + offset, 620), fill=clothes)
    draw.ellipse((165 + offset, 110, 315 + offset, 290), fill=skin)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def demo_faces_seed(members: dict[str, User]) -> int:
    """Give the cast's histories and portraits to the members who have none yet; returns how
    many entries and photos were added."""
    added = 0
    for key, positions in demo_cast.EXPERIENCE.items():
        member = members[key]
        if history_entries(member, "experience"):
            continue
        for organisation, role, start, end in reversed(positions):
            history_add(
                user=member,
                kind="experience",
                organisation=organisation,
                role=role,
                start=start,
                end=end,
            )
            added += 1
    for key, schools in demo_cast.EDUCATION.items():
        member = members[key]
        if history_entries(member, "education"):
            continue
        for school, degree, field_of_study, start, end in reversed(schools):
            history_add(
                user=member,
                kind="education",
                school=school,
                degree=degree,
                field_of_study=field_of_study,
                start=start,
                end=end,
            )
            added += 1
    for key in demo_cast.PORTRAITS:
        member = members[key]
        if not member.photo_key:
            photo_set(user=member, stream=io.BytesIO(portrait(key)), size=None)
            added += 1
    return added
