"""The line-aware YAML reader: each file's tree read into typed values, every problem noted
as ``file:line: problem`` instead of stopping at the first, and the small helpers the builders
share (sourced texts, placeholders, starred sign words, one owner per word).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skill.content.objects import Sourced
from skill.records import record
from skill.text import normalise

if TYPE_CHECKING:
    import yaml


@record
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ContentError(Exception):
    """Raised with every problem found in a content tree."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# --------------------------------------------------------------------------- YAML with line numbers


class YamlMap(dict[str, Any]):
    line: int = 0
    key_lines: dict[str, int]


class YamlSeq(list[Any]):
    line: int = 0
    item_lines: list[int]


@cache
def _line_loader() -> type[yaml.SafeLoader]:
    """A safe loader whose mappings and sequences remember the line they start on.

    Built on first use: PyYAML is imported only when YAML is read (``tpcoach check``, a build,
    or a start without an up-to-date compiled artifact, see skill/compiled.py).
    """
    import yaml

    # libyaml's parser when PyYAML was built with it (several times faster, same marks).
    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class _LineLoader(base):  # type: ignore[valid-type,misc]
        pass

    _LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
    _LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)
    return _LineLoader


def _construct_map(loader: yaml.SafeLoader, node: yaml.MappingNode) -> YamlMap:
    import yaml

    result = YamlMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_seq(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> YamlSeq:
    result = YamlSeq(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


# --------------------------------------------------------------------------- the loader


class Reader:
    """Reads one file's YAML tree into typed values, noting problems instead of stopping."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.name = path.name
        self.problems = problems
        self.root: YamlMap = YamlMap()
        self.root.key_lines = {}
        self.parsed = False
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            self.problem(1, f"cannot read file: {exc.strerror or exc}")
            return
        import yaml

        try:
            data = yaml.load(text, Loader=_line_loader())
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            self.problem(line, f"not valid YAML: {exc.problem or exc}")
            return
        if not isinstance(data, YamlMap):
            self.problem(1, "the file must be a mapping with a 'version' key")
            return
        self.root = data
        self.parsed = True
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool):
            self.problem(1, "missing 'version:' (an integer)")

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.name, line, message))

    # typed getters: each returns a usable default and records a problem when the value is wrong

    def line_of(self, node: YamlMap, key: str) -> int:
        return node.key_lines.get(key, node.line)

    def get_str(self, node: YamlMap, key: str, *, required: bool = True) -> str | None:
        value = node.get(key)
        if value is None:
            if required:
                self.problem(node.line, f"missing '{key}'")
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(self.line_of(node, key), f"'{key}' must be non-empty text")
            return None
        return value.strip()

    def get_int(self, node: YamlMap, key: str, *, required: bool = True) -> int | None:
        value = node.get(key)
        if value is None:
            if required:
                self.problem(node.line, f"missing '{key}'")
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(self.line_of(node, key), f"'{key}' must be a whole number")
            return None
        return value

    def _texts(self, node: YamlMap, key: str, *, required: bool) -> list[str]:
        value = node.get(key)
        if value is None:
            if required:
                self.problem(node.line, f"missing '{key}'")
            return []
        if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
            self.problem(self.line_of(node, key), f"'{key}' must be a list of text")
            return []
        return [str(w) for w in value]

    def get_texts(self, node: YamlMap, key: str) -> tuple[str, ...]:
        """A required list of text, as written (spacing tidied, case kept)."""
        return tuple(" ".join(w.split()) for w in self._texts(node, key, required=True))

    def get_words(self, node: YamlMap, key: str, *, required: bool = True) -> tuple[str, ...]:
        return tuple(normalise(w) for w in self._texts(node, key, required=required))

    def get_signs(
        self, node: YamlMap, key: str, classes: Mapping[str, tuple[str, ...]] | None = None
    ) -> tuple[str, ...]:
        """A list of sign phrases, a starred word standing for its forms ("pop*") and a
        ``{name}`` for each word of that class ("{gear} snapped": "shoelace snapped", ...)."""
        out: dict[str, None] = {}
        for w in self._texts(node, key, required=False):
            try:
                written = expand_classes(" ".join(w.lower().split()), classes or {})
            except KeyError as unknown:
                self.problem(self.line_of(node, key), f"'{key}': unknown word class {unknown}")
                continue
            for form in (f for one in written for f in expand_stars(one)):
                # "lost ... weight": parts said apart, kept apart by " ~ "
                out.setdefault(" ~ ".join(normalise(p) for p in form.split("...")), None)
        return tuple(out)

    def maps(self, node: YamlMap, key: str, *, required: bool = True) -> Iterator[YamlMap]:
        value = node.get(key)
        if value is None:
            if required:
                self.problem(node.line, f"missing '{key}'")
            return
        if not isinstance(value, YamlSeq):
            self.problem(self.line_of(node, key), f"'{key}' must be a list")
            return
        for item, line in zip(value, value.item_lines, strict=True):
            if isinstance(item, YamlMap):
                yield item
            else:
                self.problem(line, f"each entry of '{key}' must be a mapping")

    def get_map(self, node: YamlMap, key: str) -> YamlMap | None:
        value = node.get(key)
        if value is None:
            self.problem(node.line, f"missing '{key}'")
            return None
        if not isinstance(value, YamlMap):
            self.problem(self.line_of(node, key), f"'{key}' must be a mapping")
            return None
        return value


_VOWELS = frozenset("aeiou")


def inflections(word: str) -> tuple[str, ...]:
    """A word and its regular forms, for a sign written with a star ("snap*"): snap, snaps,
    snapped, snapping; tingle, tingles, tingled, tingling; throb, throbs, throbbed, throbbing."""
    if word.endswith("ee"):  # pee, pees, peed, peeing
        return (word, word + "s", word + "d", word + "ing")
    if word.endswith("e"):
        return (word, word + "s", word + "d", word[:-1] + "ing")
    if word.endswith(("s", "x", "z", "ch", "sh")):  # buzz, buzzes; crash, crashes
        return (word, word + "es", word + "ed", word + "ing")
    # one syllable ending consonant-vowel-consonant doubles its last letter: popped, throbbing
    one_syllable = sum(ch in _VOWELS for ch in word) == 1
    short = one_syllable and len(word) >= 3 and word[-1] not in _VOWELS | {"w", "x", "y"}
    if short and word[-2] in _VOWELS and word[-3] not in _VOWELS:
        return (word, word + "s", word + word[-1] + "ed", word + word[-1] + "ing")
    return (word, word + "s", word + "ed", word + "ing")


def expand_classes(phrase: str, classes: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Every phrase a phrase with ``{class}`` words stands for (``{class}'s`` too); KeyError
    names a class that ``classes`` lacks."""
    out = [""]
    for w in phrase.split():
        name, brace, rest = w[1:].partition("}")
        # "{gear}'s": the class's words, each with what follows the brace
        forms = tuple(f + rest for f in classes[name]) if w.startswith("{") and brace else (w,)
        out = [f"{o} {f}".strip() for o in out for f in forms]
    return tuple(out)


def expand_stars(phrase: str) -> tuple[str, ...]:
    """Every phrase a starred phrase stands for ("give* way": give way, gives way, ...)."""
    out = [""]
    for w in phrase.split():
        forms = inflections(w[:-1]) if w.endswith("*") and len(w) > 1 else (w,)
        out = [f"{o} {f}".strip() for o in out for f in forms]
    return tuple(out)


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template uses."""
    names = set()
    import string  # only when content is checked, not at a start from the compiled content

    for _, name, _, _ in string.Formatter().parse(template):
        if name is not None:
            names.add(name)
    return names


class WordOwners:
    """Makes sure a word names one thing only within a family (places, muscles, ...)."""

    def __init__(self, reader_for: Mapping[str, Reader]) -> None:
        self.owners: dict[tuple[str, str], tuple[str, str, int]] = {}
        self.reader_for = reader_for

    def claim(self, family: str, word: str, owner: str, reader: Reader, line: int) -> None:
        key = (family, word)
        previous = self.owners.get(key)
        if previous is None:
            self.owners[key] = (owner, reader.name, line)
        elif previous[0] != owner:
            reader.problem(
                line,
                f"the word '{word}' is claimed by both {previous[0]} ({previous[1]}:{previous[2]})"
                f" and {owner}",
            )


def empty_map() -> YamlMap:
    node = YamlMap()
    node.key_lines = {}
    return node


def sourced(reader: Reader, node: YamlMap | None, key: str, check_source: Any) -> Sourced | None:
    if node is None:
        return None
    text = reader.get_str(node, key)
    src: str = check_source(reader, node)
    return Sourced(text, src) if text else None


def only_placeholders(
    reader: Reader, line: int, text: str, allowed: frozenset[str], where: str
) -> None:
    """A problem for each ``{name}`` in ``text`` that is not ``allowed``, or a malformed one."""
    try:
        unknown = placeholders(text) - allowed
    except ValueError as exc:
        reader.problem(line, f"{where}: {exc}")
        return
    for n in sorted(unknown):
        reader.problem(
            line,
            f"placeholder '{{{n}}}' is never filled in {where} (only {', '.join(sorted(allowed))})",
        )
