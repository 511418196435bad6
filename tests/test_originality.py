"""Every sentence the content says is in our own words: none shares a run of 8 or more words with
the source article or the reference.

The sources live outside the repository (``../shared``), and a clean clone in CI does not have
them. So the check always runs against ``tests/fixtures/source_ngrams.txt``: the hashed 8-word
runs of both sources, checked in. Where ``../shared`` exists, a second test makes sure that file
is up to date. Regenerate it with ``.venv/bin/python tests/test_originality.py --write``.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SHARED = ROOT.parent / "shared"
SOURCES = (
    SHARED / "seed" / "runners-tightness-article.txt",
    SHARED / "reference" / "trigger-points.md",
)
FINGERPRINT = Path(__file__).resolve().parent / "fixtures" / "source_ngrams.txt"
RUN = 8  # words in a run that counts as copied
HASH_CHARS = 12

# The keys whose values are prose the skill says or shows. Source titles are citations, so they
# may repeat a book's title; ids, words and references to other entries are not prose.
TEXT_KEYS = frozenset(
    {"text", "refers", "reason", "alternative", "why", "advice", "question", "name", "full_name",
     "more", "action"}
)  # fmt: skip

_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc]")
_NOT_WORD = re.compile(r"[\W_]+")
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\s+[\u2013\u2014-]\s+|\n\s*\n")


def words(text: str) -> list[str]:
    """Lower case, apostrophes dropped ("don't" -> "dont"), other punctuation to spaces."""
    return _NOT_WORD.sub(" ", _APOSTROPHES.sub("", text.lower())).split()


def runs(text: str, n: int = RUN) -> Iterator[str]:
    ws = words(text)
    for i in range(len(ws) - n + 1):
        yield " ".join(ws[i : i + n])


def fingerprint(run: str) -> str:
    return hashlib.sha1(run.encode("utf-8")).hexdigest()[:HASH_CHARS]


def source_fingerprints() -> set[str]:
    """The hashed runs of the sources, read from ../shared."""
    return {fingerprint(r) for path in SOURCES for r in runs(path.read_text(encoding="utf-8"))}


def stored_fingerprints() -> set[str]:
    lines = FINGERPRINT.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def write_fingerprints() -> None:
    header = [
        f"# sha1 (first {HASH_CHARS} hex digits) of every {RUN}-word run of:",
        *(f"#   {p.relative_to(ROOT.parent)}" for p in SOURCES),
        "# normalised: lower case, apostrophes dropped, other punctuation to spaces.",
        "# Written by: .venv/bin/python tests/test_originality.py --write",
    ]
    FINGERPRINT.write_text("\n".join([*header, *sorted(source_fingerprints())]) + "\n", "utf-8")


def text_fields(node: object, where: str) -> Iterator[tuple[str, str]]:
    """(where, text) for every prose string in a YAML tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{where}.{key}"
            if key in TEXT_KEYS:
                items = value if isinstance(value, list) else [value]
                for i, item in enumerate(items):
                    if isinstance(item, str):
                        yield (here if len(items) == 1 else f"{here}[{i}]"), item
            yield from text_fields(value, here)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from text_fields(item, f"{where}[{i}]")


def content_sentences() -> Iterator[tuple[str, str]]:
    for path in sorted(CONTENT.glob("*.yaml")):
        tree = yaml.safe_load(path.read_text(encoding="utf-8"))
        for where, text in text_fields(tree, path.name):
            for sentence in _SENTENCE_END.split(text):
                if sentence.strip():
                    yield where, sentence.strip()


def copied(hashes: set[str]) -> list[str]:
    found = []
    for where, sentence in content_sentences():
        for run in runs(sentence):
            if fingerprint(run) in hashes:
                found.append(f"{where}: '{run}' (in: {sentence})")
    return found


def test_the_fingerprint_file_is_there_and_not_empty() -> None:
    assert FINGERPRINT.is_file(), f"{FINGERPRINT} is missing: run this file with --write"
    assert len(stored_fingerprints()) > 1000


def test_no_content_sentence_shares_eight_words_with_the_article_or_the_reference() -> None:
    problems = copied(stored_fingerprints())
    assert not problems, "copied from a source:\n" + "\n".join(problems)


def test_the_check_sees_text_in_every_content_file() -> None:
    files = {where.partition(".yaml")[0] + ".yaml" for where, _ in content_sentences()}
    assert {"muscles.yaml", "routines.yaml", "responses.yaml", "safety.yaml"} <= files


def test_a_run_copied_from_the_article_would_be_caught() -> None:
    # The article's opening complaint, normalised the way the content is.
    sample = "I took time off and the pain went away, but once I started up again."
    assert any(fingerprint(r) in stored_fingerprints() for r in runs(sample))
    assert not any(fingerprint(r) in stored_fingerprints() for r in runs("one two " * 8))


def test_the_fingerprint_file_is_up_to_date_with_the_sources() -> None:
    """Where the sources are (a developer's checkout beside ../shared), the fingerprints must be
    theirs; on a clean clone without them, the file must at least hold both sources' runs."""
    if not all(p.is_file() for p in SOURCES):
        assert len(stored_fingerprints()) > 2000, "the fingerprint file lost its runs"
        return
    assert stored_fingerprints() == source_fingerprints(), (
        "tests/fixtures/source_ngrams.txt is stale: run .venv/bin/python"
        " tests/test_originality.py --write"
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write_fingerprints()
        print(f"wrote {FINGERPRINT.relative_to(ROOT)}")
    else:
        sys.exit("usage: tests/test_originality.py --write")
