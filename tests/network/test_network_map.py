"""The network map: contacts as nodes, introductions as edges, coloured by recency; the
same chains as text; data from a JSON endpoint, no inline script."""

from datetime import timedelta

import time_machine

from coachhub.services.contacts import touch_recency as recency
from tests import factories

BASE = "/p/alpha/client"


def _chain(world):
    """A introduced B, who introduced C; D stands alone."""
    today = world.a.today()
    a = factories.ContactFactory(client=world.client_a1, name="Ann A", last_touched_on=today)
    b = factories.ContactFactory(
        client=world.client_a1,
        name="Ben B",
        introduced_by_contact_id=a.id,
        last_touched_on=today - timedelta(days=45),
    )
    c = factories.ContactFactory(
        client=world.client_a1,
        name="Cat C",
        introduced_by_contact_id=b.id,
        last_touched_on=today - timedelta(days=200),
    )
    d = factories.ContactFactory(client=world.client_a1, name="Dan D")
    return a, b, c, d


def test_the_map_page_and_its_text_alternative(world, login, db):
    a, b, c, d = _chain(world)
    client = login(world.client_a1.user)
    page = client.get(f"{BASE}/network").get_data(as_text=True)
    assert 'id="network-map"' in page and f'data-url="{BASE}/network.json"' in page
    assert "vendor/cytoscape/cytoscape.min.js" in page and "js/network_map.js" in page
    assert "<script>" not in page and " style=" not in page
    assert 'data-testid="longest-chain"' in page
    assert "Ann A</a> → <a" in page and "3 people" in page
    # The nested list says what the colours say.
    assert "touched in the last 30 days" in page and "not touched for over 90 days" in page


def test_the_text_alternative_lists_the_introductions_asked_for(world, login, db):
    d = factories.ContactFactory(client=world.client_a1, name="Dan D")
    factories.IntroductionFactory(client=world.client_a1, introducer=d, target="a CTO")
    page = login(world.client_a1.user).get(f"{BASE}/network").get_data(as_text=True)
    assert "Dan D → a CTO at Globex" in page


def test_the_map_data(world, login, db):
    a, b, c, d = _chain(world)
    intro = factories.IntroductionFactory(client=world.client_a1, introducer=d, target="a CTO")
    factories.ContactFactory(client=world.client_a2, name="Not Mine")
    response = login(world.client_a1.user).get(f"{BASE}/network.json")
    assert response.status_code == 200 and response.is_json
    graph = response.get_json()
    nodes = {n["id"]: n for n in graph["nodes"]}
    assert {n["label"] for n in graph["nodes"]} == {"Ann A", "Ben B", "Cat C", "Dan D", "a CTO"}
    assert nodes[f"c{a.id}"]["recency"] == "recent"
    assert nodes[f"c{b.id}"]["recency"] == "warm"
    assert nodes[f"c{c.id}"]["recency"] == "cold"
    assert nodes[f"c{d.id}"]["recency"] == "never"
    assert nodes[f"r{intro.id}"]["recency"] == "asked"
    edges = {(e["source"], e["target"], e["kind"]) for e in graph["edges"]}
    assert edges == {
        (f"c{a.id}", f"c{b.id}", "made"),
        (f"c{b.id}", f"c{c.id}", "made"),
        (f"c{d.id}", f"r{intro.id}", "asked"),
    }


def test_recency_counts_days_in_the_practices_timezone_across_dst(world, db):
    """30 days back across the clocks going back in New York: still 'recent' on day 30."""
    world.a.timezone = "America/New_York"
    db.session.commit()
    with time_machine.travel("2026-11-20T04:30:00Z", tick=False):  # 23:30 on the 19th in NY
        today = world.a.today()
        assert today.isoformat() == "2026-11-19"
        assert recency(today - timedelta(days=30), today) == "recent"  # 20 Oct, before DST ended
        assert recency(today - timedelta(days=31), today) == "warm"
        assert recency(today - timedelta(days=91), today) == "cold"
        assert recency(None, today) == "never"
