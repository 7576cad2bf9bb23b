"""Read one worksheet of an XLSX straight from its ZIP: what openpyxl gives, several times faster.

`openpyxl.load_workbook` builds an object for every cell, string and style of every sheet,
which is nearly all of an import's time on a sheet of 10,000 rows. This reader streams the
workbook's parts through defusedxml's expat SAX parser (entity declarations refused, as in
openpyxl's own parser) and keeps only what `sheets` returns: the same `Sheet`, row for row and
warning for warning, that `sheets` builds from openpyxl with data_only=False. It follows
openpyxl where openpyxl is odd: a row or column is hidden by any value but "0", "f" or
"false"; merged cells blank all but their top-left cell; a hyperlink fills an empty cell with
its target; every worksheet is read, so a fault in any of them fails the workbook. Whatever it
does not know, or knows openpyxl treats otherwise, raises `Unsupported`, and `sheets` then
reads the workbook with openpyxl as before.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from io import BytesIO
from typing import IO, Any
from xml.etree.ElementTree import Element
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

from defusedxml import DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import fromstring
from defusedxml.expatreader import DefusedExpatParser

from . import sheets
from .sheets import (
    Cell,
    CellType,
    ReadOptions,
    Row,
    Sheet,
    SheetProblem,
    hidden_column,
    hidden_row,
    merged_range,
    number_text,
    pick_sheet,
    refused,
    table_formula,
    too_big,
    value_cell,
)

# --- openpyxl's rules, copied ----------------------------------------------------------
# Importing any part of openpyxl loads all of it, and numpy: 0.3 to 0.6 s, as long as reading
# a sheet of 10,000 rows. So its few rules needed here are copied (test_xlsx checks each copy
# against openpyxl), and openpyxl is imported only for what is rare: shared formulas and ISO
# dates in cells.

SHEET_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
COMMENTS_NS = REL_NS + "/comments"
SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
ARC_CONTENT_TYPES = "[Content_Types].xml"
ARC_STYLE = "xl/styles.xml"
# The workbook part's content types, in the order openpyxl looks for them.
_WORKBOOK_TYPES = (
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)
ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
# Built-in number formats that are dates (14 to 22, 45 to 47) and the one that is a duration.
BUILTIN_DATES = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
BUILTIN_DURATIONS = frozenset({46})
_FORMAT_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')  # literals, locales
_DATE_PART = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_DURATION = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)
WINDOWS_EPOCH = dt.datetime(1899, 12, 30)
MAC_EPOCH = dt.datetime(1904, 1, 1)


def is_date_format(code: str) -> bool:
    """openpyxl.styles.numbers.is_date_format: a date or time part in the first section."""
    return _DATE_PART.search(_FORMAT_STRIP.sub("", code.split(";")[0])) is not None


def is_timedelta_format(code: str) -> bool:
    """openpyxl.styles.numbers.is_timedelta_format: [h], [m] or [s] in the first section."""
    return _DURATION.search(code.split(";")[0]) is not None


def from_excel(
    value: float, epoch: dt.datetime, duration: bool
) -> dt.datetime | dt.time | dt.timedelta:
    """openpyxl.utils.datetime.from_excel: a serial number as a date, a time or a duration."""
    if duration:
        delta = dt.timedelta(days=value)
        if delta.microseconds:  # to the millisecond
            rounded = round(delta.microseconds, -3)
            delta = dt.timedelta(seconds=delta.total_seconds() // 1, microseconds=rounded)
        return delta
    day, fraction = divmod(value, 1)
    diff = dt.timedelta(milliseconds=round(fraction * 86400 * 1000))
    if 0 <= value < 1 and diff.days == 0:
        minutes, seconds = divmod(diff.seconds, 60)
        hours, minutes = divmod(minutes, 60)
        return dt.time(hours, minutes, seconds, diff.microseconds)
    if 0 < value < 60 and epoch == WINDOWS_EPOCH:
        day += 1  # Excel's 29 February 1900
    return epoch + dt.timedelta(days=day) + diff


def _from_iso(text: str) -> object:
    from openpyxl.utils.datetime import from_ISO8601

    return from_ISO8601(text)  # type: ignore[no-untyped-call]


def _translator(formula: str, origin: str | None) -> Any:
    from openpyxl.formula.translate import Translator

    return Translator(formula, origin)


# --- this reader -----------------------------------------------------------------------

_CHUNK = 1 << 16
_MAX_ROW = 1_048_576  # openpyxl refuses to make a cell below Excel's last row
_REL_ID = "{" + REL_NS + "}id"
_BOMB = "declares XML entities (an XML bomb?); workbooks never need them"

# What openpyxl reads a sheet or a cell attribute as (see the readers in openpyxl.reader and
# openpyxl.worksheet._reader and the classes they fill).
_SHEET_STATES = (None, "visible", "hidden", "veryHidden", "none")
_COL_KEYS = frozenset(
    {"min", "max", "width", "bestFit", "hidden", "outlineLevel", "collapsed", "style"}
    | {"customWidth"}
)
_ROW_ALIASES = frozenset({"visible", "height", "outline_level", "index"})
_LINK_KEYS = frozenset({"ref", "location", "tooltip", "display"})
_RELATION_KEYS = frozenset({"Id", "Type", "Target", "TargetMode"})
_COMMENT_KEYS = frozenset({"ref", "authorId", "guid", "shapeId"})
# Tags openpyxl picks out of a worksheet wherever they are nested.
_DISPATCHED = frozenset({"row", "col", "mergeCells", "hyperlinks"})
_PHONETIC_TYPES = (None, "halfwidthKatakana", "fullwidthKatakana", "Hiragana", "noConversion")
_PHONETIC_ALIGNMENTS = (None, "noControl", "left", "center", "distributed")


class Unsupported(Exception):
    """The workbook holds something this reader does not handle; openpyxl must read it."""


def read_xlsx(raw: bytes, display: str, options: ReadOptions) -> Sheet:
    """The chosen worksheet as `sheets` reads it with openpyxl; `Unsupported` when unsure."""
    try:
        return _read(zipfile.ZipFile(BytesIO(raw)), display, options)
    except EntitiesForbidden:
        # Raised only by parts openpyxl parses too, with the same defused settings.
        return refused(display, _BOMB)
    except Unsupported:
        raise
    except (SAXException, ValueError, KeyError, IndexError, TypeError, OverflowError) as exc:
        # Damage openpyxl reports in its own words: let it read the workbook.
        raise Unsupported(f"{type(exc).__name__}: {exc}") from exc
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError) as exc:
        raise Unsupported(f"{type(exc).__name__}: {exc}") from exc


# --- the workbook ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Worksheet:
    """A worksheet as workbook.xml lists it, with its part's path in the ZIP."""

    title: str
    path: str


@dataclass(frozen=True)
class _Styles:
    """What a cell's `s` says about its number: how many styles, which are dates, durations."""

    count: int = 1
    dates: frozenset[int] = frozenset()
    durations: frozenset[int] = frozenset()


@dataclass(frozen=True)
class _Relation:
    """One relationship of a part, its target made a ZIP path as openpyxl makes it."""

    id: str
    type: str
    target: str


def _read(archive: zipfile.ZipFile, display: str, options: ReadOptions) -> Sheet:
    members = set(archive.namelist())
    parsed = {ARC_CONTENT_TYPES}
    book_part, strings_part = _manifest(_tree(archive, ARC_CONTENT_TYPES))
    strings: list[str] = []
    if strings_part is not None:
        parsed.add(strings_part)
        strings = _read_strings(archive, strings_part)
    epoch, listed = _workbook(_tree(archive, book_part))
    parsed.add(book_part)
    styles = _Styles()
    if ARC_STYLE in members:
        parsed.add(ARC_STYLE)
        styles = _styles(_tree(archive, ARC_STYLE))
    worksheets = _worksheets(archive, book_part, listed, members, parsed)
    if not worksheets:
        raise Unsupported("no worksheet")
    titles = [sheet.title for sheet in worksheets]
    names = tuple(titles)
    chosen = pick_sheet(titles, options.sheet)
    grids = []
    for index, sheet in enumerate(worksheets):
        grid = _Grid(styles, strings, epoch, keep=index == chosen)
        parsed.add(sheet.path)
        with archive.open(sheet.path) as handle:
            _SheetReader(grid).read(handle)
        _bind(archive, grid, _sheet_relations(archive, sheet.path, members, parsed), members)
        grids.append(grid)
        parsed.update(grid.parsed)
    _check_other_parts(archive, parsed)
    if isinstance(chosen, str):
        return Sheet(display, problems=(SheetProblem(display, message=chosen),), sheet_names=names)
    grid = grids[chosen]
    if grid.max_row > sheets.MAX_ROWS or grid.max_col > sheets.MAX_COLUMNS:
        return refused(display, too_big(titles[chosen], grid.max_row, grid.max_col))
    return grid.sheet(display, names)


def _tree(archive: zipfile.ZipFile, path: str) -> Element:
    """A small part as a tree, parsed exactly as openpyxl parses it (defusedxml's ElementTree)."""
    return fromstring(archive.read(path))


def _local(element: Element) -> str:
    return element.tag.rpartition("}")[2]


def _plain_keys(element: Element) -> set[str]:
    """Attributes outside any namespace: openpyxl passes these to a class as arguments."""
    return {key for key in element.attrib if not key.startswith("{")}


def _require(element: Element, known: Iterable[str], needed: Iterable[str] = ()) -> None:
    """Refuse an element openpyxl would fail on: an argument it lacks or does not take."""
    keys = _plain_keys(element)
    if keys - set(known) or set(needed) - keys:
        raise Unsupported(f"<{_local(element)}> with attributes {sorted(keys)}")


def _manifest(root: Element) -> tuple[str, str | None]:
    """The workbook part and the shared-strings part, as [Content_Types].xml names them."""
    overrides: list[tuple[str, str]] = []
    defaults: list[str] = []
    for element in root:
        if _local(element) == "Override":
            _require(element, ("PartName", "ContentType"), ("PartName", "ContentType"))
            overrides.append((element.attrib["PartName"], element.attrib["ContentType"]))
        elif _local(element) == "Default":
            _require(element, ("Extension", "ContentType"), ("Extension", "ContentType"))
            defaults.append(element.attrib["ContentType"])
    if not overrides or not defaults:
        raise Unsupported("openpyxl puts its own defaults in an empty manifest")
    book = next((name for kind in _WORKBOOK_TYPES for name, ct in overrides if ct == kind), None)
    if book is None:
        if not set(defaults) & set(_WORKBOOK_TYPES):
            raise Unsupported("no workbook part")
        book = "/xl/workbook.xml"
    strings = next((name for name, ct in overrides if ct == SHARED_STRINGS), None)
    # openpyxl drops the first character, which is the leading "/" in any sane file.
    return book[1:], None if strings is None else strings[1:]


def _workbook(root: Element) -> tuple[dt.datetime, list[tuple[str, str | None]]]:
    """The calendar (1900 or 1904) and each listed sheet's name and relationship id."""
    epoch = WINDOWS_EPOCH
    listed: list[tuple[str, str | None]] = []
    if root.tag != "{" + SHEET_MAIN_NS + "}workbook":
        raise Unsupported("not a transitional SpreadsheetML workbook")
    for element in root:
        tag = _local(element)
        if tag == "workbookPr":
            epoch = MAC_EPOCH if _flag(element.get("date1904")) else WINDOWS_EPOCH
        elif tag == "sheets":
            listed = [_listed_sheet(child) for child in element]
    return epoch, listed


def _listed_sheet(element: Element) -> tuple[str, str | None]:
    _require(element, ("name", "sheetId", "state"), ("name", "sheetId"))
    int(element.attrib["sheetId"])
    if element.get("state") not in _SHEET_STATES:
        raise Unsupported("unknown sheet state")
    return element.attrib["name"], element.get(_REL_ID)


def _worksheets(
    archive: zipfile.ZipFile,
    book_part: str,
    listed: list[tuple[str, str | None]],
    members: set[str],
    parsed: set[str],
) -> list[_Worksheet]:
    """The worksheets openpyxl would load, in order; chartsheets are left to openpyxl."""
    relations: dict[str, _Relation] = {}
    found: list[_Worksheet] = []
    seen: list[str] = []
    for name, rel_id in listed:
        if not rel_id:
            continue  # openpyxl warns and drops such a sheet
        if not relations:
            path = _rels_path(book_part)
            parsed.add(path)
            relations = {rel.id: rel for rel in _relations(archive, path)}
        relation = relations[rel_id]
        if relation.target not in members:
            continue
        if "chartsheet" in relation.type:
            raise Unsupported("a chartsheet")
        if not name or _title_invalid(name) or name.lower() in seen:
            raise Unsupported("a sheet name openpyxl would change or refuse")
        seen.append(name.lower())
        found.append(_Worksheet(name, relation.target))
    return found


def _title_invalid(title: str) -> bool:
    """Characters openpyxl refuses in a sheet title."""
    return any(char in title for char in "\\*?:/[]")


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _relations(archive: zipfile.ZipFile, path: str) -> list[_Relation]:
    """A .rels part's relationships, with targets resolved as openpyxl resolves them."""
    parent = posixpath.split(posixpath.dirname(path))[0]
    relations = []
    for element in _tree(archive, path):
        _require(element, _RELATION_KEYS, ("Id", "Type", "Target"))
        target = element.attrib["Target"]
        if element.get("TargetMode") != "External":
            if target.startswith("/"):
                target = target[1:]
            else:
                target = posixpath.normpath(posixpath.join(parent, target))
        relations.append(_Relation(element.attrib["Id"], element.attrib["Type"], target))
    if len({rel.id for rel in relations}) != len(relations):
        raise Unsupported("relationship ids repeat")
    return relations


def _styles(root: Element) -> _Styles:
    """Which cell styles (`cellXfs` entries) format numbers as dates or durations."""
    custom: dict[int, str] = {}
    formats: list[int] = []
    for element in root:
        tag = _local(element)
        if tag == "numFmts":
            custom = {}  # openpyxl keeps the last <numFmts>
            for fmt in element:
                if _local(fmt) == "numFmt":
                    _require(fmt, ("numFmtId", "formatCode"), ("numFmtId", "formatCode"))
                    custom[int(fmt.attrib["numFmtId"])] = fmt.attrib["formatCode"]
        elif tag == "cellXfs":
            formats = [int(xf.get("numFmtId", 0)) for xf in element if _local(xf) == "xf"]
    if not formats:
        return _Styles()  # openpyxl keeps its one default style
    dates, durations = set(), set()
    for index, number in enumerate(formats):
        if number in custom:
            date, duration = is_date_format(custom[number]), is_timedelta_format(custom[number])
        else:
            date, duration = number in BUILTIN_DATES, number in BUILTIN_DURATIONS
        if date:
            dates.add(index)
        if duration:
            durations.add(index)
    return _Styles(len(formats), frozenset(dates), frozenset(durations))


def _flag(value: str | None) -> bool:
    """An XML boolean as openpyxl's `Bool` reads it: anything but "", "0", "f", "false"."""
    return bool(value) and value not in ("false", "f", "0")


def _sheet_relations(
    archive: zipfile.ZipFile, path: str, members: set[str], parsed: set[str]
) -> list[_Relation]:
    rels_path = _rels_path(path)
    if rels_path not in members:
        return []
    parsed.add(rels_path)
    return _relations(archive, rels_path)


def _bind(
    archive: zipfile.ZipFile, grid: _Grid, relations: list[_Relation], members: set[str]
) -> None:
    """Merges, hyperlinks and comments onto the cells, in openpyxl's order; tables checked."""
    by_id = {relation.id: relation for relation in relations}
    grid.bind(by_id)
    for rel_id in grid.tables:
        if by_id[rel_id].target not in members:
            raise Unsupported("a table part that is missing")
    for relation in relations:
        if relation.type == COMMENTS_NS:
            grid.parsed.add(relation.target)
            grid.bind_comments(_comment_refs(_tree(archive, relation.target)))


def _comment_refs(root: Element) -> list[str]:
    """The cells a comments part annotates (openpyxl makes each cell to attach it)."""
    authors = 0
    refs: list[str] = []
    for element in root:
        tag = _local(element)
        if tag == "authors":
            authors = sum(1 for child in element if _local(child) == "author")
        elif tag == "commentList":
            refs = []
            for comment in element:
                _require(comment, _COMMENT_KEYS)
                author = int(comment.get("authorId", 0))
                if not 0 <= author < authors:
                    raise Unsupported("a comment by an unknown author")
                refs.append(comment.get("ref", ""))
    return refs


def _check_other_parts(archive: zipfile.ZipFile, parsed: set[str]) -> None:
    """Hand the workbook to openpyxl if a part this reader skipped is damaged or has a DTD.

    openpyxl parses some of these (document properties, tables, drawings) and would refuse
    the workbook for them; it is left to decide. They are small: parsing them costs little.
    """
    for entry in archive.infolist():
        if entry.filename not in parsed and entry.filename.endswith((".xml", ".rels")):
            with archive.open(entry) as handle:
                _WellFormed().read(handle)


# --- streaming parsers -----------------------------------------------------------------


class _Text(ContentHandler):
    """Hands expat's character data straight to a list: no Python call per run of text."""

    def __init__(self, parts: list[str]) -> None:
        super().__init__()
        self.characters = parts.append  # type: ignore[method-assign, assignment]


class _Stream(DefusedExpatParser):
    """defusedxml's expat SAX parser, namespace-aware, collecting all character data."""

    namespace = SHEET_MAIN_NS

    def __init__(self) -> None:
        super().__init__(namespaceHandling=1)
        self.text: list[str] = []
        self.setContentHandler(_Text(self.text))
        self._tags: dict[str, str] = {}

    def read(self, handle: IO[bytes]) -> None:
        while chunk := handle.read(_CHUNK):
            self.feed(chunk)
        self.close()

    def learn(self, name: str) -> str:
        """The local name of an element in `namespace`; "" for one in any other."""
        parts = name.split(" ")
        tag = parts[1] if len(parts) > 1 and parts[0] == self.namespace else ""
        self._tags[name] = tag
        return tag

    def joined(self) -> str:
        text = "".join(self.text)
        self.text.clear()
        return text


class _WellFormed(DefusedExpatParser):
    """Parses a part for nothing but its well-formedness, refusing any DTD."""

    def __init__(self) -> None:
        super().__init__(forbid_dtd=True)

    def read(self, handle: IO[bytes]) -> None:
        try:
            while chunk := handle.read(_CHUNK):
                self.feed(chunk)
            self.close()
        except (SAXException, DTDForbidden, EntitiesForbidden) as exc:
            raise Unsupported(f"a part openpyxl may parse: {exc}") from exc


def _read_strings(archive: zipfile.ZipFile, path: str) -> list[str]:
    reader = _StringsReader()
    with archive.open(path) as handle:
        reader.read(handle)
    return reader.strings


class _RichText:
    """The text of an `<si>` or `<is>`: its own `<t>`, then each run's `<t>` (openpyxl's
    `Text.content`); phonetic runs and run fonts are skipped."""

    def __init__(self, plain: str = "") -> None:
        self.plain = plain
        self.runs: list[str] = []
        self.run = ""
        self.in_run = False
        self.skip = 0

    def content(self) -> str:
        return self.plain + "".join(self.runs)

    def start(self, tag: str, attrs: Mapping[str, str]) -> bool:
        """Whether this element's text is wanted; refuses what openpyxl would read otherwise."""
        if self.skip:
            self.skip += 1
            return False
        if tag == "t":
            return True
        if self.in_run:
            if tag != "rPr":
                raise Unsupported(f"<{tag or 'foreign'}> in a rich-text run")
            self.skip = 1
            return False
        if tag == "r":
            if _plain(attrs):
                raise Unsupported("attributes on a rich-text run")
            self.in_run, self.run = True, ""
        elif tag == "rPh":
            _check_phonetic(attrs, ("sb", "eb"), ())
            self.skip = 1
        elif tag == "phoneticPr":
            _check_phonetic(attrs, ("fontId",), ("type", "alignment"))
            self.skip = 1
        else:
            raise Unsupported(f"<{tag or 'foreign'}> in rich text")
        return False

    def end_text(self, text: str) -> None:
        """A `<t>` ended: the last one of the string or of the run counts."""
        if self.in_run:
            self.run = text
        else:
            self.plain = text

    def end(self) -> bool:
        """An element other than `<t>` ended; True when it was the `<si>` or `<is>` itself."""
        if self.skip:
            self.skip -= 1
            return False
        if self.in_run:
            self.runs.append(self.run)
            self.in_run = False
            return False
        return True


def _plain(attrs: Mapping[str, str]) -> list[str]:
    """Attribute names outside any namespace (a namespaced one has a space in SAX)."""
    return [key for key in attrs if " " not in key]


def _check_phonetic(
    attrs: Mapping[str, str], needed: Iterable[str], optional: Iterable[str]
) -> None:
    keys = set(_plain(attrs))
    needed = set(needed)
    if keys - needed - set(optional) or needed - keys:
        raise Unsupported("phonetic text openpyxl would refuse")
    for key in needed:
        int(attrs[key])
    if attrs.get("type") not in _PHONETIC_TYPES:
        raise Unsupported("phonetic type")
    if attrs.get("alignment") not in _PHONETIC_ALIGNMENTS:
        raise Unsupported("phonetic alignment")


class _StringsReader(_Stream):
    """sharedStrings.xml: each `<si>`'s text, with openpyxl's "x005F_" removal."""

    def __init__(self) -> None:
        super().__init__()
        self.strings: list[str] = []
        self._item: _RichText | None = None
        self._in_text = False

    def start_element_ns(self, name: str, attrs: Mapping[str, str]) -> None:
        tag = self._tags.get(name)
        if tag is None:
            tag = self.learn(name)
        if self._in_text:
            raise Unsupported("markup inside <t>")
        item = self._item
        if item is not None:
            self._in_text = item.start(tag, attrs)
            if self._in_text:
                self.text.clear()
        elif tag == "si":
            if _plain(attrs):
                raise Unsupported("attributes on <si>")
            self._item = _RichText()

    def end_element_ns(self, name: str) -> None:
        item = self._item
        if item is None:
            return
        if self._in_text:
            self._in_text = False
            item.end_text(self.joined())
        elif item.end():
            self.strings.append(item.content().replace("x005F_", ""))
            self._item = None


# --- a worksheet -----------------------------------------------------------------------

_OUT, _ROW, _CELL, _INLINE, _MERGES, _LINKS = range(6)
_NO_FIELD, _VALUE, _FORMULA, _INLINE_TEXT = range(4)
_UNSEEN = Cell("")  # a marker: a shared string whose cell is not made yet


class _Grid:
    """A worksheet's cells as openpyxl would hold them, and what binds to them afterwards."""

    def __init__(self, styles: _Styles, strings: list[str], epoch: dt.datetime, keep: bool):
        self.styles = styles
        self.strings = strings
        self.string_cells: list[Cell | None] = [_UNSEEN] * len(strings)
        self.epoch = epoch
        self.keep = keep  # only the chosen sheet keeps its cells; the others are only checked
        self.rows: dict[int, dict[int, Cell | None]] = {}
        self.blank: set[tuple[int, int]] = set()  # a value, but only spaces: not "no value"
        self.max_row = 0
        self.max_col = 0
        self.row_attrs: dict[int, Mapping[str, str]] = {}
        self.columns: dict[int, tuple[int | None, bool]] = {}  # <col min> -> (max, hidden)
        self.merges: list[tuple[int, int, int, int]] = []  # (min_row, min_col, max_row, max_col)
        self.links: list[tuple[str, str | None, str | None]] = []  # (ref, r:id, location)
        self.tables: list[str] = []  # r:ids of <tablePart>
        self.formulas: dict[str | None, Any] = {}  # openpyxl's Translator, by shared index
        self.style_flags: dict[str | None, int] = {}
        self.parsed: set[str] = set()
        self.limit_rows = sheets.MAX_ROWS
        self.limit_cols = sheets.MAX_COLUMNS

    # -- cells, as openpyxl's WorkSheetParser.parse_cell makes them

    def style(self, style: str | None) -> int:
        """1 for a date style, 3 for a duration style, else 0; refuses what openpyxl cannot
        look up."""
        index = 0 if style is None else int(style)
        if not 0 <= index < self.styles.count:
            raise Unsupported(f"cell style {style!r}")
        flags = (index in self.styles.dates) | (index in self.styles.durations) << 1
        self.style_flags[style] = flags
        return flags

    def string(self, index: int) -> Cell | None:
        """A shared string's cell, made once however many cells use it."""
        cell = self.string_cells[index]
        if cell is _UNSEEN:
            text = self.strings[index]
            cell = self.string_cells[index] = Cell(text) if text.strip() else None
        return cell

    def formula(self, text: str, attrs: Mapping[str, str], ref: str | None) -> str:
        """A formula as openpyxl gives it: a shared formula translated to this cell."""
        kind = attrs.get("t")
        if kind == "shared":
            key = attrs.get("si")
            try:
                if key in self.formulas:
                    return str(self.formulas[key].translate_formula(ref))
                if text != "=":
                    self.formulas[key] = _translator(text, ref)
            except Exception as exc:  # the tokenizer's errors: openpyxl fails the workbook
                raise Unsupported(f"shared formula: {exc}") from exc
        elif kind == "dataTable":
            if "ref" not in attrs:
                raise Unsupported("data table without ref")
            return table_formula(
                attrs.get("r1"), attrs.get("r2"), attrs.get("dt2D"), attrs.get("dtr")
            )
        return text

    def number(self, text: str, flags: int) -> Cell:
        value: float = float(text) if "." in text or "E" in text or "e" in text else int(text)
        if not flags & 1:
            return Cell(number_text(value), CellType.NUMBER)
        try:
            moment = from_excel(value, self.epoch, bool(flags & 2))
        except (OverflowError, ValueError):
            return Cell("#VALUE!", CellType.ERROR)  # openpyxl warns and makes it an error
        cell = value_cell(moment, "d")
        assert cell is not None
        return cell

    # -- what openpyxl binds after the cells: merges, hyperlinks, comments, dimensions

    def bind(self, relations: Mapping[str, _Relation]) -> None:
        # openpyxl keeps merges in a set of ranges, made from the file's list and copied
        # item by item into another; the ranges hash as these tuples do, so the order (which
        # counts only for ranges sharing a top-left cell) comes out the same.
        self.merges = list(set(iter(set(self.merges))))
        for min_row, min_col, max_row, max_col in self.merges:
            self._extend(max_row, max_col)
            self._unmerge(min_row, min_col, max_row, max_col)
        for ref, rel_id, location in self.links:
            target = relations[rel_id].target if rel_id else None
            self._link(ref, target, location)
        self._check_dimensions()

    def bind_comments(self, refs: list[str]) -> None:
        for ref in refs:
            _, _, max_col, max_row = _bounds(ref)
            if max_row > _MAX_ROW:
                raise Unsupported("a comment below the last row")
            self._extend(max_row, max_col)

    def _extend(self, row: int, col: int) -> None:
        self.max_row = max(self.max_row, row)
        self.max_col = max(self.max_col, col)

    def _unmerge(self, min_row: int, min_col: int, max_row: int, max_col: int) -> None:
        """All but the top-left cell of a merged range lose their values."""
        rows = self.rows
        numbers: Iterable[int] = (
            range(min_row, max_row + 1)
            if max_row - min_row < len(rows)
            else [n for n in rows if min_row <= n <= max_row]
        )
        for number in numbers:
            cells = rows.get(number)
            if not cells:
                continue
            for col in [c for c in cells if min_col <= c <= max_col]:
                if (number, col) != (min_row, min_col):
                    cells[col] = None
                    self.blank.discard((number, col))

    def _is_merged(self, row: int, col: int) -> bool:
        """Whether openpyxl holds a MergedCell here: in a merged range, not its top-left."""
        return any(
            r1 <= row <= r2 and c1 <= col <= c2 and (row, col) != (r1, c1)
            for r1, c1, r2, c2 in self.merges
        )

    def _link(self, ref: str, target: str | None, location: str | None) -> None:
        """A hyperlink fills each empty cell it covers with its target, else its location
        (openpyxl's `Cell.hyperlink` setter); merged-away cells of a range are passed over."""
        min_col, min_row, max_col, max_row = _bounds(ref)
        text = target or location
        _bound_text(text)  # openpyxl fails on a bad one even where the sheet is too big
        if max_row > _MAX_ROW:
            raise Unsupported("a hyperlink below the last row")
        if ":" not in ref:
            row, col = min_row, min_col
            if self._is_merged(row, col):
                # openpyxl moves the link to the top-left cell of the first range holding it.
                r1, c1, _, _ = next(
                    m for m in self.merges if m[0] <= row <= m[2] and m[1] <= col <= m[3]
                )
                if self._is_merged(r1, c1):
                    raise Unsupported("a hyperlink in overlapping merged ranges")
                row, col = r1, c1
            self._fill(row, col, text)
            return
        self._extend(max_row, max_col)
        if max_row > self.limit_rows or max_col > self.limit_cols:
            return  # refused for its size anyway
        for row in range(min_row, max_row + 1):
            for col in range(min_col, max_col + 1):
                if not self._is_merged(row, col):
                    self._fill(row, col, text)

    def _fill(self, row: int, col: int, text: str | None) -> None:
        value, kind = _bound_text(text)
        self._extend(row, col)
        if not self.keep or row > self.limit_rows or col > self.limit_cols:
            return
        cells = self.rows.setdefault(row, {})
        if cells.get(col) is None and (row, col) not in self.blank:
            cell = value_cell(value, kind)
            cells[col] = cell
            if cell is None and value is not None:
                self.blank.add((row, col))

    def _check_dimensions(self) -> None:
        """Refuse row attributes openpyxl's RowDimension would not take."""
        for attrs in self.row_attrs.values():
            if _ROW_ALIASES & set(attrs):
                raise Unsupported("row attribute openpyxl reads as a Python name")
            if "r" in attrs:
                int(attrs["r"])
            if "ht" in attrs:
                float(attrs["ht"])
            if "outlineLevel" in attrs:
                int(attrs["outlineLevel"])
            if "s" in attrs:
                self.style(attrs["s"])

    def hidden_columns(self) -> set[int]:
        hidden: set[int] = set()
        for first, (last, is_hidden) in self.columns.items():
            if is_hidden and last:
                hidden.update(range(first - 1, min(last, self.limit_cols)))
        return hidden

    def sheet(self, display: str, names: tuple[str, ...]) -> Sheet:
        """The rows and warnings `sheets` builds from openpyxl's worksheet."""
        width = self.max_col
        hidden = self.hidden_columns()
        covered = sorted(index for index in hidden if index < width)
        skipped: list[SheetProblem] = []
        rows: list[Row] = []
        for number in sorted(self.rows):
            cells: list[Cell | None] = [None] * width
            for col, cell in self.rows[number].items():
                cells[col - 1] = cell
            for index in covered:
                cells[index] = None
            if not any(cells):
                continue
            if _flag(self.row_attrs.get(number, {}).get("hidden")):
                skipped.append(hidden_row(display, number))
                continue
            rows.append(Row(number, tuple(cells)))
        skipped.extend(hidden_column(display, index) for index in sorted(hidden))
        merged = sorted(self.merges, key=lambda bounds: (bounds[0], bounds[1]))
        skipped.extend(merged_range(display, c1, r1, c2, r2) for r1, c1, r2, c2 in merged)
        return Sheet(display, tuple(rows), tuple(skipped), names)


def _bound_text(text: str | None) -> tuple[str | None, str]:
    """A text set as a cell's value, typed as openpyxl's `Cell.value` setter types it."""
    if text is None:
        return None, "n"
    text = text[:32767]
    if ILLEGAL_CHARACTERS_RE.search(text):
        raise Unsupported("control characters in a hyperlink")
    if len(text) > 1 and text.startswith("="):
        return text, "f"
    return text, "e" if text in ERROR_CODES else "s"


_COLUMNS: dict[str, int] = {}


def _column(letters: str) -> int:
    """A column's number from its letters, A to ZZZ (openpyxl also takes lower case; rare)."""
    number = _COLUMNS.get(letters)
    if number is None:
        if not (0 < len(letters) <= 3 and letters.isascii() and letters.isupper()):
            raise Unsupported(f"column {letters!r}")
        if not letters.isalpha():
            raise Unsupported(f"column {letters!r}")
        number = _COLUMNS[letters] = sheets._column_number(letters)
    return number


def _coordinate(ref: str) -> tuple[int, int]:
    """(row, column) of a cell reference such as `B7`."""
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters) :]
    if not digits or int(digits) < 1:
        raise Unsupported(f"cell reference {ref!r}")
    return int(digits), _column(letters)


def _bounds(ref: str) -> tuple[int, int, int, int]:
    """(min_col, min_row, max_col, max_row) of `A1` or `A1:B2`, `$` allowed; else refused."""
    first, colon, last = ref.replace("$", "").partition(":")
    min_row, min_col = _coordinate(first)
    max_row, max_col = _coordinate(last) if colon else (min_row, min_col)
    if min_row < 1 or min_row > max_row or min_col > max_col:
        raise Unsupported(f"range {ref!r}")
    return min_col, min_row, max_col, max_row


def _row_number(text: str) -> int:
    """A row's `r`, which openpyxl also takes as a float with nothing after the point."""
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if not number.is_integer():
            raise
        return int(number)


class _SheetReader(_Stream):
    """A worksheet part, streamed into a `_Grid`: cells, rows, columns, merges, links."""

    def __init__(self, grid: _Grid) -> None:
        super().__init__()
        self.grid = grid
        self._where = _OUT
        self._field = _NO_FIELD
        self._skip = 0
        self._row = 0
        self._col = 0
        self._attrs: Mapping[str, str] = {}
        self._value: str | None = None
        self._formula: str | None = None
        self._formula_attrs: Mapping[str, str] = {}
        self._inline: _RichText | None = None
        self._inline_text: str | None = None
        self._inline_seen = False
        self._row_text: str | None = None

    def start_element_ns(self, name: str, attrs: Mapping[str, str]) -> None:
        tag = self._tags.get(name)
        if tag is None:
            tag = self.learn(name)
        if self._skip:
            if tag in _DISPATCHED:
                raise Unsupported(f"<{tag}> nested where openpyxl would still read it")
            self._skip += 1
            return
        if self._field:
            raise Unsupported("markup inside a cell's text")
        where = self._where
        if where == _CELL:
            # openpyxl reads the first <v>, <f> and <is> of a cell and ignores anything else.
            if tag == "v" and self._value is None:
                self._field = _VALUE
                self.text.clear()
            elif tag == "is" and not self._inline_seen:
                self._where = _INLINE
                self._inline_seen = True
            elif tag == "f" and self._formula is None:
                self._field = _FORMULA
                self._formula_attrs = attrs
                self.text.clear()
            else:
                self._skip = 1
        elif where == _ROW:
            if tag != "c":
                raise Unsupported(f"<{tag or 'foreign'}> in a row (openpyxl reads it as a cell)")
            self._where = _CELL
            self._attrs = attrs
            self._value = self._formula = self._inline_text = None
            self._inline_seen = False
        elif where == _INLINE:
            inline = self._inline
            if inline is None:
                if tag == "t":  # the usual <is><t>text</t></is>: no rich text to assemble
                    self._field = _INLINE_TEXT
                    self.text.clear()
                    return
                inline = self._inline = _RichText(self._inline_text or "")
            if inline.start(tag, attrs):
                self._field = _INLINE_TEXT
                self.text.clear()
        elif tag in _DISPATCHED and where != _OUT:
            raise Unsupported(f"<{tag}> inside merged cells or hyperlinks")
        elif where == _MERGES:
            if tag == "mergeCell":
                self._merge(attrs)
            elif not tag:
                raise Unsupported("foreign element among merged cells")
            self._skip = 1
        elif where == _LINKS:
            if tag == "hyperlink":
                self._hyperlink(attrs)
            elif not tag:
                raise Unsupported("foreign element among hyperlinks")
            self._skip = 1
        else:
            self._outside(tag, attrs)

    def _outside(self, tag: str, attrs: Mapping[str, str]) -> None:
        """An element outside any row: openpyxl picks out these wherever they are."""
        if tag == "row":
            self._start_row(attrs)
        elif tag == "col":
            self._column(attrs)
            self._skip = 1
        elif tag == "mergeCells":
            if set(_plain(attrs)) - {"count"}:
                raise Unsupported("attributes on <mergeCells>")
            self.grid.merges = []  # openpyxl keeps the last <mergeCells>
            self._where = _MERGES
        elif tag == "hyperlinks":
            if _plain(attrs):
                raise Unsupported("attributes on <hyperlinks>")
            self.grid.links = []
            self._where = _LINKS
        elif tag == "tablePart":
            rel_id = _rel_id(attrs)
            if rel_id is None:
                raise Unsupported("a table part without r:id")
            self.grid.tables.append(rel_id)
        elif tag == "c":
            self._skip = 1  # a cell outside any row: openpyxl never looks at it

    def end_element_ns(self, name: str) -> None:
        if self._skip:
            self._skip -= 1
            return
        field = self._field
        if field:
            self._field = _NO_FIELD
            text = "".join(self.text)
            if field == _VALUE:
                self._value = text
            elif field == _FORMULA:
                self._formula = text
            elif self._inline is None:
                self._inline_text = text
            else:
                self._inline.end_text(text)
            return
        where = self._where
        if where == _CELL:
            self._where = _ROW
            self._end_cell()
        elif where == _ROW:
            self._where = _OUT
            self.text.clear()
        elif where == _INLINE:
            inline = self._inline
            if inline is None:
                self._inline_text = self._inline_text or ""
                self._where = _CELL
            elif inline.end():
                self._inline_text = inline.content()
                self._inline = None
                self._where = _CELL
        elif where in (_MERGES, _LINKS):
            self._where = _OUT

    def _start_row(self, attrs: Mapping[str, str]) -> None:
        text = attrs.get("r")
        self._row = self._row + 1 if text is None else _row_number(text)
        # Kept for cell references that end in it; only plain digits, as in `_coordinate`.
        self._row_text = text if text and text.isascii() and text.isdigit() else None
        if self._row < 1:
            raise Unsupported("a row numbered below 1")
        self._col = 0
        self._where = _ROW
        if any(" " not in key and key not in ("r", "spans") for key in attrs):
            self.grid.row_attrs[self._row] = attrs  # openpyxl keeps the last row element's

    def _end_cell(self) -> None:
        # The hot path, once per cell: written out in one piece, as calls cost here.
        attrs = self._attrs
        ref = attrs.get("r")
        if ref:
            # Most references are the column's letters then the row's own `r`.
            digits = self._row_text
            col = _COLUMNS.get(ref[: -len(digits)]) if digits and ref.endswith(digits) else None
            if col is None:
                row, col = _coordinate(ref)
            else:
                row = self._row
            self._col = col
        else:
            self._col += 1
            row, col = self._row, self._col
        grid = self.grid
        style = attrs.get("s")
        flags = grid.style_flags.get(style)
        if flags is None:
            flags = grid.style(style)
        kind = attrs.get("t", "n")
        value = self._value
        cell: Cell | None = None
        raw = True  # whether there is a value at all: a hyperlink fills a cell without one
        if self._formula is not None:
            text = grid.formula("=" + self._formula, self._formula_attrs, ref)
            cell = Cell(text, CellType.FORMULA)
        elif kind == "inlineStr":
            inline = self._inline_text
            if inline is None:
                raw = False
            elif inline.strip():
                cell = Cell(inline)
        elif not value:
            raw = False
        elif kind == "s":
            cell = grid.string(int(value))
        elif kind == "n":
            cell = grid.number(value, flags)
        elif kind == "str":
            cell = Cell(value) if value.strip() else None
        elif kind == "b":
            cell = Cell("TRUE" if int(value) else "FALSE", CellType.BOOL)
        else:
            cell = value_cell(_from_iso(value) if kind == "d" else value, kind)
        if row > grid.max_row:
            grid.max_row = row
        if col > grid.max_col:
            grid.max_col = col
        if not grid.keep or row > grid.limit_rows or col > grid.limit_cols:
            return  # not the sheet being read, or refused for its size anyway
        cells = grid.rows.get(row)
        if cells is None:
            cells = grid.rows[row] = {}
        cells[col] = cell
        if cell is None and raw:
            grid.blank.add((row, col))  # a value of spaces only: not "no value" to a link
        elif grid.blank:
            grid.blank.discard((row, col))

    def _column(self, attrs: Mapping[str, str]) -> None:
        if set(attrs) - _COL_KEYS:
            raise Unsupported("<col> attributes openpyxl's ColumnDimension does not take")
        first = int(attrs["min"])
        if not 1 <= first <= 18278:
            raise Unsupported("<col min> out of range")
        last = int(attrs["max"]) if "max" in attrs else None
        if "width" in attrs:
            float(attrs["width"])
        if "outlineLevel" in attrs:
            int(attrs["outlineLevel"])
        if "style" in attrs:
            self.grid.style(attrs["style"])
        self.grid.columns[first] = (last, _flag(attrs.get("hidden")))

    def _merge(self, attrs: Mapping[str, str]) -> None:
        if set(_plain(attrs)) != {"ref"}:
            raise Unsupported("<mergeCell> attributes")
        min_col, min_row, max_col, max_row = _bounds(attrs["ref"])
        self.grid.merges.append((min_row, min_col, max_row, max_col))

    def _hyperlink(self, attrs: Mapping[str, str]) -> None:
        keys = set(_plain(attrs))
        if keys - _LINK_KEYS or "ref" not in keys:
            raise Unsupported("<hyperlink> attributes")
        self.grid.links.append((attrs["ref"], _rel_id(attrs), attrs.get("location")))


def _rel_id(attrs: Mapping[str, str]) -> str | None:
    """The `r:id` attribute, named `namespace id prefix` by the SAX parser."""
    return next((v for k, v in attrs.items() if k.split(" ")[:2] == [REL_NS, "id"]), None)
