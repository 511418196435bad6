"""Screens: every APL document the skill can send passes Amazon's validator, voice-only devices
get exactly the responses they got before screens, touch drives a routine as voice does, the
geometry is validated like the rest of the content, and the gallery and icons are current."""

from __future__ import annotations

import copy
import json
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

import skill.handlers.base as base
from skill.apl import apl
from skill.app import build_skill_builder
from skill.content import ANY_ASPECT, ContentError, catalogue, geometry, load_geometry
from skill.display import BUTTON_INTENTS
from skill.screens import Screen, response_text, screen_for
from skill.state import Progress, State
from skill.stores import open_store
from tests.dialogue import conversations, run
from tpcoach.gallery import GALLERY, sample_screens
from tpcoach.local import Client, in_process
from tpcoach.model import DEFAULT_PACKAGE, MANIFEST, PROJECT_ROOT
from tpcoach.svg import svg

RUNNER = PROJECT_ROOT / "tests" / "apl" / "run.js"
CONTENT = PROJECT_ROOT / "content"


def every_screen() -> dict[str, Screen]:
    """Every kind of screen for every muscle, place, routine step and side the content has."""
    cat, geo = catalogue(), geometry()
    screens: dict[str, Screen] = {}
    sides = ("left", "right", None)
    for region in cat.regions.values():
        for aspect, location in region.locations.items():
            for side in sides:
                state = State(
                    region=region.id,
                    aspect=aspect if aspect != ANY_ASPECT else None,
                    side=side,
                    muscles=[m.muscle for m in location.muscles],
                    pending="offer_routine",
                )
                s = screen_for(cat, geo, state, ["answer"], "")
                assert s is not None
                screens[f"answer {region.id}/{aspect}/{side}"] = s
    for muscle in cat.muscles:
        s = screen_for(cat, geo, State(muscles=[muscle]), ["answer_muscle"], "")
        assert s is not None
        screens[f"answer_muscle {muscle}"] = s
    for (muscle, equipment), routine in cat.routines.items():
        for index, step in enumerate(routine.steps):
            for side in sides:
                state = State(side=side)
                state.routine = Progress(muscle, equipment, side, step=index, started=True)
                spoken = (
                    response_text(cat, "hold_start", seconds=step.seconds) if step.seconds else ""
                )
                s = screen_for(cat, geo, state, [f"step:{muscle}:{index + 1}"], spoken)
                assert s is not None
                screens[f"step {muscle}/{equipment}/{index + 1}/{side}"] = s
        state = State()
        state.routine = Progress(muscle, equipment, None, step=0, started=True)
        s = screen_for(cat, geo, state, ["paused"], "")
        assert s is not None
        screens[f"paused {muscle}/{equipment}"] = s
    for locale in geo.words.numbers:
        numbers = cat.safety.numbers[locale]
        for flag in cat.safety.red_flags:
            advice = flag.advice.format(**numbers)
            s = screen_for(cat, geo, State(), [f"red_flag:{flag.id}"], advice, locale)
            assert s is not None
            screens[f"red_flag {flag.id}/{locale}"] = s
        general = " ".join(f.advice.format(**numbers) for f in cat.safety.red_flags[:3])
        s = screen_for(cat, geo, State(), ["red_flag:general"], general, locale)
        assert s is not None
        screens[f"red_flag general/{locale}"] = s
    return screens


def validate(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = subprocess.run(
        ["node", str(RUNNER)],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
    )
    results: list[dict[str, Any]] = json.loads(out.stdout)
    return results


def test_every_apl_document_and_datasource_passes_apl_suggester() -> None:
    screens = every_screen()
    kinds = {s.kind for s in screens.values()}
    assert kinds == {"answer", "step", "hold", "paused", "red_flag"}, kinds
    items = []
    for name, screen in screens.items():
        document, datasources = apl(screen)
        items.append({"name": name, "document": document, "datasources": datasources})
    results = validate(items)
    assert len(results) == len(items)
    # apl-suggester reports schema problems at level WARNING; none of either level is allowed.
    found = [(r["name"], i) for r in results for i in r["document"] + r["datasources"]]
    assert not found, f"{len(found)} validator findings, first: {found[:5]}"


def test_the_validator_driver_reports_a_broken_document() -> None:
    """So that the test above cannot pass because the validator saw nothing."""
    screen = next(s for s in every_screen().values() if s.kind == "hold")
    document, datasources = apl(screen)
    broken = copy.deepcopy(document)
    broken["graphics"]["body"]["items"][0]["type"] = "circle"
    broken["mainTemplate"]["items"][0]["item"]["items"][1]["items"][0]["fontSize"] = "large"
    (result,) = validate([{"name": "broken", "document": broken, "datasources": datasources}])
    paths = {i["path"] for i in result["document"]}
    assert "/graphics/body/items/0/type" in paths, result
    assert any(p.endswith("/fontSize") for p in paths), result


def test_the_hold_countdown_matches_the_spoken_hold() -> None:
    cat = catalogue()
    for (muscle, equipment), routine in cat.routines.items():
        for index, step in enumerate(routine.steps):
            if not step.seconds:
                continue
            state = State()
            state.routine = Progress(muscle, equipment, "left", step=index, started=True)
            spoken = "Step 4 of 6. " + response_text(cat, "hold_start", seconds=step.seconds)
            s = screen_for(cat, geometry(), state, [f"step:{muscle}:{index + 1}"], spoken)
            assert s is not None and s.kind == "hold"
            assert s.seconds == step.seconds
            cues = dict((text, left) for left, text in s.cues)
            if step.seconds >= 30:  # the halfway cue at the spoken halfway
                halfway = response_text(cat, "hold_halfway")
                assert cues[halfway] == step.seconds - step.seconds // 2
            assert cues[response_text(cat, "hold_release")] == 0
            assert s.lead_ms > 0, "the countdown must wait for the words before 'starting now'"
            document, _ = apl(s)
            text = json.dumps(document)
            assert f'"value": {step.seconds}' in text
            assert f'"repeatCount": {step.seconds - 1}' in text


# --------------------------------------------------------------------------- conversations


def _run_all(device: str | None, screens: bool, convs: list[dict[str, Any]]) -> list[list[str]]:
    """Every conversation's responses as JSON text, the variants picked by a seeded generator."""
    out = []
    for conv in convs:
        base._rng.seed(12)
        store = open_store("memory")
        client = Client(in_process(build_skill_builder(store, screens=screens)))
        if device is not None:  # the expectations were written for a device without a screen
            conv = {
                **conv,
                "turns": [{k: v for k, v in t.items() if k != "expect"} for t in conv["turns"]],
            }
        transcript = run({**conv, "device": device}, client, store)
        out.append([json.dumps(r, sort_keys=True) for r in transcript.responses])
    return out


VOICE_ONLY = [c for _, c in conversations() if not c.get("device")]


def test_a_device_without_a_screen_gets_byte_identical_responses() -> None:
    with_screens = _run_all(None, True, VOICE_ONLY)
    without = _run_all(None, False, VOICE_ONLY)
    assert with_screens == without


def test_an_echo_show_hears_exactly_what_a_voice_only_device_hears() -> None:
    """Screens add a directive; they never change the speech, the card or the session."""
    shown = _run_all("echo_show", True, VOICE_ONLY)
    spoken = _run_all(None, True, VOICE_ONLY)
    rendered = 0
    for conv_shown, conv_spoken in zip(shown, spoken, strict=True):
        for a, b in zip(conv_shown, conv_spoken, strict=True):
            ra, rb = json.loads(a), json.loads(b)
            directives = ra["response"].pop("directives", [])
            rendered += len(directives)
            assert ra == rb
    assert rendered > 50


TOUCH = [(n, c) for n, c in conversations() if any("touch" in t for t in c["turns"])]


@pytest.mark.parametrize("conv", [c for _, c in TOUCH], ids=[n for n, _ in TOUCH])
def test_touch_drives_the_conversation_exactly_as_voice(conv: dict[str, Any]) -> None:
    voiced = {
        **conv,
        "turns": [
            {**{k: v for k, v in t.items() if k != "touch"}, "intent": BUTTON_INTENTS[t["touch"]]}
            if "touch" in t
            else t
            for t in conv["turns"]
        ],
    }
    results = []
    for c in (conv, voiced):
        base._rng.seed(3)
        store = open_store("memory")
        client = Client(in_process(build_skill_builder(store)))
        results.append([json.dumps(r, sort_keys=True) for r in run(c, client, store).responses])
    assert results[0] == results[1]


def test_a_user_event_that_is_not_one_of_our_buttons_is_left_alone() -> None:
    from skill.display import button_intent

    assert button_intent(["next"]) == "AMAZON.NextIntent"
    assert button_intent(["some-other-event", 3]) is None
    assert button_intent([]) is None
    assert button_intent(None) is None


# --------------------------------------------------------------------------- geometry content


def _broken(tmp_path: Path, old: str, new: str) -> list[str]:
    directory = tmp_path / "content"
    shutil.copytree(CONTENT, directory)
    path = directory / "geometry.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_geometry(directory, catalogue())
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("muscle: tfl\n", "muscle: tfll\n", "muscle 'tfll' is not in muscles.yaml"),
        ("muscle: tfl\n", "muscle: tfll\n", "muscle 'tfl' has no entry under 'referrals'"),
        (
            "{region: groin, aspect: any,",
            "{region: groin, aspect: front,",
            "place groin/front is not a location",
        ),
        ("{view: back, x: 22, y: 398,", "{view: side, x: 22, y: 398,", "view must be one of"),
        ("{view: back, x: 22, y: 398,", "{view: back, x: 220, y: 398,", "'x' 220 is outside"),
        (
            "{muscle: piriformis, equipment: foam_roller,",
            "{muscle: piriformis, equipment: lacrosse_ball,",
            "spot piriformis/lacrosse_ball is given twice",
        ),
        ("lean: down}", "lean: sideways}", "lean must be one of"),
    ],
)
def test_a_broken_geometry_file_names_file_and_line(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    problems = _broken(tmp_path, old, new)
    hits = [p for p in problems if message in p]
    assert hits, f"expected '{message}' in {problems}"
    assert all(p.startswith("geometry.yaml:") for p in hits), hits


def test_every_red_flag_has_a_screen_action(tmp_path: Path) -> None:
    directory = tmp_path / "content"
    shutil.copytree(CONTENT, directory)
    path = directory / "screens.yaml"
    lines = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if "id: knee_injury" not in line
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ContentError, match="red flag 'knee_injury' has no entry"):
        load_geometry(directory, catalogue())


# --------------------------------------------------------------------------- gallery and icons


def test_the_gallery_svgs_are_well_formed_current_and_have_their_pngs() -> None:
    screens = sample_screens(catalogue(), geometry())
    assert len({n.split("-")[0] for n in screens if n.endswith("-hold")}) >= 3
    for stem, screen in screens.items():
        path = GALLERY / f"{stem}.svg"
        assert path.read_text(encoding="utf-8") == svg(screen), (
            f"{path} is out of date: run tpcoach gallery --icons"
        )
        assert path.with_suffix(".png").is_file(), f"{path.with_suffix('.png')} missing"
    for path in GALLERY.glob("*.svg"):
        ET.parse(path)  # raises on XML that is not well formed


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_manifest_points_at_icons_of_the_sizes_alexa_asks_for() -> None:
    manifest = json.loads((DEFAULT_PACKAGE / MANIFEST).read_text(encoding="utf-8"))["manifest"]
    for info in manifest["publishingInformation"]["locales"].values():
        for key, size in (("smallIconUri", 108), ("largeIconUri", 512)):
            uri = info[key]
            assert uri.startswith("file://assets/"), uri
            path = DEFAULT_PACKAGE / uri.removeprefix("file://")
            assert _png_size(path) == (size, size), f"{path} must be {size} x {size}"
    interfaces = manifest["apis"]["custom"]["interfaces"]
    assert [i["type"] for i in interfaces] == [
        "ALEXA_PRESENTATION_APL",
        "CAN_FULFILL_INTENT_REQUEST",
    ]
