"""``tpcoach chat`` and ``tpcoach say``: the skill in a terminal, as a device would talk to it.

A typed line goes through :mod:`tpcoach.nlu` (the interaction model) to a real request envelope,
which :class:`tpcoach.local.Client` sends with the session of the previous turn, to the skill in
this process (with the embedded store) or to a running endpoint (``--url``). The answer is
printed as plain text; each timed hold in it (the SSML breaks between the cues) is shown as
``[holding: N s]`` and waited out, unless ``--fast``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import shutil
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from skill.text import plain
from tpcoach.local import Client, Envelope, Transport, ended, in_process, speech_of
from tpcoach.nlu import Model, Understanding

Exchange = tuple[Envelope, Envelope]  # (request envelope, response envelope)

HOLD_MIN_SECONDS = 4.0  # silences at least this long are holds, shown and counted down
PREFIX = "coach: "
INDENT = " " * len(PREFIX)
ESPEAK = "espeak-ng"
ESPEAK_MISSING = (
    "--speak: espeak-ng is not installed, so answers are printed only. "
    "Install it with: sudo apt-get install espeak-ng"
)


class EndpointError(Exception):
    """The endpoint could not be reached or did not answer with a response envelope."""


# --------------------------------------------------------------------------- transports


def http_transport(url: str, timeout: float = 10.0) -> Transport:
    """POSTs each envelope as JSON to ``url`` (e.g. ``tpcoach serve --no-verify``)."""

    def send(env: Envelope) -> Envelope:
        body = json.dumps(env).encode("utf-8")
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                result = json.loads(answer.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace").strip()[:300]
            raise EndpointError(f"{url} answered HTTP {error.code}: {detail}") from error
        except (urllib.error.URLError, OSError) as error:
            raise EndpointError(f"cannot reach {url}: {error}") from error
        except ValueError as error:
            raise EndpointError(f"{url} did not answer with JSON: {error}") from error
        if not isinstance(result, dict):
            raise EndpointError(f"{url} did not answer with a response envelope")
        return result

    return send


def open_transport(url: str | None, store: str | None, skill_id: str | None = None) -> Transport:
    """The endpoint at ``url``, else the skill in this process with the store at ``store``
    (default: ``TPCOACH_STORE``, else the SQLite file in the user's data directory)."""
    if url:
        return http_transport(url)
    from skill.app import build_skill_builder
    from skill.stores import local_store_url, open_store

    return in_process(build_skill_builder(open_store(store or local_store_url()), skill_id))


# --------------------------------------------------------------------------- one utterance


def utter(client: Client, understood: Understanding) -> list[Exchange]:
    """Sends what Alexa would send for one understood utterance; returns what went back and forth.

    A launch phrase or a one-shot ("ask trigger point coach ...") said while a session is open
    ends that session first (``USER_INITIATED``), as Alexa does, then starts a new one. "exit"
    ends the session. An utterance outside a session starts one, as a one-shot would.
    """
    exchanges: list[Exchange] = []

    def record(response: Envelope | None) -> None:
        if response is not None and client.last_request is not None:
            exchanges.append((client.last_request, response))

    if understood.kind == "end":
        record(client.end_session("USER_INITIATED"))
        return exchanges
    if understood.new_session and client.in_session:
        record(client.end_session("USER_INITIATED"))
    record(client.send(understood.request(client.locale, client.skill_id)))
    return exchanges


# --------------------------------------------------------------------------- showing an answer


@dataclass
class Paragraph:
    """Speech up to the next hold: its SSML, its words with short pauses, then a hold."""

    ssml: str = ""
    pieces: list[tuple[str, float]] = field(default_factory=list)  # (words, pause after)
    hold: float = 0.0

    @property
    def text(self) -> str:
        return " ... ".join(w for w, _ in self.pieces if w)


_BREAK = re.compile(r"""<break\s+time\s*=\s*["']([\d.]+)\s*(ms|s)["']\s*/>""")


def paragraphs(ssml: str) -> list[Paragraph]:
    """Splits speech at its holds: runs of breaks adding up to at least
    :data:`HOLD_MIN_SECONDS`. Shorter pauses (counting repetitions) stay inside a paragraph."""
    ssml = re.sub(r"</?speak>", "", ssml)
    # (text, seconds of the breaks that follow it); consecutive breaks add up.
    runs: list[tuple[str, str, float]] = []
    position = 0
    for match in _BREAK.finditer(ssml):
        between = ssml[position : match.start()]
        seconds = float(match.group(1)) / (1000 if match.group(2) == "ms" else 1)
        if runs and not plain(between):
            text, markup, pause = runs[-1]
            runs[-1] = (text, markup + match.group(0), pause + seconds)
        else:
            runs.append((plain(between), between + match.group(0), seconds))
        position = match.end()
    if plain(ssml[position:]):
        runs.append((plain(ssml[position:]), ssml[position:], 0.0))
    out = [Paragraph()]
    for text, markup, pause in runs:
        current = out[-1]
        if pause >= HOLD_MIN_SECONDS:
            current.ssml += _BREAK.sub("", markup)
            current.pieces.append((text, 0.0))
            current.hold = pause
            out.append(Paragraph())
        else:
            current.ssml += markup
            current.pieces.append((text, pause))
    return [p for p in out if p.pieces or p.hold]


class Speaker:
    """Reads SSML aloud with espeak-ng (``-m``: SSML), if it is installed."""

    def __init__(self, err: TextIO) -> None:
        self.executable = shutil.which(ESPEAK)
        if self.executable is None:
            print(ESPEAK_MISSING, file=err)

    def speak(self, ssml: str) -> None:
        if self.executable is not None and plain(ssml):
            subprocess.run(
                [self.executable, "-m", f"<speak>{ssml}</speak>"],
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )


@dataclass
class Screen:
    """Prints answers: plain words wrapped under ``coach:``, holds counted down, cards, ends."""

    out: TextIO
    fast: bool = False
    speaker: Speaker | None = None
    sleep: Callable[[float], None] = time.sleep
    live: bool = False  # a terminal: count holds down in place
    width: int = 100

    def line(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def note(self, text: str) -> None:
        self.line(f"  ({text})")

    def wait(self, seconds: float) -> None:
        if not self.fast and seconds > 0:
            self.sleep(seconds)

    def words(self, text: str, column: int) -> int:
        """Writes words from ``column``, wrapping under the prefix; returns the new column."""
        for word in text.split():
            if column > len(INDENT) and column + 1 + len(word) > self.width:
                self.out.write("\n" + INDENT)
                column = len(INDENT)
            elif column > len(INDENT):
                self.out.write(" ")
                column += 1
            self.out.write(word)
            column += len(word)
        return column

    def hold(self, seconds: float) -> None:
        label = f"{INDENT}[holding: {seconds:g} s]"
        if self.fast or not self.live:
            self.line(label)
            self.wait(seconds)
            return
        left = seconds
        while left > 0:
            self.out.write(f"\r{label} {left:.0f} s left ")
            self.out.flush()
            step = min(1.0, left)
            self.sleep(step)
            left -= step
        self.out.write(f"\r{label}           \n")
        self.out.flush()

    def speech(self, ssml: str) -> None:
        parts = paragraphs(ssml)
        if not parts:
            return
        self.out.write(PREFIX)
        for i, paragraph in enumerate(parts):
            if i:
                self.out.write(INDENT)
            column = len(INDENT)
            speaking = self.speaker is not None and self.speaker.executable is not None
            for j, (text, pause) in enumerate(paragraph.pieces):
                if j and text:
                    column = self.words("...", column)
                column = self.words(text, column)
                self.out.flush()
                if pause and not speaking:
                    self.wait(pause)
            self.out.write("\n")
            self.out.flush()
            if self.speaker is not None:
                self.speaker.speak(paragraph.ssml)
            if paragraph.hold:
                self.hold(paragraph.hold)

    def card(self, response: Envelope) -> None:
        card = (response.get("response") or {}).get("card") or {}
        if not card:
            return
        self.line(f"{INDENT}[card] {card.get('title', '')}".rstrip())
        body = str(card.get("content") or card.get("text") or "")
        for text in body.splitlines():
            # Wrapped under the title; a list item's lines hang under its first word.
            bullet = re.match(r"(\d+\.|-) ", text)
            hang = " " * len(bullet.group(0)) if bullet else ""
            self.line(
                textwrap.fill(
                    text,
                    self.width,
                    initial_indent=f"{INDENT}  ",
                    subsequent_indent=f"{INDENT}  {hang}",
                )
                if text.strip()
                else ""
            )

    def exchange(self, request: Envelope, response: Envelope) -> None:
        if request["request"]["type"] == "SessionEndedRequest":
            self.line(f"(session ended: {request['request'].get('reason', '')})")
            return
        self.speech(speech_of(response))
        self.card(response)
        if ended(response):
            self.line("(session ended)")

    def understood(self, understood: Understanding, show_intent: bool) -> None:
        if show_intent:
            self.note(f"-> {understood.describe()}")
        if not understood.matched:
            closest = "; ".join(f'"{s}"' for s in understood.closest)
            self.note(f"I matched nothing; closest: {closest}")
        for name, slot in understood.slots.items():
            if slot.id is None and slot.slot_type != "AMAZON.SearchQuery":
                self.note(f"heard {name} '{slot.value}', which is not a value in the model")


# --------------------------------------------------------------------------- chat


@dataclass
class Chat:
    """The REPL: one utterance a line; an empty line is silence."""

    client: Client
    model: Model
    screen: Screen
    show_intent: bool = False
    silent_turns: int = 0

    def turn(self, line: str) -> None:
        line = line.strip()
        if not line:
            self.silence()
            return
        self.silent_turns = 0
        understood = self.model.understand(line)
        self.screen.understood(understood, self.show_intent)
        if understood.kind == "end" and not self.client.in_session:
            self.screen.note("no session is open")
            return
        for request, response in utter(self.client, understood):
            self.screen.exchange(request, response)

    def silence(self) -> None:
        """Nothing said: Alexa plays the reprompt, then ends the session after a second silence."""
        if not self.client.in_session:
            return
        self.silent_turns += 1
        reprompt = ((self.client.last_response or {}).get("response") or {}).get("reprompt")
        if self.silent_turns == 1 and reprompt:
            self.screen.note("silence: the reprompt plays")
            self.screen.speech(str((reprompt.get("outputSpeech") or {}).get("ssml") or ""))
            return
        self.silent_turns = 0
        self.end("EXCEEDED_MAX_REPROMPTS")

    def end(self, reason: str) -> None:
        response = self.client.end_session(reason)
        if response is not None and self.client.last_request is not None:
            self.screen.exchange(self.client.last_request, response)

    def run(self, lines: Iterable[str]) -> None:
        try:
            for line in lines:
                try:
                    self.turn(line)
                except EndpointError as error:
                    self.screen.note(str(error))
        except KeyboardInterrupt:
            self.screen.line()
        # The input ended (or Ctrl-C) with a session open: the listener left; save their place.
        if self.client.in_session:
            try:
                self.end("USER_INITIATED")
            except EndpointError as error:
                self.screen.note(str(error))


def read_lines(stream: TextIO, out: TextIO, interactive: bool) -> Iterator[str]:
    """Lines typed at the ``you>`` prompt (with line editing), or piped in and echoed, so the
    output reads as a transcript."""
    if interactive:
        with contextlib.suppress(ImportError):  # line editing and history for input()
            import readline  # noqa: F401
        while True:
            try:
                yield input("you> ")
            except EOFError:
                out.write("\n")
                return
    for line in stream:
        if line.strip():
            print(f"you> {line.strip()}", file=out, flush=True)
        yield line


# --------------------------------------------------------------------------- say: session file


def load_session(client: Client, path: Path) -> None:
    """Continues the session kept in ``path`` (if it is still open)."""
    if not path.exists():
        return
    data = json.loads(path.read_text(encoding="utf-8") or "{}")
    if isinstance(data, dict) and data.get("sessionId"):
        client.session_id = str(data["sessionId"])
        client.attributes = dict(data.get("attributes") or {})


def save_session(client: Client, path: Path) -> None:
    data: dict[str, Any] = {
        "sessionId": client.session_id,
        "attributes": client.attributes if client.in_session else {},
        "userId": client.user_id,
    }
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- the commands


def _quiet(args: Any) -> None:
    """The skill's INFO logs would interleave with the conversation: warnings only, unless -v."""
    if not getattr(args, "verbose", False):
        logging.getLogger().setLevel(logging.WARNING)


def _client(args: Any) -> Client:
    transport = open_transport(args.url, args.store, args.skill_id)
    client = Client(transport, locale=args.locale)
    if args.user:
        client.user_id = args.user
    if args.skill_id:
        client.skill_id = args.skill_id
    return client


def _model(args: Any) -> Model:
    from tpcoach.nlu import load_model

    return load_model(args.model, locale=args.locale)


def chat(args: Any, stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    """``tpcoach chat``: a REPL on a terminal, one utterance a line from a pipe."""
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    _quiet(args)
    try:
        model = _model(args)
        client = _client(args)
    except (OSError, ValueError) as error:
        print(f"tpcoach chat: {error}", file=sys.stderr)
        return 2
    interactive = stdin.isatty()
    screen = Screen(
        out,
        fast=args.fast,
        speaker=Speaker(sys.stderr) if args.speak else None,
        live=out.isatty(),
        width=min(100, shutil.get_terminal_size().columns) if out.isatty() else 100,
    )
    if interactive:
        screen.line(
            "Talk to Trigger Point Coach: type what you would say, e.g. 'open trigger point "
            "coach' or 'why does the outside of my knee hurt'.\nAn empty line is silence; "
            "'exit' ends the session; Ctrl-D quits."
        )
    Chat(client, model, screen, show_intent=args.intents).run(read_lines(stdin, out, interactive))
    return 0


def say(args: Any, out: TextIO | None = None) -> int:
    """``tpcoach say "..."``: one utterance in a fresh session or the one kept in ``--session``."""
    out = out or sys.stdout
    _quiet(args)
    try:
        model = _model(args)
        client = _client(args)
        session_file = Path(args.session) if args.session else None
        if session_file is not None and not args.new:
            load_session(client, session_file)
    except (OSError, ValueError) as error:
        print(f"tpcoach say: {error}", file=sys.stderr)
        return 2
    understood = model.understand(args.utterance)
    screen = Screen(out, fast=True)
    try:
        if not args.utterance.strip() or understood.kind == "end":
            # Silence or "exit": Alexa ends the session that is open, if any.
            reason = "USER_INITIATED" if understood.kind == "end" else "EXCEEDED_MAX_REPROMPTS"
            response = client.end_session(reason)
            exchanges = (
                [(client.last_request, response)]
                if response is not None and client.last_request is not None
                else []
            )
        else:
            exchanges = utter(client, understood)
    except EndpointError as error:
        print(f"tpcoach say: {error}", file=sys.stderr)
        return 1
    if session_file is not None:
        save_session(client, session_file)
    if args.json:
        request, response = exchanges[-1] if exchanges else (None, None)
        print(json.dumps({"request": request, "response": response}, indent=2), file=out)
        return 0
    if not exchanges:
        screen.note("no session is open")
    screen.understood(understood, args.intents)
    for request, response in exchanges:
        screen.exchange(request, response)
    if client.in_session and session_file is None:
        screen.note("the skill is waiting for an answer: keep the session with --session FILE")
    return 0
