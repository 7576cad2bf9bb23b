"""The safe loader: bytes, syntax and hostile input become located problems, never exceptions."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gssc_match.catalogue import yamlsafe
from gssc_match.catalogue.yamlsafe import MAX_BYTES, MAX_DEPTH, Plain, decode, load_file, load_text
from gssc_match.problems import Level, Problem

C_LOADER = getattr(yaml, "CSafeLoader", None)
LOADERS = [pytest.param(yaml.SafeLoader, id="pure")] + (
    [pytest.param(C_LOADER, id="libyaml")] if C_LOADER else []
)
needs_libyaml = pytest.mark.skipif(
    yamlsafe.Loader is not C_LOADER, reason="parser messages are written for libyaml"
)


@pytest.fixture(params=LOADERS)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run a test with the pure-Python parser and with libyaml, since either may be in use."""
    monkeypatch.setattr(yamlsafe, "Loader", request.param)


def problems_of(text: str) -> list[str]:
    """`line:col: message (rule)` for each problem, without the path."""
    _, problems = load_text(text, "f.yaml")
    return [f"{p.line}:{p.column}: {p.message} ({p.rule})" for p in problems]


def only_problem(text: str) -> Problem:
    document, problems = load_text(text, "f.yaml")
    assert document is None
    assert len(problems) == 1
    return problems[0]


# One case a line, yamllint-style: the text and the one problem it must give.
STRUCTURE_CASES = [
    ("", "1:1: file is empty; expected a mapping of fields (key: value) (schema)"),
    ("  \n\n", "1:1: file is empty; expected a mapping of fields (key: value) (schema)"),
    (
        "# just a comment\n",
        "1:1: file holds no fields, only comments or blank lines; expected a mapping "
        "(key: value) (schema)",
    ),
    (
        "- a\n- b\n",
        "1:1: the top level must be a mapping of fields (key: value), found a list (schema)",
    ),
    (
        "just text\n",
        "1:1: the top level must be a mapping of fields (key: value), found a single"
        " value (schema)",
    ),
    (
        "a: 1\n---\nb: 2\n",
        "2:1: a second YAML document ('---'); put exactly one record in each file (syntax)",
    ),
    ("a: &x 1\n", "1:4: anchors (&x) are not allowed; write the value out in full (syntax)"),
    ("a: *x\n", "1:4: aliases (*x) are not allowed; write the value out in full (syntax)"),
    ("a: !!str 1\n", "1:4: explicit tags (!!str) are not allowed; remove the tag (syntax)"),
    ("a: !local x\n", "1:4: explicit tags (!local) are not allowed; remove the tag (syntax)"),
    ("a: !<tag:x> b\n", "1:4: explicit tags (tag:x) are not allowed; remove the tag (syntax)"),
    ("a: ! b\n", "1:4: explicit tags (!) are not allowed; remove the tag (syntax)"),
    ("a: !!set {x}\n", "1:4: explicit tags (!!set) are not allowed; remove the tag (syntax)"),
    ("a: 1\n<<<<<<< HEAD\n", "2:1: merge-conflict marker; resolve the conflict first (syntax)"),
    ("a: 1\n=======\n", "2:1: merge-conflict marker; resolve the conflict first (syntax)"),
    ("a: 1\n>>>>>>> main\n", "2:1: merge-conflict marker; resolve the conflict first (syntax)"),
    ("? [a, b]\n: c\n", "1:3: complex keys are not allowed; a key must be a plain word (key)"),
    ("{a: 1}: c\n", "1:1: complex keys are not allowed; a key must be a plain word (key)"),
    ("a: 1\nb: 2\na: 3\n", "3:1: duplicate key 'a' (lines 1 and 3); keep one (key-duplicates)"),
    ("a: 1\n'a': 2\n", "2:1: duplicate key 'a' (lines 1 and 2); keep one (key-duplicates)"),
    ("m:\n  k: 1\n  k: 2\n", "3:3: duplicate key 'k' (lines 2 and 3); keep one (key-duplicates)"),
    ("a: \x1b[31mred\n", "1:4: control character \\x1b is not allowed (encoding)"),
    ("a: 1\nb: x\x00y\n", "2:5: control character \\x00 is not allowed (encoding)"),
    ("a: 1\r\nb: \x07\r\n", "2:4: control character \\x07 is not allowed (encoding)"),
    ("a: 1\rb: \x07\r", "2:4: control character \\x07 is not allowed (encoding)"),
    (
        "a: x\u2028y\n",
        "1:5: Unicode line break \\u2028 (use a plain new line) is not allowed (encoding)",
    ),
    (
        "a: x\x85y\n",
        "1:5: Unicode line break \\x85 (use a plain new line) is not allowed (encoding)",
    ),
    ("a: 1\n\ufeffb: 2\n", "2:1: byte-order mark \\ufeff is not allowed (encoding)"),
    ("a: \ud800\n", "1:4: character \\ud800 is not allowed (encoding)"),
]


@pytest.mark.parametrize(("text", "expected"), STRUCTURE_CASES)
def test_structure(text: str, expected: str, loader: None) -> None:
    assert problems_of(text) == [expected]


ESCAPE_CASES = [
    ('a: "\\e[2Jx"\n', "1:4: control character \\x1b in a value is not allowed"),
    ('a: "x\\0"\n', "1:4: control character \\x00 in a value is not allowed"),
    (
        'a: "x\\L"\n',
        "1:4: Unicode line break \\u2028 (use a plain new line) in a value is not allowed",
    ),
    ('a: "\\uFEFF"\n', "1:4: byte-order mark \\ufeff in a value is not allowed"),
    ('a:\n  - ok\n  - "\\a"\n', "3:5: control character \\x07 in a value is not allowed"),
    ('"k\\x1b": 1\n', "1:1: control character \\x1b in a key is not allowed"),
]


@pytest.mark.parametrize(("text", "expected"), ESCAPE_CASES)
def test_escape_sequences_cannot_smuggle_control_characters(
    text: str, expected: str, loader: None
) -> None:
    document, problems = load_text(text, "f.yaml")
    assert document is not None  # the rest of the file is still checked
    shown = [f"{p.line}:{p.column}: {p.message}" for p in problems]
    assert shown == [f"{expected} (written as an escape sequence)"]
    assert all(p.rule == "encoding" and "\x1b" not in p.message for p in problems)


@pytest.mark.parametrize("text", ['a: "tab\\there"\n', 'a: "two\\nlines"\n', "a: 'caf\u00e9'\n"])
def test_harmless_escapes_and_text_pass(text: str) -> None:
    assert problems_of(text) == []


SYNTAX_CASES = [
    ("a:\n\t- b\n", "2:1: YAML syntax: a tab where YAML expects spaces; indent with spaces only"),
    ("a: @b\n", "1:4: YAML syntax: '@' cannot start a value; put the value in quotes"),
    (
        "a: [b, c\nd: e\n",
        "2:2: YAML syntax: the '[' opened on line 1 is not closed: expected ',' or ']' here",
    ),
    (
        "a: {b: c\nd: e\n",
        "2:2: YAML syntax: the '{' opened on line 1 is not closed: expected ',' or '}' here",
    ),
    ('a: "b\nc: d\n', "3:1: YAML syntax: the quoted string that opens on line 1 is never closed"),
    (
        "a: b\n c: d\n",
        "2:3: YAML syntax: a ': ' where no key was expected; fix the indentation"
        " or put the value in quotes",
    ),
    (
        "a: b: c\n",
        "1:5: YAML syntax: a ': ' where no key was expected; fix the indentation or"
        " put the value in quotes",
    ),
    ("a:\n  - b\n c: d\n", "3:2: YAML syntax: a key is mis-indented, or a value needs quotes"),
    (
        "a: b\nsome text\nc: d\n",
        "3:1: YAML syntax: the text on line 2 is not a 'key: value'"
        " pair; add ': ' after the key, or indent the line to continue the value above",
    ),
    (
        'a: "C:\\dir"\n',
        "1:7: YAML syntax: unknown escape after '\\' in a double-quoted string;"
        " use single quotes, or write '\\\\' for a backslash",
    ),
]


@needs_libyaml
@pytest.mark.parametrize(("text", "expected"), SYNTAX_CASES, ids=range(len(SYNTAX_CASES)))
def test_syntax_messages(text: str, expected: str) -> None:
    assert problems_of(text) == [f"{expected} (syntax)"]


@pytest.mark.parametrize(("text", "_"), SYNTAX_CASES, ids=range(len(SYNTAX_CASES)))
def test_syntax_errors_are_one_problem_with_either_parser(text: str, _: str, loader: None) -> None:
    problem = only_problem(text)
    assert problem.rule == "syntax"
    assert problem.message.startswith("YAML syntax: ")


def nested_block_mappings(levels: int) -> str:
    return "".join(" " * i + f"k{i}:\n" for i in range(levels)) + " " * levels + "leaf\n"


def nested_flow(levels: int) -> str:
    return "a: " + "[" * (levels - 1) + "x" + "]" * (levels - 1) + "\n"


@pytest.mark.parametrize("make", [nested_block_mappings, nested_flow])
def test_nesting_up_to_the_limit_loads(make: Callable[[int], str], loader: None) -> None:
    assert problems_of(make(MAX_DEPTH)) == []
    too_deep = only_problem(make(MAX_DEPTH + 1))
    assert too_deep.message == f"nesting deeper than {MAX_DEPTH} levels"


HOSTILE = {
    "100,000 nested [": "[" * 100_000,
    "100,000 nested {": "{" * 100_000,
    "100,000 nested [ closed": "a: " + "[" * 100_000 + "]" * 100_000,
    "600 nested block mappings": nested_block_mappings(600),
    "600 nested block sequences": "- " * 600 + "x\n",
    "alias bomb": "\n".join(
        ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        + [f"{c}: &{c} [" + ", ".join([f"*{chr(ord(c) - 1)}"] * 9) + "]" for c in "bcdefg"]
    ),
    "python object": "a: !!python/object/apply:os.system ['echo pwned']\n",
    "timestamp on garbage": "a: !!timestamp not-a-date\n",
    "bool on garbage": "a: !!bool maybe\n",
    "binary int": "a: !!int 99999999999999999999999999999999999999999999999999999\n",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_is_refused_quickly(text: str, loader: None) -> None:
    started = time.perf_counter()
    problem = only_problem(text)
    assert time.perf_counter() - started < 2
    assert problem.level is Level.ERROR
    assert problem.rule == "syntax"


LITERALS = {
    "country": "NO",
    "yes": "yes",
    "off": "off",
    "code": "01234",
    "octal": "012",
    "time": "12:30",
    "phone": "+4712345678",
    "version": "1.10",
    "underscored": "1_000",
    "date": "2024-01-01",
    "impossible": "2024-02-30",
    "hex": "0x1F",
    "inf": ".inf",
    "nan": ".NaN",
    "huge": "9" * 5000,
    "exp": "1e3",
}


def test_every_scalar_stays_the_text_that_was_written(loader: None) -> None:
    text = "".join(f"{key}: {value}\n" for key, value in LITERALS.items())
    document, problems = load_text(text, "f.yaml")
    assert problems == []
    assert document is not None
    assert document.data == LITERALS


def test_nulls_only_when_unquoted(loader: None) -> None:
    text = "a:\nb: ~\nc: null\nd: NULL\ne: ''\nf: 'null'\ng: \"~\"\nh: [~, '']\n"
    document, _ = load_text(text, "f.yaml")
    assert document is not None
    assert document.data == {
        "a": None,
        "b": None,
        "c": None,
        "d": None,
        "e": "",
        "f": "null",
        "g": "~",
        "h": [None, ""],
    }


def test_keys_are_always_strings(loader: None) -> None:
    document, _ = load_text("1: a\nnull: b\ntrue: c\n1.5: d\n", "f.yaml")
    assert document is not None
    assert list(document.data) == ["1", "null", "true", "1.5"]


def test_positions_of_values_and_keys(loader: None) -> None:
    text = "id: x\noffers:\n  - one\n  - two\nnested:\n  key: [a, b]\n"
    document, _ = load_text(text, "f.yaml")
    assert document is not None
    assert document.position(("id",)) == (1, 5)
    assert document.position(("offers", 1)) == (4, 5)
    assert document.position(("nested", "key", 1)) == (6, 12)
    assert document.position(("nested", "key"), key=True) == (6, 3)
    assert document.position(("nested", "missing", 3)) == (6, 3)  # deepest existing node
    assert document.position(("nope",)) == (1, 1)


# --- bytes ---------------------------------------------------------------------------


def decoded_problem(raw: bytes) -> str:
    result = decode(raw, "f.yaml")
    assert isinstance(result, Problem)
    return f"{result.line}:{result.column}: {result.message} ({result.rule})"


BYTE_CASES = [
    ("a: café\n".encode("latin-1"), "1:7: invalid UTF-8 byte 0xE9; save the file as UTF-8"),
    (
        "a: ñ\nb: é\n".encode() + "c: é\n".encode("cp1252"),
        "3:4: invalid UTF-8 byte 0xE9; save the file as UTF-8",
    ),
    ("a: b\n".encode("utf-16"), "1:1: file is UTF-16; save it as UTF-8"),
    (b"\xfe\xff" + "a: b\n".encode("utf-16-be"), "1:1: file is UTF-16; save it as UTF-8"),
    ("a: b\n".encode("utf-32"), "1:1: file is UTF-32; save it as UTF-8"),
    (
        "a: b\n".encode("utf-16-le"),
        "1:1: file starts with NUL bytes: it is binary or UTF-16; save it as UTF-8 text",
    ),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "1:1: file is a PNG image, not YAML text"),
    (b"%PDF-1.7\n", "1:1: file is a PDF document, not YAML text"),
    (b"PK\x03\x04\x14\x00", "1:1: file is a ZIP archive (or a Word or Excel file), not YAML text"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1", "1:1: file is an old Word or Excel document, not YAML text"),
    (b"\x1f\x8b\x08\x00", "1:1: file is a gzip archive, not YAML text"),
    (b"\xff\xd8\xff\xe0", "1:1: file is a JPEG image, not YAML text"),
    (b"GIF89a", "1:1: file is a GIF image, not YAML text"),
    (b"a: 1\nb: \xef\xbb\xbf\n", "2:4: byte-order mark \\ufeff is not allowed"),
    (b"a: \xed\xa0\x80\n", "1:4: invalid UTF-8 byte 0xED; save the file as UTF-8"),
]


@pytest.mark.parametrize(("raw", "expected"), BYTE_CASES)
def test_bytes(raw: bytes, expected: str) -> None:
    assert decoded_problem(raw) == f"{expected} (encoding)"


def test_one_leading_bom_is_dropped() -> None:
    assert decode(b"\xef\xbb\xbfa: b\n", "f.yaml") == "a: b\n"
    assert isinstance(decode(b"\xef\xbb\xbf\xef\xbb\xbfa: b\n", "f.yaml"), Problem)


# --- files ---------------------------------------------------------------------------


def file_problem(path: Path) -> str:
    document, problems = load_file(path, "f.yaml")
    assert document is None
    assert len(problems) == 1
    return problems[0].message


def test_regular_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: b\r\n")
    document, problems = load_file(path, "x.yaml")
    assert problems == []
    assert document is not None
    assert document.data == {"a": "b"}


def test_symlink_is_not_followed(tmp_path: Path) -> None:
    link = tmp_path / "x.yaml"
    link.symlink_to("/etc/passwd")
    assert file_problem(link) == "is a symbolic link; only regular files are read"


def test_symlink_loop_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "x.yaml"
    link.symlink_to(link)
    assert file_problem(link) == "is a symbolic link; only regular files are read"


def test_named_pipe_does_not_hang(tmp_path: Path) -> None:
    pipe = tmp_path / "x.yaml"
    os.mkfifo(pipe)
    message = file_problem(pipe)
    assert message.startswith("is not a regular file (a pipe, socket or device)")


def test_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "x.yaml"
    folder.mkdir()
    assert file_problem(folder) == "is a directory, not a YAML file"


def test_missing_file(tmp_path: Path) -> None:
    assert file_problem(tmp_path / "x.yaml") == "cannot read file: No such file or directory"


def test_size_cap(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"description: " + b"a" * (5 * 1024 * 1024) + b"\n")
    assert file_problem(path) == "file is 5120 KiB; the limit is 512 KiB"
    path.write_bytes(b"a: " + b"b" * (MAX_BYTES - 4) + b"\n")
    document, problems = load_file(path, "x.yaml")
    assert problems == []
    assert document is not None


# --- properties ------------------------------------------------------------------------

# Modest for CI; a deeper local run: GSSC_FUZZ_EXAMPLES=20000 pytest tests/test_yamlsafe.py
EXAMPLES = int(os.environ.get("GSSC_FUZZ_EXAMPLES", "150"))
FAST = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_only_problems(document: object, problems: list[Problem]) -> None:
    assert all(isinstance(p, Problem) for p in problems)
    assert all(p.line >= 1 and p.column >= 1 and p.path == "f.yaml" for p in problems)
    assert all("\n" not in p.render() and "\x1b" not in p.render() for p in problems)
    if document is None:
        assert problems


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_give_a_document_or_problems(raw: bytes) -> None:
    text = decode(raw, "f.yaml")
    if isinstance(text, Problem):
        assert_only_problems(None, [text])
    else:
        assert_only_problems(*load_text(text, "f.yaml"))


@FAST
@given(st.text(max_size=300))
def test_any_text_gives_a_document_or_problems(text: str) -> None:
    assert_only_problems(*load_text(text, "f.yaml"))


YAMLISH = st.text(alphabet=":-[]{},&*!|>'\"%@`#?\t\n\r ~\\abcNO019.+", max_size=120)


@FAST
@given(YAMLISH)
def test_yaml_punctuation_soup_gives_a_document_or_problems(text: str) -> None:
    assert_only_problems(*load_text(text, "f.yaml"))


def test_load_file_on_random_bytes(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("random")

    @FAST
    @given(st.binary(max_size=400))
    def check(raw: bytes) -> None:
        path = folder / "x.yaml"
        path.write_bytes(raw)
        assert_only_problems(*load_file(path, "f.yaml"))

    check()


# Text YAML reads back as itself: no control characters, which the loader refuses on purpose.
SAFE_TEXT = st.text(
    st.characters(
        blacklist_categories=("Cc", "Cs"),
        blacklist_characters="\x85\u2028\u2029\ufeff\ufffe\uffff",
    )
    | st.sampled_from("\t\n"),
    max_size=30,
)
SCALARS = SAFE_TEXT | st.sampled_from([*LITERALS.values(), "", "null", "~", "-", "a: b"])
PLAIN: st.SearchStrategy[Plain] = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(SAFE_TEXT, inner, max_size=4),
    max_leaves=12,
)
DOCUMENTS = st.dictionaries(SAFE_TEXT, PLAIN, min_size=1, max_size=6)


def depth(value: Plain) -> int:
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    return 0


def dump(data: dict[str, Plain], flow: bool | None, width: int) -> str:
    return yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow, width=width)


@FAST
@given(DOCUMENTS, st.sampled_from([False, True, None]), st.sampled_from([20, 80, 1000]))
def test_dumped_strings_load_back_unchanged(
    data: dict[str, Plain], flow: bool | None, width: int
) -> None:
    document, problems = load_text(dump(data, flow, width), "f.yaml")
    if depth(data) > MAX_DEPTH:
        assert document is None
        assert [p.message for p in problems] == [f"nesting deeper than {MAX_DEPTH} levels"]
    else:
        assert problems == []
        assert document is not None
        assert document.data == data


MUTATIONS = st.tuples(
    st.sampled_from(["insert", "delete", "duplicate line", "indent line", "swap"]),
    st.integers(min_value=0, max_value=10_000),
    st.sampled_from([*":-[]{},&*!|>'\"%@`#?\t\n ", "---\n", "\ufeff", "\x00", "<<<<<<< "]),
)


def mutate(text: str, kind: str, at: int, piece: str) -> str:
    lines = text.splitlines(keepends=True) or [""]
    where = at % (len(text) + 1)
    line = at % len(lines)
    if kind == "insert":
        return text[:where] + piece + text[where:]
    if kind == "delete":
        return text[:where] + text[where + 1 :]
    if kind == "duplicate line":
        return "".join(lines[: line + 1] + lines[line:])
    if kind == "indent line":
        return "".join([*lines[:line], piece[0] + lines[line], *lines[line + 1 :]])
    return "".join(lines[line + 1 :] + lines[: line + 1])


@FAST
@given(DOCUMENTS, st.booleans(), st.lists(MUTATIONS, min_size=1, max_size=4))
def test_mutated_documents_give_a_document_or_problems(
    data: dict[str, Plain], flow: bool, mutations: list[tuple[str, int, str]]
) -> None:
    text = dump(data, flow, 80)
    for kind, at, piece in mutations:
        text = mutate(text, kind, at, piece)
    assert_only_problems(*load_text(text, "f.yaml"))
