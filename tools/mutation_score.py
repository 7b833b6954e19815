"""The mutation score per domain-rule module, from mutmut's results in .mutate/*/mutants/.

`make mutate` runs mutmut, then this. A mutant counts as caught when a test failed
(killed) or it ran past its time (timeout); survivors, and mutants no selected test
reaches ("no tests"), count against the score. Mutants judged equivalent (they cannot
change behaviour; docs/testing.md says why for each) are listed in EQUIVALENT and left
out. `python tools/mutation_score.py --list` also prints every surviving mutant's name,
for `mutmut show <name>`.
"""

import json
import sys
from collections import Counter
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
    # A subquery's alias ("ranked", "pulses", "met", "touched") renamed or left anonymous:
    # the outer query refers to the subquery object, never to its name.
    *(
        f"coachhub.services.at_risk.x_status_query__mutmut_{n}"
        for n in (12, 38, 39, 41, 76, 77, 79, 103, 104, 106, 128, 129)
    ),
    # Period activity: SUM ignores NULLs and COALESCE turns an empty SUM into 0, so a CASE
    # with no ELSE (or ELSE NULL) counts the same; the union's column label is never read.
    *(
        f"coachhub.services.checkins.x_period_activity__mutmut_{n}"
        for n in (40, 42, 52, 54, 64, 66, 89, 90, 91, 101, 102, 103)
    ),
}


def _function(name: str) -> str:
    """x_pulse_score__mutmut_3 -> pulse_score; xǁClassǁmethod__mutmut_1 -> Class.method."""
    local = name.rsplit(".", 1)[1].split("__mutmut_")[0]
    return local.removeprefix("x_").removeprefix("xǁ").replace("ǁ", ".")


def results() -> dict[str, dict[str, int | None]]:
    by_module: dict[str, dict[str, int | None]] = {}
    for meta in (ROOT / ".mutate").glob("*/mutants/**/*.py.meta"):
        data = json.loads(meta.read_text())
        for name, code in data["exit_code_by_key"].items():
            module = name.rsplit(".", 1)[0]
            scope = SCOPE.get(module, False)
            if scope is False or (scope is not None and _function(name) not in scope):
                continue
            by_module.setdefault(module, {})[name] = code
    return by_module


def main(list_survivors: bool) -> int:
    total_caught = total = 0
    print(f"{'module':34} {'caught':>7} {'of':>5} {'score':>7}  survived / no tests / equivalent")
    for module, codes in sorted(results().items()):
        counts = Counter()
        survivors = []
        for name, code in sorted(codes.items()):
            if name in EQUIVALENT:
                counts["equivalent"] += 1
            elif code in CAUGHT:
                counts["caught"] += 1
            elif code is None:
                counts["not checked"] += 1
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
        if list_survivors:
            for name in survivors:
                print(f"    {name}")
    print(f"{'all':34} {total_caught:7} {total:5} {100 * total_caught / max(total, 1):6.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main("--list" in sys.argv))
