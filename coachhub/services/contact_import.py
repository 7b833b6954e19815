"""Contact import: LinkedIn's data export (Connections.csv), Google Contacts CSV and vCard.

Upload → preview → import. `parse` reads a file into rows (each with its line or card
number and its problems); `stage` checks them against the client's contacts and each other
(duplicates by email or profile URL) and keeps them in a `PendingImport` row; `confirm`
adds the new contacts in one bulk insert, in the caller's transaction. A file that cannot be
read raises `ImportFileError` and changes nothing.
"""

import csv
import io
import re
from dataclasses import dataclass

import vobject
from sqlalchemy import delete, insert, select

from coachhub.extensions import db
from coachhub.models import Contact, Membership, PendingImport, Practice, utcnow
from coachhub.services import ServiceError
from coachhub.services.audit import record
from coachhub.services.contacts import require_client

SOURCES = ("linkedin", "google", "vcard")
MAX_BYTES = 4 * 1024 * 1024
MAX_ROWS = 10_000
LIMITS = {"name": 120, "company": 120, "title": 120, "email": 254, "profile_url": 500}
NOTES_MAX = 2000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ImportFileError(ServiceError):
    """The file as a whole cannot be read (wrong type, no header, too big)."""


@dataclass
class Row:
    line: int
    name: str = ""
    company: str = ""
    title: str = ""
    email: str = ""
    profile_url: str = ""
    notes: str = ""

    def problems(self) -> list[str]:
        found = []
        if not self.name:
            found.append("no name")
        for field, limit in LIMITS.items():
            if len(getattr(self, field)) > limit:
                found.append(f"{field.replace('_', ' ')} over {limit} characters")
        if self.email and not EMAIL.match(self.email):
            found.append(f"email “{self.email[:60]}” is not an email address")
        if self.profile_url and not self.profile_url.lower().startswith(("http://", "https://")):
            found.append("profile URL is not a web address")
        return found


def _text(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ImportFileError("That file is not text: export it as CSV or vCard and try again.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise ImportFileError("The file is not UTF-8 text; save it as UTF-8.") from error


def _clean(value) -> str:
    return " ".join(str(value or "").split())


def _csv_rows(text: str, header_starts: tuple[str, ...]) -> list[tuple[int, dict]]:
    """The CSV's rows as (line number in the file, dict), after any preamble (LinkedIn puts
    "Notes:" lines first). A quoted value may span lines: a row's number is its first line."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines[:50]):
        if line.lstrip("\ufeff").lower().startswith(header_starts):
            reader = csv.DictReader(io.StringIO("".join(lines[index:])))
            rows, end = [], 1
            try:
                for record in reader:
                    rows.append((index + end + 1, record))
                    end = reader.line_num
            except csv.Error as error:
                raise ImportFileError(
                    f"The CSV cannot be read near line {index + reader.line_num}: {error}."
                ) from error
            return rows
    raise ImportFileError(
        "This does not look like that export: no header row with the expected columns "
        f"(“{header_starts[0]}…”) in the first 50 lines."
    )


def _field(record: dict, *names: str) -> str:
    for name in names:
        value = _clean(record.get(name))
        if value:
            return value
    return ""


def parse_linkedin(text: str) -> list[Row]:
    rows = []
    for line, r in _csv_rows(text, ("first name,",)):
        rows.append(
            Row(
                line=line,
                name=_clean(f"{_field(r, 'First Name')} {_field(r, 'Last Name')}"),
                company=_field(r, "Company"),
                title=_field(r, "Position"),
                email=_field(r, "Email Address"),
                profile_url=_field(r, "URL"),
                notes=f"Connected on LinkedIn {_field(r, 'Connected On')}".strip()
                if _field(r, "Connected On")
                else "",
            )
        )
    return rows


def parse_google(text: str) -> list[Row]:
    """Google Contacts' CSV, in its older ("Name, Given Name …") and newer ("First Name,
    Middle Name …") column sets."""
    rows = []
    for line, r in _csv_rows(text, ("name,", "first name,")):
        name = _field(r, "Name") or _clean(
            " ".join(
                _field(r, a, b)
                for a, b in (
                    ("First Name", "Given Name"),
                    ("Middle Name", "Additional Name"),
                    ("Last Name", "Family Name"),
                )
            )
        )
        rows.append(
            Row(
                line=line,
                name=name,
                company=_field(r, "Organization Name", "Organization 1 - Name"),
                title=_field(r, "Organization Title", "Organization 1 - Title"),
                email=_field(r, "E-mail 1 - Value").split(" ::: ")[0].strip(),
                profile_url=_field(r, "Website 1 - Value").split(" ::: ")[0].strip(),
                notes=_field(r, "Notes")[:NOTES_MAX],
            )
        )
    return rows


def _vcard_value(card, name: str) -> str:
    child = getattr(card, name, None)
    if child is None:
        return ""
    value = child.value
    if isinstance(value, list):  # ORG: [organisation, unit, …]
        value = value[0] if value else ""
    return _clean(value)


def parse_vcard(text: str) -> list[Row]:
    if "BEGIN:VCARD" not in text.upper():
        raise ImportFileError("This is not a vCard file: it has no BEGIN:VCARD.")
    rows = []
    try:
        for number, card in enumerate(vobject.readComponents(text, ignoreUnreadable=True), 1):
            if card.name != "VCARD":
                continue
            name = _vcard_value(card, "fn")
            if not name and getattr(card, "n", None) is not None:
                n = card.n.value
                name = _clean(f"{n.given} {n.family}")
            rows.append(
                Row(
                    line=number,
                    name=name,
                    company=_vcard_value(card, "org"),
                    title=_vcard_value(card, "title"),
                    email=_vcard_value(card, "email"),
                    profile_url=_vcard_value(card, "url"),
                    notes=_vcard_value(card, "note")[:NOTES_MAX],
                )
            )
    except Exception as error:  # vobject raises its own ParseError and friends
        raise ImportFileError(
            f"The vCard file cannot be read (card {len(rows) + 1}): {str(error)[:200]}"
        ) from error
    return rows


PARSERS = {"linkedin": parse_linkedin, "google": parse_google, "vcard": parse_vcard}


def parse(source: str, data: bytes) -> list[Row]:
    if source not in PARSERS:
        raise ImportFileError("Pick where the file comes from.", "source")
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"The file is over {MAX_BYTES // (1024 * 1024)} MB.", "file")
    if not data.strip():
        raise ImportFileError("The file is empty.", "file")
    rows = PARSERS[source](_text(data))
    if not rows:
        raise ImportFileError("The file has no contacts in it.", "file")
    if len(rows) > MAX_ROWS:
        raise ImportFileError(f"Import at most {MAX_ROWS:,} contacts at a time.", "file")
    return rows


def url_key(url: str) -> str:
    """A profile URL as compared for duplicates: no scheme, www., query or trailing slash."""
    url = url.strip().lower().split("?", 1)[0].split("#", 1)[0]
    url = re.sub(r"^https?://", "", url)
    return re.sub(r"^www\.", "", url).rstrip("/")


def stage(
    practice: Practice, actor: Membership, source: str, filename: str, rows: list[Row]
) -> PendingImport:
    """Check the rows (problems, duplicates) and keep them for the preview; replaces the
    client's earlier pending import."""
    require_client(actor, actor.id)
    existing = db.session.execute(
        select(Contact.id, Contact.name, Contact.email, Contact.profile_url).where(
            Contact.practice_id == practice.id, Contact.client_membership_id == actor.id
        )
    ).all()
    emails = {c.email.lower(): c for c in existing if c.email}
    urls = {url_key(c.profile_url): c for c in existing if c.profile_url}
    seen_emails: dict[str, int] = {}
    seen_urls: dict[str, int] = {}
    staged = []
    for row in rows:
        item = {
            "line": row.line,
            "name": row.name,
            "company": row.company,
            "title": row.title,
            "email": row.email,
            "profile_url": row.profile_url,
            "notes": row.notes,
            "problems": row.problems(),
            "duplicate": "",
        }
        email, url = row.email.lower(), url_key(row.profile_url) if row.profile_url else ""
        match = (email and emails.get(email)) or (url and urls.get(url))
        if match:
            item["duplicate"] = f"already a contact: {match.name}"
        elif email and email in seen_emails:
            item["duplicate"] = f"same email as line {seen_emails[email]}"
        elif url and url in seen_urls:
            item["duplicate"] = f"same profile URL as line {seen_urls[url]}"
        if email:
            seen_emails.setdefault(email, row.line)
        if url:
            seen_urls.setdefault(url, row.line)
        staged.append(item)
    db.session.execute(
        delete(PendingImport).where(
            PendingImport.practice_id == practice.id, PendingImport.client_membership_id == actor.id
        )
    )
    pending = PendingImport(
        practice_id=practice.id,
        client_membership_id=actor.id,
        source=source,
        filename=(filename or "")[:255],
        rows=staged,
    )
    db.session.add(pending)
    db.session.flush()
    return pending


@dataclass(frozen=True)
class Summary:
    new: int
    duplicates: int
    problems: int


def summarise(pending: PendingImport) -> Summary:
    problems = sum(1 for r in pending.rows if r["problems"])
    duplicates = sum(1 for r in pending.rows if r["duplicate"] and not r["problems"])
    return Summary(len(pending.rows) - problems - duplicates, duplicates, problems)


def confirm(
    practice: Practice, actor: Membership, pending: PendingImport, skip_problems: bool = False
) -> int:
    """Add the pending rows' new contacts (duplicates are left out) in one bulk insert.

    Rows with problems stop the whole import unless the client chose to skip them; then the
    pending import is gone. Returns how many contacts were added.
    """
    require_client(actor, pending.client_membership_id)
    bad = [r for r in pending.rows if r["problems"]]
    if bad and not skip_problems:
        lines = ", ".join(str(r["line"]) for r in bad[:20]) + (" …" if len(bad) > 20 else "")
        raise ServiceError(
            f"{len(bad)} row(s) have problems (lines {lines}): fix the file, or tick "
            "“skip the rows with problems”. Nothing was imported.",
            "skip_problems",
        )
    now = utcnow()
    values = [
        {
            "practice_id": practice.id,
            "client_membership_id": pending.client_membership_id,
            "name": r["name"],
            "company": r["company"],
            "title": r["title"],
            "industry": "",
            "email": r["email"],
            "profile_url": r["profile_url"],
            "how_met": _HOW_MET[pending.source],
            "notes": r["notes"],
            "created_at": now,
            "updated_at": now,
        }
        for r in pending.rows
        if not r["problems"] and not r["duplicate"]
    ]
    if values:
        db.session.execute(insert(Contact), values)
    db.session.delete(pending)
    record(
        practice, actor.user, "contacts.imported", None, source=pending.source, count=len(values)
    )
    return len(values)


_HOW_MET = {"linkedin": "LinkedIn", "google": "Google Contacts", "vcard": "Imported (vCard)"}
