"""``tpcoach gallery``: the screens and icons as SVG (and PNG, with rsvg-convert) for reviewers.

Writes ``docs/gallery/``: the answer, a step and a hold screen for a few muscles on the left and
on the right, the paused and red-flag screens, and the skill icons; with ``--icons`` the icons'
PNGs also go to the skill package (``interaction_model/assets/images``), where skill.json points.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from skill.content import Catalogue, Geometry, catalogue, geometry
from skill.screens import Screen, response_text, screen_for
from skill.state import Progress, State
from tpcoach.svg import icon_svg, svg

ROOT = Path(__file__).resolve().parent.parent
GALLERY = ROOT / "docs" / "gallery"
ASSETS = ROOT / "interaction_model" / "assets" / "images"
ICON_SIZES = {"smallIcon": 108, "largeIcon": 512}

# (region, aspect, routine muscle, equipment): one answer and its first muscle's routine
SAMPLES = (
    ("knee", "outside", "tfl", "lacrosse_ball"),
    ("calf", "back", "gastrocnemius", "foam_roller"),
    ("hip", "outside", "gluteus_medius", "lacrosse_ball"),
)


def sample_screens(cat: Catalogue, geo: Geometry) -> dict[str, Screen]:
    """Every screen of the gallery, by file stem."""
    screens: dict[str, Screen] = {}
    for region, aspect, muscle, equipment in SAMPLES:
        ranked = [m.muscle for m in cat.regions[region].locations[aspect].muscles]
        routine = cat.routine(muscle, equipment)
        assert routine is not None
        hold_at = next(i for i, s in enumerate(routine.steps) if s.seconds)
        for side in ("left", "right"):
            state = State(region=region, aspect=aspect, side=side, muscles=ranked)
            state.pending = "offer_routine"
            answer = screen_for(cat, geo, state, ["answer"], "")
            assert answer is not None
            screens[f"{muscle}-{side}-answer"] = answer
            for label, index in (("step", 0), ("hold", hold_at)):
                state = State(side=side, muscles=ranked)
                state.routine = Progress(muscle, equipment, side, step=index, started=True)
                seconds = routine.steps[index].seconds
                spoken = response_text(cat, "hold_start", seconds=seconds) if seconds else ""
                screen = screen_for(cat, geo, state, [f"step:{muscle}:{index + 1}"], spoken)
                assert screen is not None
                screens[f"{muscle}-{side}-{label}"] = screen
    state = State(side="left")
    state.routine = Progress("tfl", "lacrosse_ball", "left", step=2, started=True)
    paused = screen_for(cat, geo, state, ["paused"], "")
    assert paused is not None
    screens["tfl-left-paused"] = paused
    clot = next(f for f in cat.safety.red_flags if f.id == "possible_clot")
    advice = clot.advice.format(**cat.safety.numbers["en-US"])
    red = screen_for(cat, geo, State(), [f"red_flag:{clot.id}"], advice)
    assert red is not None
    screens["red-flag-clot"] = red
    return screens


def to_png(svg_path: Path, png_path: Path, width: int | None = None) -> bool:
    converter = shutil.which("rsvg-convert")
    if converter is None:
        return False
    size = ["--width", str(width)] if width else []
    subprocess.run([converter, *size, "-o", str(png_path), str(svg_path)], check=True)
    return True


def write_gallery(out: Path = GALLERY, assets: Path | None = None) -> list[Path]:
    cat, geo = catalogue(), geometry()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    rows = []
    for stem, screen in sample_screens(cat, geo).items():
        path = out / f"{stem}.svg"
        path.write_text(svg(screen), encoding="utf-8")
        written.append(path)
        if to_png(path, path.with_suffix(".png")):
            written.append(path.with_suffix(".png"))
        rows.append(f"| `{stem}` | ![{stem}]({stem}.png) |")
    for name, size in ICON_SIZES.items():
        path = out / f"{name}-{size}.svg"
        path.write_text(icon_svg(geo, size), encoding="utf-8")
        written.append(path)
        if to_png(path, path.with_suffix(".png")):
            written.append(path.with_suffix(".png"))
            if assets is not None:
                assets.mkdir(parents=True, exist_ok=True)
                target = assets / f"{name}-{size}.png"
                shutil.copyfile(path.with_suffix(".png"), target)
                written.append(target)
        rows.append(f"| `{name}` ({size} px) | ![{name}]({name}-{size}.png) |")
    index = out / "README.md"
    index.write_text(
        "# Screens gallery\n\n"
        "Written by `tpcoach gallery` from `content/geometry.yaml` and `content/screens.yaml`"
        " through the same `skill/screens.py` code that builds the APL documents; the SVGs are"
        " drawn as an Echo Show 8 (1280 x 800) would show them, a hold at its halfway cue. PNGs"
        " come from `rsvg-convert` (Debian: `apt-get install librsvg2-bin`).\n\n"
        "| screen | picture |\n| --- | --- |\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    written.append(index)
    return written
