"""The mutation score per domain-rule module, from mutmut's results in .mutate/*/mutants/.

`make mutate` runs mutmut, then this. A mutant counts as caught when a test failed
(killed) or it ran past its time (timeout); survivors, and mutants no selected test
reaches ("no tests"), count against the score. Mutants judged equivalent (they cannot
change behaviour; docs/testing.md says why for each) are left out: by name in EQUIVALENT,
or by what they changed in EQUIVALENT_CHANGES. `--list` also prints every surviving
mutant's name, for `mutmut show <name>`; `--equivalent` every equivalent one and why.
"""

import ast
import difflib
import json
import re
import sys
from collections import Counter
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Module -> the functions in scope (None: all of them). Billing's services module also
# talks to Stripe; its domain rule is which subscription counts and what it means.
SCOPE: dict[str, set[str] | None] = {
    "coachhub.services.pulse": None,
    "coachhub.services.health": None,
    "coachhub.services.at_risk": None,
    "coachhub.services.checkins": None,
    "coachhub.services.careers": None,
    "coachhub.notifications.due": {"local_today", "dedupe_key", "send_reminders_for_practice"},
    "coachhub.billing.access": None,
    "coachhub.billing.services": {"choose_subscription", "apply_subscription"},
    # The portal guard is a closure made by practice_blueprint when the app is built, which
    # mutmut's forked runs never rebuild, so its mutants cannot run: the isolation suite,
    # tests/test_tenancy.py and make plant-bugs cover it instead.
    "coachhub.tenancy": {
        "load_membership",
        "owner_required",
        "scoped_select",
        "get_scoped_or_404",
        "get_client_or_404",
    },
}
CAUGHT = {1: "killed", 3: "killed", 36: "timeout", -24: "timeout", 24: "timeout", 152: "timeout"}
# Survivors that cannot change behaviour (reasons in docs/testing.md).
EQUIVALENT: set[str] = {
    # `at <= past_due_since` instead of `<`: when equal it sets the same value again.
    "coachhub.billing.services.x_apply_subscription__mutmut_12",
    # An undated subscription sorts at 1.0 instead of 0.0 seconds after 1970: every real
    # subscription is dated decades later, so the choice is the same.
    "coachhub.billing.services.x_choose_subscription__mutmut_5",
    # `.join(Membership)` without its ON clause: SQLAlchemy joins on the one foreign key from
    # membership to practice, the very condition that was removed.
    "coachhub.tenancy.x_load_membership__mutmut_10",
    "coachhub.tenancy.x_load_membership__mutmut_12",
    # The first guess of the month index only ever overshoots (year or month added, 13
    # months a year, one more step): the loop after it steps back to the same index.
    "coachhub.services.careers.x__index_at_or_before__mutmut_8",
    "coachhub.services.careers.x__index_at_or_before__mutmut_11",
    "coachhub.services.careers.x__index_at_or_before__mutmut_12",
    "coachhub.services.careers.x__index_at_or_before__mutmut_13",
    # Period activity: SUM ignores NULLs and COALESCE turns an empty SUM into 0, so a CASE
    # with no ELSE (or ELSE NULL) counts the same; the union's column label is never read.
    *(
        f"coachhub.services.checkins.x_period_activity__mutmut_{n}"
        for n in (40, 42, 52, 54, 64, 66, 89, 90, 91, 101, 102, 103)
    ),
}

# Survivors judged equivalent by what the mutant changed, whatever its number (the numbers
# move whenever the module changes). Each rule: the module, a pattern that the mutant's
# changed lines ("-old" and "+new", joined by newlines) must match, and why no result can
# differ. docs/testing.md repeats the reasons.
JOIN = r"\.(?:outer)?join\((\w+), [^\n]+\)\n\+ *\.(?:outer)?join\(\1, (?:None)?\)$"
EQUIVALENT_CHANGES: list[tuple[str, str, str]] = [
    (
        r"coachhub\.services\.(health|at_risk)",
        JOIN,
        "a join whose ON clause is dropped: SQLAlchemy infers the same condition from the one "
        "foreign key between the entity joined and the one before it",
    ),
    (
        r"coachhub\.services\.(health|at_risk)",
        r"^- *(?:\.order_by\(|return query\.order_by\().*"
        r"(?:Membership\.id|rows\.c\.id|rows\.c\.coach_id)\)$",
        "the last tie-breaker of an order (the id) dropped: rows equal on every other key come "
        "back in insertion order on SQLite, which is id order; it keeps PostgreSQL's order "
        "(and pagination) stable, where the same tests run in CI",
    ),
    (
        r"coachhub\.services\.health",
        r"\(n > goal\.target_meetings, goal\.target_meetings\)[^\n]*\n"
        r"\+.*\(n >= goal\.target_meetings",
        "the goal cap with >= instead of >: at the target both branches give the target",
    ),
    (
        r"coachhub\.services\.at_risk",
        r"touched\.c\.last_touch > met\.c\.last_met[^\n]*\n"
        r"\+.*touched\.c\.last_touch >= met\.c\.last_met",
        "the later of touch and meeting with >= instead of >: on the same day both are that day",
    ),
    (
        r"coachhub\.services\.health\.x_meetings_per_week",
        r"^- *MeetingLog\.practice_id == client\.practice_id,$",
        "the practice condition beside the client's own id (ids are unique across practices): "
        "defence in depth that keeps the practice-first index in use",
    ),
    (
        r"coachhub\.services\.at_risk\.x_status_query",
        r"^- *(Checkin|MeetingLog|Contact)\.(practice_id == practice\.id|visible_to\(viewer\)),$",
        "a subquery's own practice or visibility condition: its rows join only to the clients "
        "the outer query already limits to this practice and this viewer (defence in depth)",
    ),
    (
        r"coachhub\.services\.at_risk\.x_status_query",
        r"^- *of_page\((Checkin|MeetingLog|Contact)\.client_membership_id\),$",
        "a subquery's own page condition: the outer query keeps only the page's clients; the "
        "inner one only spares reading other clients' rows (speed, not the result)",
    ),
    (
        r"coachhub\.services\.health\.x_log_stats",
        r"Review\.practice_id == practice\.id\)\)\n\+.*and_\(Review\.log_id == log\.id, \)\)",
        "the review join's practice condition: a review is of its log's practice, so no row "
        "changes; the condition lets PostgreSQL read this practice's reviews alone",
    ),
    (
        r"coachhub\.services\.at_risk\.x_practice_overview",
        r"^- *\.group_by\(rows\.c\.coach_id, rows\.c\.coach\)\n"
        r"\+ *\.group_by\(rows\.c\.coach_id, (?:None)?\)$",
        "the coach's name dropped from GROUP BY beside the coach's id: SQLite accepts it and "
        "answers the same; PostgreSQL refuses the query, which the PostgreSQL run catches",
    ),
]


@cache
def _mutant_sources(path: Path) -> dict[str, str]:
    """Function name -> source, for every function in mutmut's copy of a module."""
    text = path.read_text()
    lines = text.splitlines()
    return {
        node.name: "\n".join(lines[node.lineno - 1 : node.end_lineno])
        for node in ast.parse(text).body
        if isinstance(node, ast.FunctionDef)
    }


def changed_lines(name: str, meta: Path) -> str:
    """The lines a mutant removed ("-") and added ("+"), as `mutmut show` would print them."""
    functions = _mutant_sources(meta.with_name(meta.name.removesuffix(".meta")))
    local = name.rsplit(".", 1)[1]
    original = functions.get(local.split("__mutmut_")[0] + "__mutmut_orig", "")
    mutant = functions.get(local, "")
    diff = difflib.unified_diff(
        original.splitlines()[1:], mutant.splitlines()[1:], lineterm="", n=0
    )
    return "\n".join(
        line for line in diff if line[:1] in "-+" and not line.startswith(("---", "+++"))
    )


def equivalent_reason(name: str, meta: Path) -> str | None:
    if name in EQUIVALENT:
        return "listed"
    changes = None
    for module, pattern, reason in EQUIVALENT_CHANGES:
        if re.match(module, name):
            changes = changed_lines(name, meta) if changes is None else changes
            if re.search(pattern, changes, re.MULTILINE):
                return reason
    return None


def _function(name: str) -> str:
    """x_pulse_score__mutmut_3 -> pulse_score; xǁClassǁmethod__mutmut_1 -> Class.method."""
    local = name.rsplit(".", 1)[1].split("__mutmut_")[0]
    return local.removeprefix("x_").removeprefix("xǁ").replace("ǁ", ".")


def results() -> dict[str, dict[str, tuple[int | None, Path]]]:
    """Module -> mutant name -> (mutmut's exit code, the .meta file it came from)."""
    by_module: dict[str, dict[str, tuple[int | None, Path]]] = {}
    for meta in (ROOT / ".mutate").glob("*/mutants/**/*.py.meta"):
        data = json.loads(meta.read_text())
        for name, code in data["exit_code_by_key"].items():
            module = name.rsplit(".", 1)[0]
            scope = SCOPE.get(module, False)
            if scope is False or (scope is not None and _function(name) not in scope):
                continue
            by_module.setdefault(module, {})[name] = (code, meta)
    return by_module


def main(list_survivors: bool, list_equivalent: bool) -> int:
    total_caught = total = 0
    print(f"{'module':34} {'caught':>7} {'of':>5} {'score':>7}  survived / no tests / equivalent")
    for module, codes in sorted(results().items()):
        counts = Counter()
        survivors = []
        equivalent = []
        for name, (code, meta) in sorted(codes.items()):
            if code in CAUGHT:
                counts["caught"] += 1
            elif code is None:
                counts["not checked"] += 1
            elif reason := equivalent_reason(name, meta):
                counts["equivalent"] += 1
                equivalent.append(f"{name}: {reason}")
            else:
                counts["no tests" if code in (5, 33) else "survived"] += 1
                survivors.append(name)
        scored = len(codes) - counts["equivalent"]
        score = 100 * counts["caught"] / scored if scored else 100.0
        total_caught += counts["caught"]
        total += scored
        print(
            f"{module:34} {counts['caught']:7} {scored:5} {score:6.1f}%  "
            f"{counts['survived']} / {counts['no tests']} / {counts['equivalent']}"
            + (f"  ({counts['not checked']} not checked)" if counts["not checked"] else "")
        )
        for name in survivors if list_survivors else []:
            print(f"    {name}")
        for line in equivalent if list_equivalent else []:
            print(f"    {line}")
    print(f"{'all':34} {total_caught:7} {total:5} {100 * total_caught / max(total, 1):6.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main("--list" in sys.argv, "--equivalent" in sys.argv))
