"""``utterances.yaml``: what the skill hears around the content's own words: launch phrases,
fillers, carriers, answers to each question, meanings read inside sentences, locale words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from skill.content.builders import Build
from skill.content.objects import BUILT_IN_ANSWERS, LOCALES, MEANINGS, Language
from skill.content.reader import Reader, YamlMap, empty_map
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
        # "switch" and "routine" name how something is asked, not an answer, and "hedged" is
        # read only at the safety screen ("a bit" there, "a bit better" at the follow-up): they
        # may overlap.
        meanings[key] = (
            utt.get_words(mea, key)
            if key in ("switch", "routine", "hedged")
            else phrases(mea, key, key)
        )
    body: dict[str, tuple[str, ...]] = {}
    bod = utt.get_map(root, "body_words") or empty_map()
    for key in bod:
        ids = utt.get_words(bod, key)
        for rid in ids:
            line = bod.key_lines[key]
            b.refer("region", rid, utt, line, f"body_words: '{rid}' is not a region")
        body[normalise(key)] = ids
    typed = _typed(utt)
    say, hear = _locales(utt, typed["typed_fills"])
    return Language(
        launch=utt.get_words(inv, "launch"),
        one_shot=utt.get_words(inv, "one_shot"),
        connectors=utt.get_words(inv, "connectors"),
        exit=utt.get_words(inv, "exit"),
        wake=utt.get_words(inv, "wake"),
        leading_fillers=utt.get_words(fil, "leading"),
        trailing_fillers=utt.get_words(fil, "trailing"),
        within_fillers=frozenset(utt.get_words(fil, "within")),
        openers=tuple(
            dict.fromkeys(
                (
                    *utt.get_words(car, "openers"),
                    *utt.get_words(car, "sign_first", required=False),
                    *utt.get_words(car, "common", required=False),
                )
            )
        ),
        second_words=tuple(dict.fromkeys(utt.get_words(car, "second_words"))),
        whole_only=frozenset(utt.get_words(car, "whole_only", required=False)),
        kit_first=frozenset(utt.get_words(car, "kit_first", required=False)),
        sign_words=MappingProxyType(_sign_words(utt, car)),
        said_as=MappingProxyType(_said_as(utt, car)),
        answers=MappingProxyType(answers),
        meanings=MappingProxyType(meanings),
        out_of_domain=utt.get_words(root, "out_of_domain"),
        body_words=MappingProxyType(body),
        news=utt.get_words(root, "news", required=False),
        news_calm=utt.get_words(root, "news_calm", required=False),
        asking=utt.get_words(root, "asking", required=False),
        recounting=utt.get_words(root, "recounting", required=False),
        locale_say=MappingProxyType(say),
        locale_hear=MappingProxyType(hear),
        **typed,
    )


def _sign_words(utt: Reader, car: YamlMap) -> dict[str, frozenset[str]]:
    """``carriers.sign_words``: pools of carriers that begin signs, each pool named in one word
    (its intent is SignWord<Name>Intent)."""
    node = car.get("sign_words")
    if node is None:
        return {}
    if not isinstance(node, YamlMap):
        utt.problem(utt.line_of(car, "sign_words"), "'sign_words' must be a mapping of pools")
        return {}
    out: dict[str, frozenset[str]] = {}
    for key in node:
        name = str(key)
        if not (name.isalpha() and name.islower()):
            utt.problem(
                node.key_lines[key], f"sign_words: pool '{name}' must be one lowercase word"
            )
            continue
        out[name] = frozenset(utt.get_words(node, key))
    return out


def _said_as(utt: Reader, car: YamlMap) -> dict[str, str]:
    """``carriers.said_as``: openers that the lead of another opener may carry, each the same
    word to the skill ("nearly" said as "almost"); both must be openers."""
    node = car.get("said_as")
    if node is None:
        return {}
    if not isinstance(node, YamlMap):
        utt.problem(utt.line_of(car, "said_as"), "'said_as' must be a mapping")
        return {}
    openers = {
        *utt.get_words(car, "openers"),
        *utt.get_words(car, "sign_first", required=False),
        *utt.get_words(car, "common", required=False),
    }
    out: dict[str, str] = {}
    for key, value in node.items():
        word, as_word = normalise(str(key)), normalise(str(value))
        for w in (word, as_word):
            if w not in openers:
                utt.problem(node.key_lines[key], f"said_as: '{w}' is not one of the openers")
        if word == as_word or as_word in {normalise(str(k)) for k in node}:
            utt.problem(node.key_lines[key], f"said_as: '{as_word}' is itself said as another")
        out[word] = as_word
    return out


def _locales(
    utt: Reader, fills: Mapping[str, Any]
) -> tuple[dict[str, Mapping[str, str]], dict[str, tuple[str, ...]]]:
    """``locales``: per locale, the words it says instead (``say``) and the typed TellIntent
    templates only its model hears (``hear``)."""
    say: dict[str, Mapping[str, str]] = {}
    hear: dict[str, tuple[str, ...]] = {}
    loc = utt.get_map(utt.root, "locales") or empty_map()
    for key in loc:
        if key not in LOCALES:
            utt.problem(loc.key_lines[key], f"locales: '{key}' is not one of {', '.join(LOCALES)}")
            continue
        node = loc[key]
        words = node.get("say") if isinstance(node, dict) else None
        say[key] = MappingProxyType(
            {normalise(k): str(v) for k, v in (words or {}).items() if isinstance(v, str)}
        )
        if isinstance(node, YamlMap) and "hear" in node:
            hear[key] = tuple(_templates(utt, node, "hear", TYPED_SLOTS["tell"], fills))
    return say, hear


# The slots a typed template may name, by the intent whose samples it becomes.
TYPED_SLOTS = {
    "tell": frozenset({"region", "aspect", "side", "condition", "muscle", "equipment", "topic"}),
    "routine": frozenset({"muscle", "side", "equipment"}),
}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _templates(
    utt: Reader, parent: YamlMap, key: str, allowed: frozenset[str], fills: Mapping[str, Any]
) -> list[str]:
    """A list of typed templates; each placeholder is a slot in ``allowed`` or a fill."""
    out = []
    line = utt.line_of(parent, key)
    for text in utt.get_texts(parent, key):
        for name in _PLACEHOLDER.findall(text):
            if name not in allowed and name not in fills:
                utt.problem(
                    line,
                    f"typed: '{{{name}}}' in '{text}' is neither a slot here "
                    f"({', '.join(sorted(allowed))}) nor a fill",
                )
        if text.count("{") != text.count("}"):
            utt.problem(line, f"typed: unbalanced braces in '{text}'")
        out.append(text)
    return out


def _typed(utt: Reader) -> dict[str, Any]:
    """``typed``: fills (capitalised names, each a list of phrases that may name slots) and the
    templates of each intent, grouped by what they say; every placeholder is a slot the intent
    has or a fill, and each sample is kept as written (Alexa reads its case)."""
    node = utt.get_map(utt.root, "typed") if "typed" in utt.root else None
    node = node or empty_map()  # optional: a model without typed samples
    fills_node = (utt.get_map(node, "fills") if "fills" in node else None) or empty_map()
    every_slot = TYPED_SLOTS["tell"] | TYPED_SLOTS["routine"]

    fills: dict[str, tuple[str, ...]] = {}
    for key in fills_node:
        if not key.isupper():
            utt.problem(fills_node.key_lines[key], f"typed: a fill's name is in capitals ('{key}')")
            continue
        fills[key] = tuple(_templates(utt, fills_node, key, every_slot, {}))
    groups: dict[str, tuple[str, ...]] = {}
    for intent_key, allowed in TYPED_SLOTS.items():
        part = (utt.get_map(node, intent_key) if intent_key in node else None) or empty_map()
        found: list[str] = []
        for key in part:
            found += _templates(utt, part, key, allowed, fills)
        groups[intent_key] = tuple(dict.fromkeys(found))
    return {
        "typed_fills": MappingProxyType(fills),
        "typed_tell": groups["tell"],
        "typed_routine": groups["routine"],
    }
