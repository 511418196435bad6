"""``responses.yaml``: everything the skill says that is not a fact (each response with the
fields its handler fills), and the questions about trigger points themselves (topics)."""

from __future__ import annotations

from skill.content.builders import Build
from skill.content.objects import Response, Topic
from skill.content.reader import YamlMap, placeholders


def build(b: Build) -> tuple[dict[str, Response], dict[str, Topic]]:
    reader = b.readers["responses.yaml"]
    responses: dict[str, Response] = {}
    resp_node = reader.get_map(reader.root, "responses")
    if resp_node is not None:
        for key, value in resp_node.items():
            line = resp_node.key_lines[key]
            if not isinstance(value, YamlMap):
                reader.problem(line, f"response '{key}' must be a mapping with 'text'")
                continue
            fields = reader.get_words(value, "fields", required=False)
            text = value.get("text")
            variants: list[str]
            if isinstance(text, str):
                variants = [text]
            elif isinstance(text, list) and text and all(isinstance(t, str) for t in text):
                variants = list(text)
            else:
                reader.problem(
                    line, f"response '{key}' needs 'text': a string or a list of strings"
                )
                continue
            used: set[str] = set()
            for v in variants:
                try:
                    names = placeholders(v)
                except ValueError as exc:
                    reader.problem(reader.line_of(value, "text"), f"response '{key}': {exc}")
                    continue
                used |= names
                for n in sorted(names - set(fields)):
                    reader.problem(
                        reader.line_of(value, "text"),
                        f"response '{key}' uses placeholder '{{{n}}}' that is never filled"
                        " (not in its fields)",
                    )
            for f in sorted(set(fields) - used):
                reader.problem(
                    reader.line_of(value, "fields"),
                    f"response '{key}' declares field '{f}' it never uses",
                )
            responses[key] = Response(key, frozenset(fields), tuple(variants))
    topics: dict[str, Topic] = {}
    for node in reader.maps(reader.root, "topics"):
        tid, name, text = (
            reader.get_str(node, "id"),
            reader.get_str(node, "name"),
            reader.get_str(node, "text"),
        )
        src = b.source(reader, node)
        ws = reader.get_words(node, "words")
        for w in ws:
            b.words.claim("topic", w, f"topic '{tid}'", reader, reader.line_of(node, "words"))
        if text and "{" in text:
            reader.problem(
                reader.line_of(node, "text"), f"topic '{tid}' text cannot hold placeholders"
            )
        if tid and name and text:
            topics[tid] = Topic(tid, name, ws, text, src)
    return responses, topics
