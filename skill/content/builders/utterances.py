"""``utterances.yaml``: what the skill hears around the content's own words: launch phrases,
fillers, carriers, answers to each question, meanings read inside sentences, locale words."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from skill.content.builders import Build
from skill.content.objects import BUILT_IN_ANSWERS, LOCALES, MEANINGS, Language
from skill.content.reader import YamlMap, empty_map
from skill.text import normalise


def build(b: Build) -> Language:
    """The grammar around the content's words; each phrase means one thing."""
    utt = b.readers["utterances.yaml"]
    root = utt.root
    inv = utt.get_map(root, "invocation") or empty_map()
    fil = utt.get_map(root, "fillers") or empty_map()
    car = utt.get_map(root, "carriers") or empty_map()
    owners: dict[str, tuple[str, int]] = {}

    def phrases(node: YamlMap, key: str, owner: str) -> tuple[str, ...]:
        words = utt.get_words(node, key)
        line = utt.line_of(node, key)
        for w in words:
            if w in owners and owners[w][0] != owner:
                utt.problem(
                    line,
                    f"the phrase '{w}' means both {owners[w][0]} (line {owners[w][1]}) and {owner}",
                )
            owners.setdefault(w, (owner, line))
        return words

    answers: dict[str, tuple[str, ...]] = {}
    ans = utt.get_map(root, "answers") or empty_map()
    for key in ans:
        if key not in BUILT_IN_ANSWERS:
            utt.problem(
                ans.key_lines[key], f"answers: '{key}' is not one of {', '.join(BUILT_IN_ANSWERS)}"
            )
            continue
        answers[key] = phrases(ans, key, key)
    meanings: dict[str, tuple[str, ...]] = {}
    mea = utt.get_map(root, "meanings") or empty_map()
    for key in mea:
        if key not in MEANINGS:
            utt.problem(
                mea.key_lines[key], f"meanings: '{key}' is not one of {', '.join(MEANINGS)}"
            )
            continue
        # "switch" and "routine" name how something is asked, not an answer: they may overlap.
        meanings[key] = (
            utt.get_words(mea, key) if key in ("switch", "routine") else phrases(mea, key, key)
        )
    body: dict[str, tuple[str, ...]] = {}
    bod = utt.get_map(root, "body_words") or empty_map()
    for key in bod:
        ids = utt.get_words(bod, key)
        for rid in ids:
            line = bod.key_lines[key]
            b.refer("region", rid, utt, line, f"body_words: '{rid}' is not a region")
        body[normalise(key)] = ids
    say: dict[str, Mapping[str, str]] = {}
    loc = utt.get_map(root, "locales") or empty_map()
    for key in loc:
        if key not in LOCALES:
            utt.problem(loc.key_lines[key], f"locales: '{key}' is not one of {', '.join(LOCALES)}")
            continue
        node = loc[key]
        words = node.get("say") if isinstance(node, dict) else None
        say[key] = MappingProxyType(
            {normalise(k): str(v) for k, v in (words or {}).items() if isinstance(v, str)}
        )
    return Language(
        launch=utt.get_words(inv, "launch"),
        one_shot=utt.get_words(inv, "one_shot"),
        connectors=utt.get_words(inv, "connectors"),
        exit=utt.get_words(inv, "exit"),
        wake=utt.get_words(inv, "wake"),
        leading_fillers=utt.get_words(fil, "leading"),
        trailing_fillers=utt.get_words(fil, "trailing"),
        within_fillers=frozenset(utt.get_words(fil, "within")),
        openers=tuple(dict.fromkeys(utt.get_words(car, "openers"))),
        second_words=tuple(dict.fromkeys(utt.get_words(car, "second_words"))),
        answers=MappingProxyType(answers),
        meanings=MappingProxyType(meanings),
        out_of_domain=utt.get_words(root, "out_of_domain"),
        body_words=MappingProxyType(body),
        locale_say=MappingProxyType(say),
    )
