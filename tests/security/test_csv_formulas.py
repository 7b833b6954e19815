"""Every CSV export defuses cells a spreadsheet would run as formulas."""

import csv
import io
import zipfile

import pytest

from coachhub.spreadsheets import csv_text, safe_cell
from tests import factories

EVIL = '=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_leading_cells_get_an_apostrophe(lead):
    assert safe_cell(lead + "1+1") == "'" + lead + "1+1"


@pytest.mark.parametrize("value", ["Acme", "", None, -5, 3.5, "a=b", "x-y"])
def test_other_cells_are_unchanged(value):
    assert safe_cell(value) == value


def test_csv_text_defuses_every_cell():
    text = csv_text([{"a": EVIL, "b": "@SUM(A1)"}], ["a", "b"])
    row = next(csv.DictReader(io.StringIO(text)))
    assert row == {"a": "'" + EVIL, "b": "'@SUM(A1)"}


def test_a_contacts_company_formula_is_defused_in_the_export(world, login):
    factories.ContactFactory(client=world.client_a1, name="Mallory", company=EVIL)
    response = login(world.client_a1.user).get("/p/alpha/client/export.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    rows = list(csv.DictReader(io.StringIO(archive.read("contacts.csv").decode())))
    assert [row["company"] for row in rows if row["name"] == "Mallory"] == ["'" + EVIL]
