"""How long the skill's answers take to say, measured with espeak-ng and sox.

    .venv/bin/python benchmarks/speech_length.py            # the table
    .venv/bin/python benchmarks/speech_length.py --steps    # also every routine step

For each question the skill is asked in process (real request envelopes, in-memory store); the
answer's SSML is spoken by espeak-ng to a WAV file and sox measures it. "first muscle" is the time
until the first muscle's name begins. Each routine step is measured without its timed hold (the
hold is the point of the step, not talk): its number and the instruction. The warning on where not
to press comes earlier, with what to fetch. Aims: first muscle within about 8 s; each step under
15 s.

espeak-ng speaks at 175 words a minute by default, a little faster than Alexa's voice; the
figures are for comparing answers with each other and with the aims, not to the tenth of a second.
Needs: apt-get install espeak-ng sox.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from skill.app import build_skill_builder
from skill.content import catalogue
from skill.local import Client, SlotValue, in_process, speech_of
from skill.speech import plain, step_text
from skill.state import SESSION_KEY
from skill.stores import open_store

QUESTIONS: list[tuple[str, str, dict[str, str]]] = [
    ("why does the outside of my knee hurt", "PainIntent", {"region": "knee", "aspect": "outside"}),
    ("why does the front of my knee hurt", "PainIntent", {"region": "knee", "aspect": "front"}),
    ("why does the back of my knee hurt", "PainIntent", {"region": "knee", "aspect": "back"}),
    ("I have pain in my left achilles", "PainIntent", {"region": "achilles", "side": "left"}),
    ("why does the bottom of my heel hurt", "PainIntent", {"region": "heel", "aspect": "bottom"}),
    ("what causes groin pain when I run", "PainIntent", {"region": "groin"}),
    ("why does the outside of my hip hurt", "PainIntent", {"region": "hip", "aspect": "outside"}),
    ("my low back hurts", "PainIntent", {"region": "low_back"}),
    ("I think I have shin splints", "PainIntent", {"condition": "shin_splints"}),
    ("I think I have IT band syndrome", "PainIntent", {"condition": "it_band_syndrome"}),
    ("why does my buttock hurt", "PainIntent", {"region": "buttock"}),
]


def seconds_to_say(ssml_or_text: str, workdir: Path) -> float:
    wav = workdir / "speech.wav"
    doc = ssml_or_text if ssml_or_text.startswith("<speak>") else f"<speak>{ssml_or_text}</speak>"
    subprocess.run(["espeak-ng", "-m", "-w", str(wav), doc], check=True, capture_output=True)
    out = subprocess.run(["soxi", "-D", str(wav)], check=True, capture_output=True, text=True)
    return float(out.stdout.strip())


def ask(question: tuple[str, str, dict[str, str]]) -> dict[str, Any]:
    client = Client(in_process(build_skill_builder(open_store("memory"))))
    _, intent, slots = question
    values = {k: SlotValue(v.replace("_", " "), id=v) for k, v in slots.items()}
    return client.intent(intent, values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", action="store_true", help="list every routine step too")
    args = parser.parse_args()
    for tool in ("espeak-ng", "soxi"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: apt-get install espeak-ng sox", file=sys.stderr)
            return 2
    cat = catalogue()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        print(f"{'question':<42} {'whole':>7} {'first muscle':>13}  muscle")
        worst_first = 0.0
        for question in QUESTIONS:
            response = ask(question)
            ssml = speech_of(response)
            state = response.get("sessionAttributes", {}).get(SESSION_KEY, {})
            muscles = state.get("muscles") or []
            whole = seconds_to_say(ssml, workdir)
            first = float("nan")
            name = ""
            if muscles:
                name = cat.muscles[muscles[0]].name
                words = plain(ssml)
                before = words[: words.find(name)] if name in words else words
                first = seconds_to_say(before, workdir) if before.strip() else 0.0
                worst_first = max(worst_first, first)
            print(f"{question[0]:<42} {whole:>6.1f}s {first:>12.1f}s  {name}")
        print(f"\nlongest time to the first muscle: {worst_first:.1f} s (aim: about 8 s)")

        durations = []
        for (muscle, equipment), routine in sorted(cat.routines.items()):
            total = len(routine.steps)
            for number, step in enumerate(routine.steps, start=1):
                spoken = f"Step {number} of {total}. "
                spoken += step_text(step, "left", cat.equipment[equipment].name)
                seconds = seconds_to_say(spoken, workdir)
                durations.append((seconds, f"{muscle}/{equipment} step {number}"))
                if args.steps:
                    print(f"{muscle + '/' + equipment:<36} step {number}: {seconds:5.1f}s")
        durations.sort(reverse=True)
        over = [d for d in durations if d[0] >= 15]
        print(
            f"routine steps: {len(durations)}, longest {durations[0][0]:.1f} s"
            f" ({durations[0][1]}), median {durations[len(durations) // 2][0]:.1f} s,"
            f" {len(over)} at 15 s or more (aim: none)"
        )
        for seconds, where in over:
            print(f"  {seconds:.1f}s {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
