"""Practice branding: the owner's logo (by content, size) and accent colour (WCAG AA), served
per practice with caching headers, and used by the portal, the invitation page and emails."""

import io

import pytest
from PIL import Image

from coachhub.models import StoredFile
from coachhub.services import ServiceError
from coachhub.services.branding import check_accent, check_logo, contrast


def _image(kind="PNG", size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (31, 79, 168)).save(out, kind)
    return out.getvalue()


def _post(c, data):
    return c.post("/p/alpha/coach/settings/branding", data=data, content_type="multipart/form-data")


def test_contrast_is_the_wcag_ratio():
    assert contrast("#000000") == pytest.approx(21)
    assert contrast("#ffffff") == pytest.approx(1)
    assert contrast("#767676") == pytest.approx(4.54, abs=0.01)  # the classic AA grey


def test_a_pale_accent_is_refused_with_its_ratio():
    assert check_accent(" #1F4FA8 ") == "#1f4fa8"
    with pytest.raises(ServiceError, match=r"#ffcc00 reaches 1\.\d:1 against white"):
        check_accent("#ffcc00")
    with pytest.raises(ServiceError, match="as #rrggbb"):
        check_accent("blue")


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "WEBP"])
def test_logo_types_are_read_from_the_content(kind):
    assert check_logo(_image(kind)) == f"image/{kind.lower()}"


def test_a_renamed_file_an_svg_a_huge_or_a_heavy_image_is_refused():
    with pytest.raises(ServiceError, match="PNG, JPEG or WebP"):
        check_logo(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
    with pytest.raises(ServiceError, match="PNG, JPEG or WebP"):
        check_logo(_image("GIF"))
    with pytest.raises(ServiceError, match="2000 on each side"):
        check_logo(_image(size=(2400, 10)))
    with pytest.raises(ServiceError, match="the most is 512 KB"):
        check_logo(_image() + b"\0" * 600_000)


def test_the_owner_sets_a_logo_and_colour_the_portal_shows_them(world, login, db):
    c = login(world.owner_a.user)
    response = _post(c, {"accent_colour": "#1f4fa8", "logo": (io.BytesIO(_image()), "logo.png")})
    assert response.status_code == 302
    db.session.refresh(world.a)
    assert world.a.accent_colour == "#1f4fa8" and world.a.logo_key
    page = c.get("/p/alpha/coach/").get_data(as_text=True)
    logo_url = f"/brand/alpha/logo/{world.a.logo_key}"
    assert logo_url in page and "/brand/alpha/accent-1f4fa8.css" in page

    logo = c.get(logo_url)
    assert logo.status_code == 200 and logo.mimetype == "image/png"
    assert "immutable" in logo.headers["Cache-Control"] and logo.headers["ETag"]
    again = c.get(logo_url, headers={"If-None-Match": logo.headers["ETag"]})
    assert again.status_code == 304
    css = c.get("/brand/alpha/accent-1f4fa8.css")
    assert css.mimetype == "text/css" and "--bs-primary: #1f4fa8" in css.get_data(as_text=True)
    # A member of the practice sees it too, and the client's portal carries it.
    client_page = login(world.client_a1.user).get("/p/alpha/client/").get_data(as_text=True)
    assert logo_url in client_page


def test_a_refused_colour_saves_nothing_and_says_why(world, login, db):
    c = login(world.owner_a.user)
    response = _post(c, {"accent_colour": "#ffcc00", "logo": (io.BytesIO(_image()), "logo.png")})
    assert response.status_code == 200
    assert "reaches 1." in response.get_data(as_text=True)
    db.session.refresh(world.a)
    assert world.a.accent_colour is None and world.a.logo_key is None
    assert db.session.query(StoredFile).count() == 0
    response = _post(c, {"logo": (io.BytesIO(b"not an image"), "logo.png")})
    assert "must be a PNG, JPEG or WebP image" in response.get_data(as_text=True)


def test_branding_urls_are_scoped_to_their_practice(world, login, db):
    c = login(world.owner_a.user)
    _post(c, {"accent_colour": "#1f4fa8", "logo": (io.BytesIO(_image()), "logo.png")})
    db.session.refresh(world.a)
    key = world.a.logo_key
    assert c.get(f"/brand/beta/logo/{key}").status_code == 404  # A's logo under B's slug
    assert c.get("/brand/alpha/logo/" + "0" * 64).status_code == 404
    assert c.get("/brand/beta/accent-1f4fa8.css").status_code == 404
    assert c.get("/brand/alpha/accent-000000.css").status_code == 404
    assert c.get("/brand/nowhere/logo/x").status_code == 404
    # A new logo replaces the old one, whose URL then answers 404.
    _post(c, {"accent_colour": "#1f4fa8", "logo": (io.BytesIO(_image("JPEG")), "logo.jpg")})
    assert c.get(f"/brand/alpha/logo/{key}").status_code == 404
    # Removing it removes its file.
    _post(c, {"accent_colour": "", "remove_logo": "y"})
    db.session.refresh(world.a)
    assert world.a.logo_key is None and world.a.accent_colour is None
    assert db.session.query(StoredFile).count() == 0


def test_only_the_owner_changes_branding(world, login):
    c = login(world.coach_a1.user)
    assert _post(c, {"accent_colour": "#1f4fa8"}).status_code == 403


def test_the_invitation_email_and_page_wear_the_practice_brand(app, world, login, db, outbox):
    from tests.coach.test_invitations import _invite
    from tests.conftest import link_path

    owner = login(world.owner_a.user)
    _post(owner, {"accent_colour": "#1f4fa8", "logo": (io.BytesIO(_image()), "logo.png")})
    db.session.refresh(world.a)
    _invite(owner, "branded@example.test", "coach", world.owner_a.id)
    email = outbox("branded@example.test")[-1]
    assert f"/brand/alpha/logo/{world.a.logo_key}" in email.body_html
    assert "border-top: 4px solid #1f4fa8" in email.body_html
    page = app.test_client().get(link_path(email.body_text, "invitations")).get_data(as_text=True)
    assert "/brand/alpha/accent-1f4fa8.css" in page
    assert f"/brand/alpha/logo/{world.a.logo_key}" in page
