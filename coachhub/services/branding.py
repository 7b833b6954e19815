"""Practice branding: a logo (checked by its content) and an accent colour (checked for contrast).

The accent colour fills the primary buttons (white text on it) and colours links on the light
background, so it must reach WCAG AA's 4.5:1 against white; a paler colour is refused with the
ratio it reached. Logos are PNG, JPEG or WebP up to MAX_LOGO_BYTES and MAX_LOGO_SIDE pixels, as
Pillow reads the bytes (a renamed file or an SVG with script in it is refused).
"""

import io
import re
import warnings

from PIL import Image, UnidentifiedImageError

from coachhub.models import Membership, Practice
from coachhub.services import ServiceError
from coachhub.services.audit import record
from coachhub.storage import FileStore

MAX_LOGO_BYTES = 512 * 1024
MAX_LOGO_SIDE = 2000
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
AA_CONTRAST = 4.5
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of #rrggbb."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(colour: str, other: str = "#ffffff") -> float:
    """The WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    a, b = sorted((luminance(colour), luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def check_accent(colour: str) -> str:
    """The colour as #rrggbb (lower case) if it is one and reaches AA against white."""
    colour = colour.strip()
    if not HEX_COLOUR.match(colour):
        raise ServiceError("Enter the colour as #rrggbb, for example #1f4fa8.", "accent_colour")
    ratio = contrast(colour)
    if ratio < AA_CONTRAST:
        raise ServiceError(
            f"{colour} reaches {ratio:.1f}:1 against white; buttons and links need at least "
            f"{AA_CONTRAST}:1 (WCAG AA). Choose a darker colour.",
            "accent_colour",
        )
    return colour.lower()


def _shade(colour: str, factor: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c * factor):02x}" for c in (r, g, b))


def accent_stylesheet(colour: str) -> str:
    """Bootstrap's primary colour replaced by the accent: buttons (white text on it, in both
    colour modes) and, on the light background, links and primary text."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    hover, active = _shade(colour, 0.85), _shade(colour, 0.75)
    ratio = f"{contrast(colour):.1f}:1"
    return f"""/* The practice's accent colour ({colour}, {ratio} against white). */
:root {{ --bs-primary: {colour}; --bs-primary-rgb: {r}, {g}, {b}; }}
[data-bs-theme="light"] {{
  --bs-link-color: {colour}; --bs-link-color-rgb: {r}, {g}, {b};
  --bs-link-hover-color: {hover}; --bs-link-hover-color-rgb: {r}, {g}, {b};
}}
.btn-primary {{
  --bs-btn-bg: {colour}; --bs-btn-border-color: {colour};
  --bs-btn-hover-bg: {hover}; --bs-btn-hover-border-color: {hover};
  --bs-btn-active-bg: {active}; --bs-btn-active-border-color: {active};
  --bs-btn-disabled-bg: {colour}; --bs-btn-disabled-border-color: {colour};
}}
[data-bs-theme="light"] .btn-outline-primary {{
  --bs-btn-color: {colour}; --bs-btn-border-color: {colour};
  --bs-btn-hover-bg: {colour}; --bs-btn-hover-border-color: {colour};
  --bs-btn-active-bg: {active}; --bs-btn-active-border-color: {active};
}}
.app-brand-accent {{ border-top: 4px solid {colour}; }}
"""


def email_brand(practice: Practice | None) -> dict | None:
    """What an email's header shows of the practice: name, logo URL (absolute), accent."""
    if practice is None:
        return None
    from coachhub.urls import external_url

    logo_url = (
        external_url("public.practice_logo", practice_slug=practice.slug, key=practice.logo_key)
        if practice.logo_key
        else None
    )
    return {"name": practice.name, "logo_url": logo_url, "accent": practice.accent_colour}


def check_logo(data: bytes) -> str:
    """The logo's content type, read from its bytes; ServiceError when it is not a small image."""
    if not data:
        raise ServiceError("Choose an image file.", "logo")
    if len(data) > MAX_LOGO_BYTES:
        raise ServiceError(
            f"The logo is {len(data) // 1024} KB; the most is {MAX_LOGO_BYTES // 1024} KB.", "logo"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind, (width, height) = image.format, image.size
                image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ServiceError("The logo must be a PNG, JPEG or WebP image.", "logo") from None
    except (OSError, SyntaxError, ValueError):
        raise ServiceError("The logo file is damaged; export it again.", "logo") from None
    if kind not in LOGO_TYPES:
        raise ServiceError("The logo must be a PNG, JPEG or WebP image.", "logo")
    if max(width, height) > MAX_LOGO_SIDE:
        raise ServiceError(
            f"The logo is {width}×{height} pixels; the most is {MAX_LOGO_SIDE} on each side.",
            "logo",
        )
    return LOGO_TYPES[kind]


def set_branding(
    practice: Practice,
    actor: Membership,
    store: FileStore,
    accent_colour: str | None,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> None:
    """Check everything first, then change the practice: a refused logo saves no colour."""
    accent = check_accent(accent_colour) if accent_colour else None
    content_type = check_logo(logo) if logo else None
    practice.accent_colour = accent
    old_key = practice.logo_key
    if logo:
        practice.logo_key = store.put(practice, logo, content_type)
    elif remove_logo:
        practice.logo_key = None
    if old_key and old_key != practice.logo_key:
        store.delete(practice, old_key)
    record(
        practice,
        actor.user,
        "practice.branding_changed",
        practice,
        accent_colour=accent or "",
        logo="new" if logo else ("removed" if remove_logo else "kept"),
    )
