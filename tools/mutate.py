"""`make mutate`: mutation testing of the domain rules, one module at a time.

Each module gets a scratch copy of the project (.mutate/<name>/, tracked files only) whose
pyproject.toml says which file mutmut mutates and which fast unit tests run against its
mutants, so a mutant of the access policy (called by every request's guard) runs the
access tests, not every page test. Run at low priority (nice); results stay in
.mutate/<name>/mutants/ and `tools/mutation_score.py` reads them.

    python tools/mutate.py                 # every module
    python tools/mutate.py pulse access    # some of them
    MUTATE_CHILDREN=1 python tools/mutate.py
    python tools/mutate.py --recheck pulse # survivors again, after adding tests
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutate"
COMMON = ["tests/test_planted_bugs.py", "tests/test_domain_rules.py"]
# name -> (the file mutated, its fast unit tests)
MODULES: dict[str, tuple[str, list[str]]] = {
    "pulse": (
        "coachhub/services/pulse.py",
        ["tests/checkins/test_pulse.py", "tests/test_properties.py"],
    ),
    "access": ("coachhub/billing/access.py", ["tests/billing/test_access.py"]),
    "subscriptions": ("coachhub/billing/services.py", []),
    "due": (
        "coachhub/notifications/due.py",
        ["tests/test_properties.py", "tests/notifications/test_due.py"],
    ),
    "tenancy": ("coachhub/tenancy.py", ["tests/test_tenancy.py"]),
    "careers": (
        "coachhub/services/careers.py",
        [
            "tests/checkins/test_cadence.py",
            "tests/checkins/test_checkins.py",
            "tests/test_properties.py",
        ],
    ),
    "checkins": ("coachhub/services/checkins.py", ["tests/checkins/test_checkins.py"]),
    "at_risk": (
        "coachhub/services/at_risk.py",
        [
            "tests/checkins/test_at_risk_rules.py",
            "tests/checkins/test_checkins.py",
            "tests/test_properties.py",
        ],
    ),
    "health": (
        "coachhub/services/health.py",
        [
            "tests/services/test_health_rules.py",
            "tests/services/test_portal_services.py",
            "tests/test_properties.py",
        ],
    ),
}


def _config(source: str, tests: list[str]) -> str:
    selection = ", ".join(f'"{t}"' for t in [*tests, *COMMON])
    return f"""
[tool.mutmut]
source_paths = ["coachhub"]
only_mutate = ["{source}"]
also_copy = ["config.py", "wsgi.py", "templates", "static", "migrations"]
pytest_add_cli_args = ["-p", "no:randomly", "-p", "no:xdist", "-q"]
pytest_add_cli_args_test_selection = [{selection}]
"""


def _scratch(name: str, source: str, tests: list[str]) -> Path:
    """A copy of the tracked files (and the vendored static files) with this module's config."""
    where = WORK / name
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for file in files + [str(p.relative_to(ROOT)) for p in (ROOT / "static/vendor").rglob("*")]:
        src, dst = ROOT / file, where / file
        if src.is_file() and (not dst.exists() or dst.read_bytes() != src.read_bytes()):
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    pyproject = (ROOT / "pyproject.toml").read_text().split("\n[tool.mutmut]")[0]
    wanted = pyproject + _config(source, tests)
    target = where / "pyproject.toml"
    if not target.exists() or target.read_text() != wanted:
        target.write_text(wanted)
    return where


def _recheck(where: Path) -> None:
    """Forget the survivors (and untested mutants) so the next run tries them again."""
    for meta in (where / "mutants").rglob("*.py.meta"):
        data = json.loads(meta.read_text())
        codes = data["exit_code_by_key"]
        for name, code in codes.items():
            if code in (0, 5, 33):
                codes[name] = None
        meta.write_text(json.dumps(data, indent=4))


def _patterns(source: str) -> list[str]:
    """mutmut's names for the mutants in scope (tools/mutation_score.py SCOPE)."""
    sys.path.insert(0, str(ROOT / "tools"))
    from mutation_score import SCOPE

    module = source.removesuffix(".py").replace("/", ".")
    functions = SCOPE.get(module)
    return [f"{module}.x_{f}__mutmut_*" for f in sorted(functions)] if functions else []


def main(names: list[str]) -> int:
    recheck = "--recheck" in names
    names = [n for n in names if n != "--recheck"]
    children = os.environ.get("MUTATE_CHILDREN", "2")
    env = {**os.environ, "HYPOTHESIS_EXAMPLES": os.environ.get("HYPOTHESIS_EXAMPLES", "10")}
    mutmut = str(ROOT / ".venv/bin/mutmut")
    for name in names or list(MODULES):
        source, tests = MODULES[name]
        where = _scratch(name, source, tests)
        if recheck:
            _recheck(where)
        print(f"== {name}: {source} against {', '.join(tests + COMMON)}", flush=True)
        subprocess.run(
            ["nice", "-n", "10", mutmut, "run", "--max-children", children, *_patterns(source)],
            cwd=where,
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
