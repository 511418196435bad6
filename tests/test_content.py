"""The content loads into typed objects, and each kind of broken file is refused with a message
naming its file and line."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from skill.content import CHANGES, NEEDS, ContentError, catalogue, load, placeholders

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "content"
BROKEN = sorted((FIXTURES / "broken").glob("*.yaml"))
MARK = re.compile(r"#\s*error:\s*(.+)$")


def broken_tree(tmp_path: Path, fixture: Path) -> tuple[Path, str]:
    """A copy of the minimal content with one file replaced by the broken fixture; and the
    ``file:line: message`` the fixture's ``# error:`` comment says must be reported."""
    tree = tmp_path / "content"
    shutil.copytree(MINIMAL, tree)
    target = fixture.name.split(".", 1)[1]  # unknown_muscle.regions.yaml -> regions.yaml
    shutil.copy(fixture, tree / target)
    for number, line in enumerate(fixture.read_text(encoding="utf-8").splitlines(), start=1):
        m = MARK.search(line)
        if m:
            return tree, f"{target}:{number}: {m.group(1).strip()}"
    raise AssertionError(f"{fixture.name} has no '# error:' comment")


def test_the_minimal_fixture_content_is_valid() -> None:
    cat = load(MINIMAL)
    assert set(cat.muscles) == {"quadriceps", "tfl"}


@pytest.mark.parametrize("fixture", BROKEN, ids=[f.stem for f in BROKEN])
def test_broken_content_is_refused_with_file_and_line(tmp_path: Path, fixture: Path) -> None:
    tree, expected = broken_tree(tmp_path, fixture)
    with pytest.raises(ContentError) as info:
        load(tree)
    reported = [str(p) for p in info.value.problems]
    # A prefix: the YAML parser's own wording differs a little between libyaml and pure Python.
    assert any(r.startswith(expected) for r in reported), f"expected {expected!r} among {reported}"


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    tree, _ = broken_tree(tmp_path, FIXTURES / "broken" / "unknown_muscle.regions.yaml")
    shutil.copy(FIXTURES / "broken" / "hold_out_of_range.routines.yaml", tree / "routines.yaml")
    with pytest.raises(ContentError) as info:
        load(tree)
    files = {p.file for p in info.value.problems}
    assert {"regions.yaml", "routines.yaml"} <= files


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    tree = tmp_path / "content"
    shutil.copytree(MINIMAL, tree)
    (tree / "safety.yaml").unlink()
    with pytest.raises(ContentError) as info:
        load(tree)
    assert any(p.file == "safety.yaml" and "cannot read" in p.message for p in info.value.problems)


# --------------------------------------------------------------------------- the shipped content


def test_every_muscle_has_a_routine_or_a_stated_reason() -> None:
    cat = catalogue()
    for muscle in cat.muscles.values():
        assert muscle.routines or muscle.no_pressure, muscle.id
        for equipment in muscle.routines:
            assert cat.routine(muscle.id, equipment) is not None


def test_the_popliteus_is_never_pressed_at_home() -> None:
    cat = catalogue()
    assert cat.muscles["popliteus"].no_pressure is not None
    assert not any(m == "popliteus" for m, _ in cat.routines)


def test_every_routine_has_a_timed_hold_within_the_range_and_warns_where_needed() -> None:
    cat = catalogue()
    hold = cat.ranges["hold_seconds"]
    for (muscle, equipment), routine in cat.routines.items():
        holds = [s.seconds for s in routine.steps if s.kind == "hold"]
        assert holds and all(h in hold for h in holds), (muscle, equipment, holds)
        assert any(s.kind == "pressure" for s in routine.steps), (muscle, equipment)
    # The calf routines keep off the back of the knee and the Achilles tendon itself.
    assert {"back_of_knee", "achilles_tendon"} <= set(
        cat.routines[("gastrocnemius", "lacrosse_ball")].avoid
    )


# Muscles pressed near nerves and vessels: the back of the knee and the knob below the outer
# knee (calf, hamstrings, peroneals), the deep calf (soleus, tibialis posterior), the groin
# crease (adductors, hip flexors), the deep buttock (piriformis).
NEAR_NERVES = ("gastrocnemius", "soleus", "tibialis_posterior", "peroneals", "hamstrings",
               "biceps_femoris", "adductors", "iliopsoas", "piriformis")  # fmt: skip


def test_routines_near_nerves_and_vessels_say_when_to_stop_in_their_pressure_step() -> None:
    cat = catalogue()
    missing = [
        (muscle, equipment)
        for (muscle, equipment), routine in cat.routines.items()
        if muscle in NEAR_NERVES
        and not any(
            s.kind == "pressure" and all(w in s.text for w in ("tingling", "numbness", "pulse"))
            for s in routine.steps
        )
    ]
    assert {m for m, _ in cat.routines} >= set(NEAR_NERVES)
    assert not missing


def test_every_step_takes_a_side() -> None:
    """Each routine names the side somewhere, so "your left hip" can be said."""
    cat = catalogue()
    for key, routine in cat.routines.items():
        assert any("your" in placeholders(s.text) for s in routine.steps), key


def test_every_fact_names_a_declared_source() -> None:
    cat = catalogue()
    facts = [
        *(r.source for r in cat.routines.values()),
        *(m.source for m in cat.muscles.values()),
        *(
            rm.source
            for reg in cat.regions.values()
            for loc in reg.locations.values()
            for rm in loc.muscles
        ),
        *(f.source for f in cat.safety.red_flags),
        *(z.source for z in cat.safety.avoid_zones.values()),
        *(t.source for t in cat.topics.values()),
    ]
    assert facts and all(f in cat.sources for f in facts)


def test_content_speaks_in_may_and_often_not_diagnoses() -> None:
    cat = catalogue()
    for muscle in cat.muscles.values():
        assert not re.search(r"\byou have\b|\bdiagnos", muscle.referral, re.I), muscle.referral
    answer = " ".join(cat.responses["answer"].variants)
    assert re.search(r"\b(may|often|can)\b", answer)


# --------------------------------------------------------------------------- tpcoach check


def run_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tpcoach.cli", "check", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_tpcoach_check_passes_on_the_shipped_content() -> None:
    result = run_check()
    assert result.returncode == 0, result.stderr


def test_tpcoach_check_fails_on_a_broken_copy_listing_every_problem(tmp_path: Path) -> None:
    tree = tmp_path / "content"
    shutil.copytree(Path(__file__).parent.parent / "content", tree)
    regions = tree / "regions.yaml"
    text = regions.read_text(encoding="utf-8")
    regions.write_text(text.replace("muscle: tfl", "muscle: tensor", 1), encoding="utf-8")
    routines = tree / "routines.yaml"
    text = routines.read_text(encoding="utf-8")
    routines.write_text(re.sub(r"seconds: \d+", "seconds: 500", text, count=1), encoding="utf-8")
    result = run_check("--content", str(tree))
    assert result.returncode == 1
    assert re.search(r"regions\.yaml:\d+: unknown muscle 'tensor'", result.stderr), result.stderr
    assert re.search(r"routines\.yaml:\d+: hold of 500 s", result.stderr), result.stderr


# --------------------------------------------------------------------------- responses vs code


def response_keys_in_code() -> set[str]:
    """Response keys the code names: ``say("key"``, ``ask("key"``, ``words("key"``."""
    root = Path(__file__).resolve().parent.parent / "skill"
    pattern = re.compile(r"\b(?:say|ask|words|written)\(\s*\"([a-z_]+)\"")
    keys: set[str] = set()
    for path in root.rglob("*.py"):
        keys |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return keys


def test_every_response_key_the_code_uses_exists_and_none_is_unused() -> None:
    cat = catalogue()
    used = response_keys_in_code()
    # Keys built at run time: one place phrase per aspect, and the notes locations carry.
    used |= {f"place_{a}" for a in cat.aspects} | {"place_any"}
    used |= {loc.note for r in cat.regions.values() for loc in r.locations.values() if loc.note}
    # ... and what each routine needs besides the ball or roller (content.NEEDS).
    used |= {f"need_{n}" for n in NEEDS}
    # ... and the answers to the follow-up question (content.CHANGES): their words, and what is
    # said after each (worse goes to the screen first, so it has no follow_up_worse of its own
    # here: skill/handlers/follow.py says that one by name).
    used |= {f"change_{c}" for c in CHANGES} | {f"follow_up_{c}" for c in CHANGES}
    assert used - set(cat.responses) == set(), "used in code but missing from responses.yaml"
    assert set(cat.responses) - used == set(), "in responses.yaml but never used"


def test_red_flag_advice_is_one_breath_with_the_locales_numbers() -> None:
    """Advice a frightened person can follow: at most 45 words (about 18 s at Alexa's pace), and
    every locale's numbers filled in where the advice says to call or get seen."""
    cat = catalogue()
    assert set(cat.safety.numbers) == {"en-US", "en-GB", "en-CA", "en-AU", "en-IN"}
    for flag in cat.safety.red_flags:
        for locale, numbers in cat.safety.numbers.items():
            said = flag.advice.format(**numbers)
            assert len(said.split()) <= 45, (flag.id, locale, len(said.split()))
            assert "{" not in said
    assert cat.safety.numbers["en-GB"]["emergency"] == "nine nine nine"
    assert "one one one" in cat.safety.numbers["en-GB"]["urgent"]
    assert cat.safety.numbers["en-AU"]["emergency"] == "triple zero"
    assert cat.safety.numbers["en-IN"]["emergency"] == "one one two"
