"""Read one untrusted YAML file into plain strings, lists and dicts, with positions.

Follows RELIABILITY.md: regular files only, a size cap, strict UTF-8, an event pre-scan
that rejects deep nesting, anchors, aliases, tags and extra documents before anything is
composed, duplicate keys reported with both lines, and every scalar kept as a string so
that the schema, not YAML 1.1, decides what `NO`, `012` or `12:30` mean.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .problems import Problem, error, printable

MAX_BYTES = 512 * 1024
MAX_DEPTH = 16
NULL_SCALARS = frozenset({"", "~", "null", "Null", "NULL"})

Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Key = str | int
Plain = str | None | list["Plain"] | dict[str, "Plain"]

_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff\ufffe\uffff]")
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})(\s|$)", re.MULTILINE)


@dataclass(frozen=True)
class Document:
    """A file's content as plain values, with the 1-based position of every value and key."""

    path: str
    data: dict[str, Plain]
    positions: dict[tuple[Key, ...], tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[tuple[Key, ...], tuple[int, int]] = field(default_factory=dict)

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
    return load_text(text, display)


def load_text(text: str, display: str) -> tuple[Document | None, list[Problem]]:
    """Parse already-decoded text into a Document plus the problems found on the way."""
    early = _conflict_marker(text, display) or prescan(text, display)
    if early:
        return None, [early]
    try:
        root = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError as exc:  # the pre-scan parsed it; kept as a last line of defence
        return None, [_yaml_problem(exc, display)]
    if root is None:
        return None, [error(display, 1, 1, "file is empty; expected a mapping of fields")]
    if not isinstance(root, yaml.MappingNode):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        line, col = _mark(root)
        msg = f"the top level must be a mapping of fields (key: value), found {kind}"
        return None, [error(display, line, col, msg)]
    return _build_document(root, display)


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
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return error(display, 1, 1, f"cannot read file: {exc.strerror}", "file")
    if len(data) > MAX_BYTES:
        return error(display, 1, 1, f"file exceeds the limit of {MAX_BYTES // 1024} KiB", "file")
    return data


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
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return error(display, 1, 1, "file is UTF-16; save it as UTF-8", "encoding")
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(raw, exc.start)
        bad = raw[exc.start]
        msg = f"invalid UTF-8 byte 0x{bad:02X}; save the file as UTF-8"
        return error(display, line, col, msg, "encoding")
    found = _BAD_CHARS.search(text)
    if found:
        line, col = _char_position(text, found.start())
        what = "byte-order mark" if found.group() == "\ufeff" else "control character"
        msg = f"{what} {printable(found.group(), ascii_only=True)} is not allowed here"
        return error(display, line, col, msg, "encoding")
    return text


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return before.count(b"\n") + 1, column


def _char_position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


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
                    msg = f"nesting deeper than {MAX_DEPTH} levels"
                    return error(display, line, col, msg, "syntax")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        return _yaml_problem(exc, display)
    return None


def _refuse_event(event: yaml.Event, documents: int) -> str | None:
    if isinstance(event, yaml.DocumentStartEvent) and documents >= 1:
        return "a second YAML document ('---'); put exactly one record in each file"
    if isinstance(event, yaml.AliasEvent):
        return "aliases (*name) are not allowed; write the value out"
    if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
        return "anchors (&name) are not allowed"
    tag = getattr(event, "tag", None)
    if isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent) and tag is not None:
        return f"explicit tags ({printable(str(tag), ascii_only=True)}) are not allowed"
    return None


_FRIENDLY = (
    ("that cannot start any token", "a tab or other character that cannot start a value; "
     "indent with spaces"),
    ("found unexpected end of stream", "the file ends inside a quoted string or bracket; "
     "close it"),
    ("mapping values are not allowed here", "a ': ' where no key was expected; quote the value "
     "or fix the indentation"),
    ("did not find expected key", "a key is mis-indented or a bracket or quote is not closed"),
)


def _yaml_problem(exc: yaml.YAMLError, display: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    detail = str(getattr(exc, "problem", None) or exc).strip()
    for needle, friendly in _FRIENDLY:
        if needle in detail:
            detail = friendly
            break
    return error(display, line, col, f"YAML syntax: {printable(detail, limit=120)}", "syntax")


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
        text = str(node.value)
        plain = not node.style  # the C loader reports plain style as "", the pure one as None
        return None if plain and text in NULL_SCALARS else text

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
            key = str(key_node.value)
            if key in first_line:
                msg = (f"duplicate key '{printable(key, ascii_only=True)}' "
                       f"(lines {first_line[key]} and {line}); keep one")
                self.problems.append(error(self.display, line, col, msg, "key-duplicates"))
                continue
            first_line[key] = line
            self.key_positions[(*loc, key)] = (line, col)
            result[key] = self.value(value_node, (*loc, key))
        return result
