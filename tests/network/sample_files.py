"""Realistic contact files, made by the tests: LinkedIn's Connections.csv (with its "Notes:"
preamble), Google Contacts CSV (old and new columns) and vCard 3.0."""

import csv
import io

FIRST = ["Zoë", "José", "Łukasz", "Siobhán", "Mei", "Olu", "Ana", "François", "Björn", "Priya"]
LAST = ["Müller", "O'Neil", "García", "Nakamura", "Okafor", "Dubois", "Ivanova", "Smith"]
COMPANIES = ["Acme, Inc.", "Globex", "Initech GmbH", 'Umbrella "Labs"', "Société Générale"]

LINKEDIN_PREAMBLE = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    'connections to see or download their email address."\r\n'
    "\r\n"
)
LINKEDIN_HEADER = [
    "First Name",
    "Last Name",
    "URL",
    "Email Address",
    "Company",
    "Position",
    "Connected On",
]


def person(i: int) -> dict:
    first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
    return {
        "first": first,
        "last": f"{last} {i}",
        "email": f"person{i}@example.test" if i % 3 else "",
        "url": f"https://www.linkedin.com/in/person-{i}",
        "company": COMPANIES[i % len(COMPANIES)],
        "title": "Head of Data, EMEA" if i % 2 else "Engineer",
    }


def linkedin_csv(n: int, extra_rows: list[list[str]] = (), bom: bool = True) -> bytes:
    out = io.StringIO(newline="")
    out.write(LINKEDIN_PREAMBLE)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LINKEDIN_HEADER)
    for i in range(n):
        p = person(i)
        writer.writerow(
            [p["first"], p["last"], p["url"], p["email"], p["company"], p["title"], "03 Dec 2026"]
        )
    for row in extra_rows:
        writer.writerow(row)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


GOOGLE_NEW = [
    "First Name",
    "Middle Name",
    "Last Name",
    "Organization Name",
    "Organization Title",
    "E-mail 1 - Label",
    "E-mail 1 - Value",
    "Website 1 - Value",
    "Notes",
]
GOOGLE_OLD = [
    "Name",
    "Given Name",
    "Family Name",
    "E-mail 1 - Type",
    "E-mail 1 - Value",
    "Organization 1 - Name",
    "Organization 1 - Title",
    "Website 1 - Value",
]


def google_csv(n: int, old: bool = False) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(GOOGLE_OLD if old else GOOGLE_NEW)
    for i in range(n):
        p = person(i)
        if old:
            writer.writerow(
                [
                    f"{p['first']} {p['last']}",
                    p["first"],
                    p["last"],
                    "* Work",
                    p["email"],
                    p["company"],
                    p["title"],
                    p["url"],
                ]
            )
        else:
            writer.writerow(
                [
                    p["first"],
                    "",
                    p["last"],
                    p["company"],
                    p["title"],
                    "* Work",
                    p["email"] + (" ::: other@example.test" if p["email"] else ""),
                    p["url"],
                    "Met at the meetup,\nsecond line",
                ]
            )
    return out.getvalue().encode("utf-8")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")


def vcard(n: int, crlf: bool = True) -> bytes:
    cards = []
    for i in range(n):
        p = person(i)
        lines = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"N:{_escape(p['last'])};{_escape(p['first'])};;;",
            f"FN:{_escape(p['first'] + ' ' + p['last'])}",
            f"ORG:{_escape(p['company'])};Research",
            f"TITLE:{_escape(p['title'])}",
        ]
        if p["email"]:
            lines.append(f"EMAIL;TYPE=INTERNET,WORK:{p['email']}")
        lines.append(f"URL:{p['url']}")
        # A long note, folded as vCard folds lines (a space starts the continuation).
        lines.append("NOTE:Met at the Berlin data meetup; wants to hear about our team's ro")
        lines.append(" admap and how we hire")
        lines.append("END:VCARD")
        cards.append(("\r\n" if crlf else "\n").join(lines))
    return (("\r\n" if crlf else "\n").join(cards) + "\r\n").encode("utf-8")
