"""``tpcoach``: check the content, build the interaction model, serve the skill, talk to it."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from skill.content import (
    DEFAULT_CONTENT_DIR,
    LOCALES,
    ContentError,
    content_dir,
    load,
    load_geometry,
)


def _shipped(directory: Path) -> bool:
    """The content the compiled artifact (skill/compiled.py) is built from."""
    return directory.resolve() == DEFAULT_CONTENT_DIR.resolve()


def check(args: argparse.Namespace) -> int:
    """Validate everything shipped; list every problem, exit non-zero if there is one."""
    directory = Path(args.content) if args.content else content_dir()
    problems: list[str] = []
    try:
        cat = load(directory)
    except ContentError as exc:
        problems.extend(f"{directory / p.file}:{p.line}: {p.message}" for p in exc.problems)
        cat = None
    if cat is not None:
        try:
            load_geometry(directory, cat)
        except ContentError as exc:
            problems.extend(f"{directory / p.file}:{p.line}: {p.message}" for p in exc.problems)
        for icon in ("smallIcon-108.png", "largeIcon-512.png"):
            if not (Path(args.model) / "assets" / "images" / icon).is_file():
                problems.append(
                    f"{Path(args.model) / 'assets' / 'images' / icon}: missing icon"
                    " (tpcoach gallery --icons writes it)"
                )
        if _shipped(directory):
            from skill import compiled

            why = compiled.stale(directory)
            if why:
                problems.append(f"{compiled.ARTIFACT}: {why}")
        from tpcoach import model

        problems.extend(model.check_model(cat, Path(args.model)))
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    assert cat is not None
    locations = sum(len(r.locations) for r in cat.regions.values())
    print(
        f"content OK: {len(cat.regions)} regions, {locations} pain locations, "
        f"{len(cat.muscles)} muscles, {len(cat.routines)} routines, "
        f"{len(cat.responses)} responses"
    )
    return 0


def build_model(args: argparse.Namespace) -> int:
    """Write the interaction model (and ask-resources.json beside it) from the content."""
    directory = Path(args.content) if args.content else content_dir()
    try:
        cat = load(directory)
    except ContentError as exc:
        for p in exc.problems:
            print(f"{directory / p.file}:{p.line}: {p.message}", file=sys.stderr)
        return 1
    from tpcoach import model

    try:
        endpoint = model.endpoint(args.endpoint, args.certificate) if args.endpoint else None
    except ValueError as exc:
        print(f"tpcoach build-model: {exc}", file=sys.stderr)
        return 2
    for path in model.write_model(cat, Path(args.model), endpoint):
        print(f"wrote {path}")
    if _shipped(directory):
        from skill import compiled

        try:
            changed = compiled.build(directory)
        except ContentError as exc:
            for p in exc.problems:
                print(f"{directory / p.file}:{p.line}: {p.message}", file=sys.stderr)
            return 1
        if changed:
            print(f"wrote {compiled.ARTIFACT}")
    return 0


def serve(args: argparse.Namespace) -> int:
    web = importlib.import_module("skill.web")
    return int(
        web.serve(
            host=args.host,
            port=args.port,
            store=args.store,
            skill_id=args.skill_id,
            verify=not args.no_verify,
        )
    )


def chat(args: argparse.Namespace) -> int:
    return int(importlib.import_module("tpcoach.chat").chat(args))


def say(args: argparse.Namespace) -> int:
    return int(importlib.import_module("tpcoach.chat").say(args))


def _talk_options(p: argparse.ArgumentParser) -> None:
    """What ``chat`` and ``say`` share: where the skill runs and who is talking."""
    p.add_argument("--url", help="POST to a running endpoint (tpcoach serve --no-verify)")
    p.add_argument(
        "--store", help="store URL (default: TPCOACH_STORE, else SQLite in your data dir)"
    )
    p.add_argument(
        "--locale",
        default="en-US",
        choices=LOCALES,
        help=f"the interaction model's locale: {', '.join(LOCALES)}",
    )
    p.add_argument("--user", help="the Alexa user id (default: a local user)")
    p.add_argument("--skill-id", default=os.environ.get("TPCOACH_SKILL_ID"))
    p.add_argument("--model", help="interaction model file (default: the shipped one)")
    p.add_argument("--intents", action="store_true", help="show the intent and slots heard")


def gallery(args: argparse.Namespace) -> int:
    """Write the screens and icons as SVG and PNG to docs/gallery (and the icons' PNGs to the
    skill package with --icons)."""
    module = importlib.import_module("tpcoach.gallery")
    assets = module.ASSETS if args.icons else None
    for path in module.write_gallery(Path(args.out), assets):
        print(f"wrote {path}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tpcoach", description=__doc__)
    p.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("check", help="validate the content and the interaction model")
    c.add_argument("--content", help="content directory (default: the shipped content/)")
    c.add_argument(
        "--model",
        default=str(Path(__file__).resolve().parent.parent / "interaction_model"),
        help="skill package directory to check",
    )
    c.set_defaults(func=check)

    b = sub.add_parser("build-model", help="write the interaction model from the content")
    b.add_argument("--content", help="content directory (default: the shipped content/)")
    b.add_argument(
        "--model",
        default=str(Path(__file__).resolve().parent.parent / "interaction_model"),
        help="skill package directory to write (ask-resources.json goes beside it)",
    )
    b.add_argument(
        "--endpoint",
        help="for a deployment: the skill's Lambda ARN or https URL (leave it out to commit)",
    )
    b.add_argument(
        "--certificate",
        default="Trusted",
        choices=["Trusted", "Wildcard", "SelfSigned"],
        help="the https endpoint's certificate type (default: Trusted)",
    )
    b.set_defaults(func=build_model)

    g = sub.add_parser("gallery", help="write the screens and icons as SVG and PNG")
    g.add_argument(
        "--out", default=str(Path(__file__).resolve().parent.parent / "docs" / "gallery")
    )
    g.add_argument("--icons", action="store_true", help="also copy the icon PNGs to the package")
    g.set_defaults(func=gallery)

    s = sub.add_parser("serve", help="run the skill as an HTTPS-ready web endpoint")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=5000)
    s.add_argument("--store", default=os.environ.get("TPCOACH_STORE"), help="store URL")
    s.add_argument("--skill-id", default=os.environ.get("TPCOACH_SKILL_ID"))
    s.add_argument(
        "--no-verify",
        action="store_true",
        help="skip signature and timestamp checks (local clients only)",
    )
    s.set_defaults(func=serve)

    t = sub.add_parser("chat", help="talk to the skill in the terminal, one utterance a line")
    _talk_options(t)
    t.add_argument("--fast", action="store_true", help="do not wait out the holds")
    t.add_argument("--speak", action="store_true", help="read the answers aloud (espeak-ng)")
    t.set_defaults(func=chat)

    y = sub.add_parser("say", help="say one utterance to the skill and print the answer")
    y.add_argument("utterance", help='what you would say, e.g. "why does my knee hurt"')
    _talk_options(y)
    y.add_argument("--session", help="JSON file keeping the session between calls")
    y.add_argument("--new", action="store_true", help="start a fresh session")
    y.add_argument("--json", action="store_true", help="print the request and response envelopes")
    y.set_defaults(func=say)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
