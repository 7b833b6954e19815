"""Contact import: upload → preview (problems, duplicates) → import in one transaction."""

import io
import time

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from coachhub.models import Contact, PendingImport
from coachhub.services import contact_import
from coachhub.services.contact_import import ImportFileError
from tests import factories
from tests.network import sample_files

BASE = "/p/alpha/client"


def _contacts(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Contact))


def _upload(c, source: str, data: bytes, filename: str):
    # Encoded in memory: the test client would spool a large body to a file it leaves open.
    boundary, body = encode_multipart(
        {"source": source, "file": FileStorage(io.BytesIO(data), filename)}
    )
    return c.post(
        f"{BASE}/contacts/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def test_linkedin_export_with_preamble_bom_crlf_and_quoted_commas():
    rows = contact_import.parse("linkedin", sample_files.linkedin_csv(12))
    assert len(rows) == 12
    first = rows[0]
    assert first.line == 5  # three preamble lines and the header come first
    assert first.name == "Zoë Müller 0"
    assert first.company == "Acme, Inc."
    assert first.title == "Engineer" and rows[1].title == "Head of Data, EMEA"
    assert first.profile_url == "https://www.linkedin.com/in/person-0"
    assert first.email == "" and rows[1].email == "person1@example.test"
    assert rows[3].company == 'Umbrella "Labs"'
    assert first.notes == "Connected on LinkedIn 03 Dec 2026"
    assert all(not r.problems() for r in rows)


def test_google_contacts_old_and_new_columns():
    new = contact_import.parse("google", sample_files.google_csv(5))
    assert new[1].name == "José Müller 1" and new[1].email == "person1@example.test"
    assert new[1].company == "Globex" and new[0].notes.startswith("Met at the meetup")
    old = contact_import.parse("google", sample_files.google_csv(5, old=True))
    assert [r.name for r in old] == [r.name for r in new]
    assert old[3].title == "Head of Data, EMEA"


def test_vcard_with_folded_lines_escapes_and_non_ascii():
    rows = contact_import.parse("vcard", sample_files.vcard(4))
    assert [r.name for r in rows][:3] == ["Zoë Müller 0", "José Müller 1", "Łukasz Müller 2"]
    assert rows[0].company == "Acme, Inc."
    assert rows[1].email == "person1@example.test"
    assert rows[0].notes.endswith("roadmap and how we hire")
    lf = contact_import.parse("vcard", sample_files.vcard(2, crlf=False))
    assert [r.name for r in lf] == [r.name for r in rows[:2]]


@pytest.mark.parametrize(
    ("source", "data", "message"),
    [
        ("linkedin", b"", "empty"),
        ("linkedin", b"just,some,columns\n1,2,3\n", "no header row"),
        ("google", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not text"),
        ("vcard", b"First Name,Last Name\nA,B\n", "no BEGIN:VCARD"),
        ("vcard", b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\n", "cannot be read"),
        (
            "linkedin",
            sample_files.LINKEDIN_PREAMBLE.encode() + b"First Name,Last Name\n",
            "no contacts",
        ),
    ],
)
def test_unreadable_files_say_why(source, data, message):
    with pytest.raises(ImportFileError) as error:
        contact_import.parse(source, data)
    assert message in error.value.message


def test_upload_preview_confirm(world, login, db):
    factories.ContactFactory(client=world.client_a1, name="Known", email="PERSON1@example.test")
    factories.ContactFactory(
        client=world.client_a1, name="Known Too", profile_url="http://linkedin.com/in/person-2/"
    )
    # Someone else's contact with the same email is not a duplicate of mine.
    factories.ContactFactory(client=world.client_a2, email="person4@example.test")
    data = sample_files.linkedin_csv(
        6,
        extra_rows=[
            ["Dup", "Ofsix", "https://linkedin.com/in/other", "person5@example.test", "", "", ""],
            ["", "", "", "", "Nameless Co", "", ""],
            ["Bad", "Email", "", "not-an-email", "", "", ""],
        ],
    )
    c = login(world.client_a1.user)
    before = _contacts(db)
    response = _upload(c, "linkedin", data, "Connections.csv")
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    pending = db.session.scalar(select(PendingImport))
    assert response.location.endswith(f"/contacts/import/{pending.id}")
    assert _contacts(db) == before  # nothing yet

    page = c.get(response.location).get_data(as_text=True)
    assert "<strong>4</strong> new contact(s), <strong>3</strong> duplicate(s)" in page
    assert "<strong>2</strong> row(s) with problems" in page
    assert "already a contact: Known" in page and "already a contact: Known Too" in page
    assert "same email as line 10" in page
    assert "no name" in page and "is not an email address" in page

    # Rows with problems stop the import, and say which.
    refused = c.post(f"{BASE}/contacts/import/{pending.id}/confirm", data={})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "2 row(s) have problems (lines 12, 13)" in text and "Nothing was imported" in text
    assert _contacts(db) == before

    done = c.post(f"{BASE}/contacts/import/{pending.id}/confirm", data={"skip_problems": "y"})
    assert done.status_code == 302
    db.session.expire_all()
    assert _contacts(db) == before + 4
    names = set(db.session.scalars(select(Contact.name).where(Contact.how_met == "LinkedIn")))
    assert names == {"Zoë Müller 0", "Siobhán Müller 3", "Mei Müller 4", "Olu Müller 5"}
    assert db.session.scalar(select(PendingImport)) is None
    # Imported contacts are the client's own, and show on the list.
    assert "Olu Müller 5" in c.get(f"{BASE}/contacts").get_data(as_text=True)


@pytest.mark.parametrize(
    ("source", "data", "filename", "message"),
    [
        ("vcard", b"BEGIN:VCARD\r\nEND:VCARD\r\n", "contacts.csv", "That is not a .vcf"),
        ("linkedin", b"First Name\nA\n", "photo.png", "That is not a .csv file"),
        ("google", b"\x00\x01\x02binary", "contacts.csv", "not text"),
        ("linkedin", b"", "Connections.csv", "empty"),
        ("nonsense", b"x", "x.csv", "Not a valid choice"),
    ],
)
def test_bad_uploads_are_refused_clearly(world, login, db, source, data, filename, message):
    c = login(world.client_a1.user)
    response = _upload(c, source, data, filename)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(PendingImport)) is None


def test_no_file_and_a_file_too_big(world, login, db, monkeypatch):
    c = login(world.client_a1.user)
    response = c.post(f"{BASE}/contacts/import", data={"source": "vcard"})
    assert response.status_code == 400 and "Choose a file to import." in response.get_data(
        as_text=True
    )
    monkeypatch.setattr(contact_import, "MAX_BYTES", 2000)
    response = _upload(c, "linkedin", sample_files.linkedin_csv(200), "Connections.csv")
    assert response.status_code == 400
    assert "The file is over" in response.get_data(as_text=True)
    assert db.session.scalar(select(PendingImport)) is None


def test_a_new_upload_replaces_the_pending_one_and_cancel_adds_nothing(world, login, db):
    c = login(world.client_a1.user)
    _upload(c, "vcard", sample_files.vcard(2), "a.vcf")
    response = _upload(c, "vcard", sample_files.vcard(3), "b.vcf")
    pending = db.session.scalars(select(PendingImport)).all()
    assert [p.filename for p in pending] == ["b.vcf"]
    before = _contacts(db)
    assert c.post(f"{BASE}/contacts/import/{pending[0].id}/cancel", data={}).status_code == 302
    assert db.session.scalar(select(PendingImport)) is None and _contacts(db) == before
    assert c.get(response.location).status_code == 404


def test_another_clients_pending_import_is_out_of_reach(world, login, db):
    theirs = factories.PendingImportFactory(client=world.client_a2)
    c = login(world.client_a1.user)
    assert c.get(f"{BASE}/contacts/import/{theirs.id}").status_code == 404
    assert c.post(f"{BASE}/contacts/import/{theirs.id}/confirm", data={}).status_code == 404
    assert _contacts(db) == 0 or not db.session.scalar(
        select(Contact).where(Contact.name == "Ada Import")
    )


@pytest.mark.parametrize(
    ("source", "make", "filename"),
    [
        ("linkedin", sample_files.linkedin_csv, "Connections.csv"),
        ("google", sample_files.google_csv, "contacts.csv"),
        ("vcard", sample_files.vcard, "contacts.vcf"),
    ],
)
def test_five_thousand_rows_import_in_under_ten_seconds(
    world, login, db, count_queries, source, make, filename
):
    c = login(world.client_a1.user)
    data = make(5000)
    started = time.perf_counter()
    response = _upload(c, source, data, filename)
    assert response.status_code == 302
    preview = c.get(response.location)
    assert "<strong>5000</strong> new contact(s)" in preview.get_data(as_text=True)
    import_id = response.location.rsplit("/", 1)[1]
    with count_queries() as counter:
        done = c.post(f"{BASE}/contacts/import/{import_id}/confirm", data={})
    elapsed = time.perf_counter() - started
    assert done.status_code == 302
    assert _contacts(db) == 5000
    print(f"\n5,000-row {source} import (upload + preview + confirm): {elapsed:.2f} s")
    assert elapsed < 10
    # One bulk insert, not one statement per row.
    assert counter.count < 20


def test_a_row_number_is_its_line_in_the_file_even_after_multiline_notes():
    rows = contact_import.parse("google", sample_files.google_csv(3))
    # The header is line 1; each row's notes take two lines.
    assert [r.line for r in rows] == [2, 4, 6]


def test_an_export_larger_than_an_ordinary_form_is_accepted(world, login, db):
    """9,000 connections are about 1.3 MB: over the 1 MB of other forms, under the import's 4."""
    data = sample_files.linkedin_csv(9000)
    assert len(data) > 1024 * 1024
    response = _upload(login(world.client_a1.user), "linkedin", data, "Connections.csv")
    assert response.status_code == 302
    assert len(db.session.scalar(select(PendingImport)).rows) == 9000


def test_other_forms_keep_the_ordinary_limit(world, login, db):
    c = login(world.client_a1.user)
    contact = factories.ContactFactory(client=world.client_a1)
    response = c.post(
        f"{BASE}/contacts/{contact.id}/touch", data={"kind": "email", "note": "x" * 1_100_000}
    )
    assert response.status_code == 413
