"""Read one untrusted YAML file into plain strings, lists and dicts, with positions.

Follows RELIABILITY.md: regular files only, a size cap, strict UTF-8, an event pre-scan
that rejects deep nesting, anchors, aliases, tags and extra documents before anything is
composed, duplicate keys reported with both lines, and every scalar kept as a string so
that the schema, not YAML 1.1, decides what `NO`, `012` or `12:30` mean.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ..problems import Problem, error, printable

MAX_BYTES = 512 * 1024
MAX_DEPTH = 16
NULL_SCALARS = frozenset({"", "~", "null", "Null", "NULL"})

Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Key = str | int
Plain = str | None | list["Plain"] | dict[str, "Plain"]

# Control characters but tab, LF and CR; byte-order marks; non-characters; lone surrogates
# (only `load_text` can see them); and NEL, LS and PS, which YAML counts as line breaks but
# editors do not, so that every line number after one would be off.
_BAD_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
)
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})(\s|$)", re.MULTILINE)
_CORE_TAG = "tag:yaml.org,2002:"
# Files that people rename to .yaml by mistake, told by their first bytes.
_SIGNATURES = (
    (b"\x00\x00\xfe\xff", "file is UTF-32; save it as UTF-8"),
    (b"\xff\xfe\x00\x00", "file is UTF-32; save it as UTF-8"),
    (b"\xff\xfe", "file is UTF-16; save it as UTF-8"),
    (b"\xfe\xff", "file is UTF-16; save it as UTF-8"),
    (b"\x89PNG", "file is a PNG image, not YAML text"),
    (b"\xff\xd8\xff", "file is a JPEG image, not YAML text"),
    (b"GIF8", "file is a GIF image, not YAML text"),
    (b"%PDF", "file is a PDF document, not YAML text"),
    (b"PK\x03\x04", "file is a ZIP archive (or a Word or Excel file), not YAML text"),
    (b"\xd0\xcf\x11\xe0", "file is an old Word or Excel document, not YAML text"),
    (b"\x1f\x8b", "file is a gzip archive, not YAML text"),
)


@dataclass(frozen=True)
class Document:
    """A file's content as plain values, with the 1-based position of every value and key."""

    path: str
    data: dict[str, Plain]
    positions: dict[tuple[Key, ...], tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[tuple[Key, ...], tuple[int, int]] = field(default_factory=dict)
    digest: str = ""  # SHA-256 of the file's bytes, for a catalogue's fingerprint

    def position(self, loc: tuple[Key, ...], *, key: bool = False) -> tuple[int, int]:
        """Position of the deepest node on `loc` that exists in the file."""
        table = self.key_positions if key else self.positions
        for end in range(len(loc), -1, -1):
            found = table.get(loc[:end]) or self.positions.get(loc[:end])
            if found:
                return found
        return (1, 1)


def load_file(path: Path, display: str) -> tuple[Document | None, list[Problem]]:
    """Load one file; returns the document or the problems, never raises on bad input."""
    raw = read_capped(path, display)
    if isinstance(raw, Problem):
        return None, [raw]
    text = decode(raw, display)
    if isinstance(text, Problem):
        return None, [text]
    document, problems = _parse(text, display)  # decode() has already checked characters
    if document is not None:
        document = replace(document, digest=hashlib.sha256(raw).hexdigest())
    return document, problems


def load_text(text: str, display: str) -> tuple[Document | None, list[Problem]]:
    """Parse already-decoded text into a Document plus the problems found on the way."""
    bad = _bad_character(text, display)
    return (None, [bad]) if bad else _parse(text, display)


def _parse(text: str, display: str) -> tuple[Document | None, list[Problem]]:
    """Parse text whose characters are known to be allowed."""
    early = _conflict_marker(text, display) or prescan(text, display)
    if early:
        return None, [early]
    try:
        root = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError as exc:  # the pre-scan parsed it; kept as a last line of defence
        return None, [_yaml_problem(exc, display, text)]
    if root is None:
        return None, [error(display, 1, 1, _nothing_message(text))]
    if not isinstance(root, yaml.MappingNode):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        line, col = _mark(root)
        msg = f"the top level must be a mapping of fields (key: value), found {kind}"
        return None, [error(display, line, col, msg)]
    return _build_document(root, display)


def _nothing_message(text: str) -> str:
    if not text.strip():
        return "file is empty; expected a mapping of fields (key: value)"
    return "file holds no fields, only comments or blank lines; expected a mapping (key: value)"


def read_capped(path: Path, display: str) -> bytes | Problem:
    """The file's bytes, if it is a regular file within the size cap."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        return error(display, 1, 1, f"cannot read file: {exc.strerror}", "file")
    refusal = _refuse_kind(info)
    if refusal:
        return error(display, 1, 1, refusal, "file")
    if info.st_size > MAX_BYTES:
        size = f"{info.st_size / 1024:.0f} KiB"
        return error(display, 1, 1, f"file is {size}; the limit is {MAX_BYTES // 1024} KiB", "file")
    try:
        data = _read_regular(path)
    except OSError as exc:
        return error(display, 1, 1, f"cannot read file: {exc.strerror}", "file")
    if isinstance(data, str):
        return error(display, 1, 1, data, "file")
    if len(data) > MAX_BYTES:
        return error(display, 1, 1, f"file exceeds the limit of {MAX_BYTES // 1024} KiB", "file")
    return data


def _read_regular(path: Path) -> bytes | str:
    """At most the cap plus one byte; a refusal if the file was swapped since `lstat`."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        refusal = _refuse_kind(os.fstat(handle.fileno()))
        return refusal if refusal else handle.read(MAX_BYTES + 1)


def _refuse_kind(info: os.stat_result) -> str | None:
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link; only regular files are read"
    if stat.S_ISDIR(info.st_mode):
        return "is a directory, not a YAML file"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (a pipe, socket or device); only regular files are read"
    return None


def decode(raw: bytes, display: str) -> str | Problem:
    """Strict UTF-8 with at most one leading BOM; no control characters but tab, LF, CR."""
    for signature, message in _SIGNATURES:
        if raw.startswith(signature):
            return error(display, 1, 1, message, "encoding")
    if b"\x00" in raw[:4]:
        msg = "file starts with NUL bytes: it is binary or UTF-16; save it as UTF-8 text"
        return error(display, 1, 1, msg, "encoding")
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(raw, exc.start)
        bad = raw[exc.start]
        msg = f"invalid UTF-8 byte 0x{bad:02X}; save the file as UTF-8"
        return error(display, line, col, msg, "encoding")
    return _bad_character(text, display) or text


def _bad_character(text: str, display: str) -> Problem | None:
    found = _BAD_CHARS.search(text)
    if not found:
        return None
    line, col = _char_position(text, found.start())
    return error(
        display, line, col, f"{describe_character(found.group())} is not allowed", "encoding"
    )


def describe_character(ch: str) -> str:
    """A character named for a message, escaped so that it cannot act on a terminal."""
    code = printable(ch, ascii_only=True)
    if ch == "\ufeff":
        return f"byte-order mark {code}"
    if ch in "\x85\u2028\u2029":
        return f"Unicode line break {code} (use a plain new line)"
    if unicodedata.category(ch) == "Cc":
        return f"control character {code}"
    return f"character {code}"


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return before.count(b"\n") + 1, column


def _char_position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column, counting LF, CR LF and a lone CR as YAML does."""
    lines = text[:offset].splitlines()
    if not lines or text[:offset].endswith(("\n", "\r")):
        return len(lines) + 1, 1
    return len(lines), len(lines[-1]) + 1


def _conflict_marker(text: str, display: str) -> Problem | None:
    found = _CONFLICT.search(text)
    if not found:
        return None
    line, col = _char_position(text, found.start())
    return error(display, line, col, "merge-conflict marker; resolve the conflict first", "syntax")


def prescan(text: str, display: str) -> Problem | None:
    """Walk the event stream once, refusing what profiles never need, before composing."""
    depth = 0
    documents = 0
    try:
        for event in yaml.parse(text, Loader=Loader):
            refusal = _refuse_event(event, documents)
            if refusal:
                line, col = _mark(event)
                return error(display, line, col, refusal, "syntax")
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
            elif isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line, col = _mark(event)
                    return error(display, line, col, _TOO_DEEP, "syntax")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        return _yaml_problem(exc, display, text)
    return None


_TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels"
_WRITE_OUT = "write the value out in full"


def _refuse_event(event: yaml.Event, documents: int) -> str | None:
    if isinstance(event, yaml.DocumentStartEvent) and documents >= 1:
        return "a second YAML document ('---'); put exactly one record in each file"
    if isinstance(event, yaml.AliasEvent):
        return f"aliases (*{_name(event.anchor)}) are not allowed; {_WRITE_OUT}"
    if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
        return f"anchors (&{_name(event.anchor)}) are not allowed; {_WRITE_OUT}"
    tag = getattr(event, "tag", None)
    if isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent) and tag is not None:
        shown = "!!" + tag.removeprefix(_CORE_TAG) if tag.startswith(_CORE_TAG) else tag
        return f"explicit tags ({_name(shown)}) are not allowed; remove the tag"
    return None


def _name(text: object) -> str:
    return printable(str(text), ascii_only=True, limit=40)


def _yaml_problem(exc: yaml.YAMLError, display: str, text: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    detail = str(getattr(exc, "problem", None) or exc).strip()
    if "maximum nesting depth" in detail:  # libyaml's own limit, met first in flow text
        return error(display, line, col, _TOO_DEEP, "syntax")
    message = _friendly(detail, exc, _char_at(text, line, col)) or printable(detail, limit=120)
    return error(display, line, col, f"YAML syntax: {message}", "syntax")


def _friendly(detail: str, exc: yaml.YAMLError, char: str) -> str | None:
    """A message a non-programmer can act on, for the parser errors people actually cause."""
    context = str(getattr(exc, "context", None) or "")
    opened = getattr(exc, "context_mark", None)
    where = f" on line {opened.line + 1}" if opened is not None else ""
    if "cannot start any token" in detail and char:
        if char == "\t":
            return "a tab where YAML expects spaces; indent with spaces only"
        return f"'{printable(char)}' cannot start a value; put the value in quotes"
    if "end of stream" in detail and "quoted scalar" in context:
        return f"the quoted string that opens{where} is never closed"
    if "simple key" in context and "expected ':'" in detail:
        return (
            f"the text{where} is not a 'key: value' pair; add ': ' after the key, or indent "
            "the line to continue the value above"
        )
    if "flow sequence" in context and "expected" in detail:
        return f"the '[' opened{where} is not closed: expected ',' or ']' here"
    if "flow mapping" in context and "expected" in detail:
        return f"the '{{' opened{where} is not closed: expected ',' or '}}' here"
    for needle, friendly in _FRIENDLY:
        if needle in detail:
            return friendly
    return None


_FRIENDLY = (
    ("end of stream", "the file ends inside a quoted string or bracket; close it"),
    (
        "mapping values are not allowed",
        "a ': ' where no key was expected; fix the indentation or put the value in quotes",
    ),
    ("did not find expected key", "a key is mis-indented, or a value needs quotes"),
    (
        "unknown escape character",
        "unknown escape after '\\' in a double-quoted string; use "
        "single quotes, or write '\\\\' for a backslash",
    ),
)


def _char_at(text: str, line: int, col: int) -> str:
    lines = text.splitlines()
    if 0 < line <= len(lines) and 0 < col <= len(lines[line - 1]):
        return lines[line - 1][col - 1]
    return ""


def _mark(item: yaml.Node | yaml.Event) -> tuple[int, int]:
    mark = item.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _build_document(root: yaml.MappingNode, display: str) -> tuple[Document, list[Problem]]:
    builder = _Builder(display)
    data = builder.mapping(root, ())
    document = Document(display, data, builder.positions, builder.key_positions)
    return document, builder.problems


class _Builder:
    """Turns a composed node tree into plain values, recording positions and key problems."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.positions: dict[tuple[Key, ...], tuple[int, int]] = {}
        self.key_positions: dict[tuple[Key, ...], tuple[int, int]] = {}
        self.problems: list[Problem] = []

    def value(self, node: yaml.Node, loc: tuple[Key, ...]) -> Plain:
        self.positions[loc] = _mark(node)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(child, (*loc, i)) for i, child in enumerate(node.value)]
        text = self.scalar(node, "value")
        style = node.style if isinstance(node, yaml.ScalarNode) else None
        plain = not style  # the C loader reports plain style as "", the pure one as None
        return None if plain and text in NULL_SCALARS else text

    def scalar(self, node: yaml.Node, what: str) -> str:
        """A scalar's text; the raw file was checked, so a bad character here is an escape."""
        text = str(node.value)
        found = _BAD_CHARS.search(text)
        if found:
            line, col = _mark(node)
            msg = (
                f"{describe_character(found.group())} in a {what} is not allowed "
                "(written as an escape sequence)"
            )
            self.problems.append(error(self.display, line, col, msg, "encoding"))
        return text

    def mapping(self, node: yaml.MappingNode, loc: tuple[Key, ...]) -> dict[str, Plain]:
        self.positions.setdefault(loc, _mark(node))
        result: dict[str, Plain] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            line, col = _mark(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                msg = "complex keys are not allowed; a key must be a plain word"
                self.problems.append(error(self.display, line, col, msg, "key"))
                continue
            key = self.scalar(key_node, "key")
            if key in first_line:
                msg = (
                    f"duplicate key '{printable(key, ascii_only=True)}' "
                    f"(lines {first_line[key]} and {line}); keep one"
                )
                self.problems.append(error(self.display, line, col, msg, "key-duplicates"))
                continue
            first_line[key] = line
            self.key_positions[(*loc, key)] = (line, col)
            result[key] = self.value(value_node, (*loc, key))
        return result
