"""Find, load and cross-check the files of a catalogue; collect every problem, never raise."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from importlib import resources
from pathlib import Path

from pydantic import BaseModel

from ..errors import CatalogueError, UsageError
from ..memory import gc_paused
from ..problems import Level, Problem, error, printable, warning
from ..progress import Progress, silent
from .blind import blind_spot, need_texts, sme_texts
from .concepts import ConceptIndex
from .mission import Mission, mission_problems, reference_problems
from .models import Judgment, JudgmentsFile, Need, Sme, TaxonomyFile
from .schema import parse_record
from .suggest import did_you_mean
from .taxonomy import Taxonomy
from .team_judgments import TEAM_JUDGMENTS_FILE, TeamJudgmentsFile
from .text import fold
from .yamlsafe import Document, load_file

DATA_ENV = "GSSC_MATCH_DATA"
TAXONOMY_FILE = "taxonomy.yaml"
JUDGMENTS_FILE = "judgments.yaml"
YAML_SUFFIXES = (".yaml", ".yml")
"""Compared without case: `Lampione.YAML` is read like `lampione.yaml`, never skipped."""
RECORD_FOLDERS = ("smes", "needs")
MISSIONS_DIR = "missions"


class Kind(StrEnum):
    """What a file holds, told by where it lives."""

    SME = "sme"
    NEED = "need"
    TAXONOMY = "taxonomy"
    JUDGMENTS = "judgments"
    MISSION = "mission"
    TEAM_JUDGMENTS = "team-judgments"


def bundled_data() -> Path:
    """The catalogue shipped with the package (or the checkout's `data/` when editable)."""
    packaged = Path(str(resources.files("gssc_match"))) / "data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "data"


def data_dir(option: Path | None = None) -> Path:
    """The catalogue in use: `--data`, else $GSSC_MATCH_DATA, else the bundled one."""
    if option is not None:
        return option
    env = os.environ.get(DATA_ENV)
    if not env:
        return bundled_data()
    if not Path(env).is_dir():
        raise UsageError(f"{DATA_ENV}={env!r} is not a folder")
    return Path(env)


def taxonomy_path(root: Path) -> Path:
    """A catalogue's own taxonomy, or the bundled one when it has none."""
    own = root / TAXONOMY_FILE
    return own if own.exists() else bundled_data() / TAXONOMY_FILE


@dataclass(frozen=True)
class Catalogue:
    """A loaded catalogue: records sorted by id, and the files they came from."""

    root: Path
    taxonomy: Taxonomy
    smes: tuple[Sme, ...]
    needs: tuple[Need, ...]
    files: tuple[Path, ...]
    fingerprint: str = ""
    """SHA-256 over the input files' relative names and bytes, as they were read."""
    warnings: tuple[Problem, ...] = ()
    """What the user should hear even though the catalogue loaded (files not read)."""


@dataclass
class Checked:
    """What a validation run found: the problems, the files read and the valid records."""

    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    smes: dict[str, tuple[Sme, str]] = field(default_factory=dict)
    needs: dict[str, tuple[Need, str]] = field(default_factory=dict)
    judgments: list[tuple[dict[str, Judgment], Document]] = field(default_factory=list)
    digests: dict[Path, str] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)
    """Ids of records whose file has errors: references to them are not reported again."""
    missions: list[tuple[Mission, Document]] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level is Level.ERROR]


def load_taxonomy(path: Path) -> tuple[Taxonomy | None, list[Problem]]:
    """Load and validate a taxonomy file."""
    display = _display(path)
    document, problems = load_file(path, display)
    if document is None:
        return None, problems
    model, schema_problems = parse_record(document, TaxonomyFile)
    problems += schema_problems + (_taxonomy_duplicates(model, document) if model else [])
    if model is None or any(p.level is Level.ERROR for p in problems):
        return None, problems
    return Taxonomy(model, display, document.digest), problems


def schema_references(root: Path, model: type[BaseModel]) -> dict[str, list[str]]:
    """The taxonomy ids a record's field must name: an SME's cluster, a need's country.

    A taxonomy that does not load gives none: the schema then leaves those fields open.
    """
    taxonomy, _ = load_taxonomy(taxonomy_path(root))
    if taxonomy is None:
        return {}
    if model is Sme:
        return {"cluster": sorted(taxonomy.clusters)}
    if model is Need:
        return {"country": sorted(taxonomy.countries)}
    return {}


def _taxonomy_duplicates(model: TaxonomyFile, document: Document) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for p, pillar in enumerate(model.pillars):
        for c, concept in enumerate(pillar.concepts):
            if concept.id in seen:
                line, col = document.position(("pillars", p, "concepts", c, "id"))
                msg = f"concept id '{concept.id}' is used twice"
                problems.append(error(document.path, line, col, msg, "duplicate-id"))
            seen.add(concept.id)
    kinds: set[str] = set()
    for k, kind in enumerate(model.remedies.kinds if model.remedies else []):
        if kind.id in kinds:
            line, col = document.position(("remedies", "kinds", k, "id"))
            msg = f"remedy kind id '{kind.id}' is used twice"
            problems.append(error(document.path, line, col, msg, "duplicate-id"))
        kinds.add(kind.id)
    return problems


def load_catalogue(root: Path, progress: Progress = silent) -> tuple[Catalogue | None, Checked]:
    """Load every record under a catalogue folder; the catalogue is None if the taxonomy fails."""
    taxonomy, problems = load_taxonomy(taxonomy_path(root))
    if taxonomy is None:
        return None, Checked(problems=problems)
    paths, layout = catalogue_files(root)
    checked = check_files(paths, taxonomy, tag_warnings=False, progress=progress)
    checked.problems[:0] = problems + layout
    smes = tuple(sme for _, (sme, _) in sorted(checked.smes.items()))
    needs = tuple(need for _, (need, _) in sorted(checked.needs.items()))
    tax_file = taxonomy_path(root)
    files = (*checked.files, tax_file)
    digests = {**checked.digests, tax_file: taxonomy.digest}
    warnings = tuple(p for p in layout if p.level is Level.WARNING)
    fingerprint = _fingerprint(root, digests)
    catalogue = Catalogue(root, taxonomy, smes, needs, files, fingerprint, warnings)
    return catalogue, checked


def is_record_file(value: str) -> bool:
    """Whether a `--sme` value names a YAML file rather than an id (ids have no dot)."""
    return Path(value).suffix.lower() in YAML_SUFFIXES


def with_sme_file(catalogue: Catalogue, path: Path) -> tuple[Catalogue, str]:
    """The catalogue plus one SME file from elsewhere, checked like any SME file; and its id.

    Nothing is copied: the record joins the loaded catalogue only, replacing a record of
    the same id (the file is the newer version). Raises CatalogueError if the file fails.
    """
    checked = Checked(files=[path])
    document, problems = load_file(path, _display(path))
    checked.problems += problems
    if document is not None:
        _check_sme(document, path, catalogue.taxonomy, None, checked)
    if document is None or checked.errors or not checked.smes:
        raise CatalogueError(checked.errors, f"the SME file {_display(path)}")
    sme, _ = next(iter(checked.smes.values()))
    others = [s for s in catalogue.smes if s.id != sme.id]
    smes = tuple(sorted([*others, sme], key=lambda s: s.id))
    # The provenance must change with the file's bytes, as it does with the catalogue's.
    mixed = f"{catalogue.fingerprint}\0{path.name}\0{document.digest}".encode()
    fingerprint = "sha256:" + hashlib.sha256(mixed).hexdigest()
    files = (*catalogue.files, path)
    return replace(catalogue, smes=smes, files=files, fingerprint=fingerprint), sme.id


def _fingerprint(root: Path, digests: dict[Path, str]) -> str:
    """One SHA-256 over each input file's name (relative to the catalogue) and digest."""
    total = hashlib.sha256()
    for name, digest in sorted((_relative(path, root), d) for path, d in digests.items()):
        total.update(f"{name}\0{digest}\0".encode())
    return "sha256:" + total.hexdigest()


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def catalogue_files(root: Path) -> tuple[list[Path], list[Problem]]:
    """The record files of a catalogue folder, in a fixed order, and what is wrong with its layout.

    A folder with neither SME nor need files is an error (a wrong `--data` must not pass CI
    as "0 problems"); a file in a record folder that is not read is named in a warning.
    """
    folders = [root / name for name in RECORD_FOLDERS if (root / name).is_dir()]
    records, problems = _search(folders)
    if not records:
        msg = "no SME or need files here: a catalogue holds smes/*.yaml and needs/<country>/*.yaml"
        problems.append(error(_display(root), 1, 1, msg, "file"))
    judgments = root / JUDGMENTS_FILE
    return records + ([judgments] if judgments.exists() else []), problems


def expand(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Files as given, folders searched for YAML files; sorted, without duplicates.

    A path that does not exist is kept (its read fails with a clear problem), and a
    folder with no YAML file in it is a problem: a typo must not pass CI as "0 problems".
    """
    found: set[Path] = set()
    problems = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            inside, skipped = _search([path])
            if not inside:
                msg = "no YAML files (.yaml, .yml) in this folder"
                problems.append(error(_display(path), 1, 1, msg, "file"))
            found.update(inside)
            problems += skipped
        else:
            found.add(path)
    return sorted(found), problems


def _search(folders: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """The YAML files under some folders, and a warning for each other file in a record folder."""
    found: list[Path] = []
    problems = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if _hidden(path, folder):
                continue
            if _is_yaml_name(path):
                found.append(path)
            elif _in_record_folder(path) and not _is_folder(path):
                problems.append(_not_read(path))
    return sorted(set(found)), problems


def _hidden(path: Path, top: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(top).parts)


def _is_yaml_name(path: Path) -> bool:
    return path.suffix.lower() in YAML_SUFFIXES


def _is_folder(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _in_record_folder(path: Path) -> bool:
    """Directly in smes/, or in a country folder of needs/: where every file should be a record."""
    return path.parent.name == "smes" or path.parent.parent.name == "needs"


def _not_read(path: Path) -> Problem:
    msg = "not read: only .yaml and .yml files are records; rename it or move it out of this folder"
    return warning(_display(path), 1, 1, msg, "file")


def check_files(
    paths: Sequence[Path],
    taxonomy: Taxonomy | None,
    *,
    tag_warnings: bool = True,
    progress: Progress = silent,
) -> Checked:
    """Validate files one by one, then across files; every problem of every file.

    Without a valid taxonomy, records are still checked against their schema, so that a
    broken taxonomy does not hide the problems of every other file.
    """
    checked = Checked(files=list(paths))
    # Tag suggestions are for people fixing files; ranking does not need them.
    tags = (
        _TagCheck(taxonomy.concept_index, taxonomy.accepted_tags)
        if taxonomy and tag_warnings
        else None
    )
    with gc_paused():
        for path in progress(paths, len(paths), "reading"):
            _check_file(path, taxonomy, tags, checked)
    checked.problems += _cross_file(checked)
    checked.problems += _cross_missions(checked, taxonomy)
    checked.problems.sort()
    return checked


def _check_file(
    path: Path, taxonomy: Taxonomy | None, tags: _TagCheck | None, checked: Checked
) -> None:
    display = _display(path)
    document, problems = load_file(path, display)
    checked.problems += problems
    if document is None:
        return
    checked.digests[path] = document.digest
    kind = kind_of(path, document)
    if kind is None:
        checked.problems.append(warning(display, 1, 1, UNKNOWN_KIND, "file"))
    elif kind is Kind.SME:
        _check_sme(document, path, taxonomy, tags, checked)
    elif kind is Kind.NEED:
        _check_need(document, path, taxonomy, tags, checked)
    elif kind is Kind.JUDGMENTS:
        _check_judgments(document, checked)
    elif kind is Kind.MISSION:
        _check_mission(document, checked)
    elif kind is Kind.TEAM_JUDGMENTS:  # ids are checked by `evaluate --teams`
        checked.problems += parse_record(document, TeamJudgmentsFile)[1]
    else:
        _, more = load_taxonomy(path)
        checked.problems += [p for p in more if p not in problems]


UNKNOWN_KIND = (
    "skipped: not a catalogue file (SMEs go under smes/, needs under needs/<country>/; "
    "elsewhere a file is read when it has an SME's 'cluster' or 'offerings' key, a need's "
    "'city' or 'priority' key, or a mission's 'sessions' or 'delegations' key)"
)


def kind_of(path: Path, document: Document | None = None) -> Kind | None:
    """What a file holds: by its folder first, by its name, then by its keys."""
    parents = [p.name for p in path.parents]
    if path.name == TAXONOMY_FILE:
        return Kind.TAXONOMY
    if path.name == JUDGMENTS_FILE:
        return Kind.JUDGMENTS
    if path.name == TEAM_JUDGMENTS_FILE:
        return Kind.TEAM_JUDGMENTS
    if parents and parents[0] == "smes":
        return Kind.SME
    if parents and parents[0] == MISSIONS_DIR:
        return Kind.MISSION
    if len(parents) > 1 and parents[1] == "needs":
        return Kind.NEED
    keys = set(document.data) if document else set()
    if "cluster" in keys or "offerings" in keys:
        return Kind.SME
    if "city" in keys or "priority" in keys:
        return Kind.NEED
    if "sessions" in keys or "delegations" in keys:
        return Kind.MISSION
    return None


def _check_sme(
    document: Document,
    path: Path,
    taxonomy: Taxonomy | None,
    tags: _TagCheck | None,
    checked: Checked,
) -> None:
    sme, problems = parse_record(document, Sme)
    checked.problems += _with_reference_hint(document, problems, taxonomy, "cluster")
    if sme is None:
        checked.failed.update(_ids_of_failed(document, path))
        return
    checked.problems += _id_matches_stem(document, path, sme.id)
    if taxonomy and sme.cluster not in taxonomy.clusters:
        checked.problems.append(_unknown_ref(document, "cluster", sme.cluster, taxonomy))
    checked.problems += _tag_warnings(document, sme.tags, tags)
    checked.problems += _blind_warnings(
        document, taxonomy if tags else None, sme.tags, sme_texts(sme)
    )
    if sme.id in checked.smes:
        checked.problems.append(_duplicate(document, sme.id, checked.smes[sme.id][1]))
    else:
        checked.smes[sme.id] = (sme, document.path)


def _check_need(
    document: Document,
    path: Path,
    taxonomy: Taxonomy | None,
    tags: _TagCheck | None,
    checked: Checked,
) -> None:
    need, problems = parse_record(document, Need)
    checked.problems += _with_reference_hint(document, problems, taxonomy, "country")
    if need is None:
        checked.failed.update(_ids_of_failed(document, path))
        return
    checked.problems += _id_matches_stem(document, path, need.id)
    if taxonomy and need.country not in taxonomy.countries:
        checked.problems.append(_unknown_ref(document, "country", need.country, taxonomy))
    elif path.parent.parent.name == "needs" and path.parent.name != need.country:
        line, col = document.position(("country",))
        msg = f"country '{need.country}' does not match its folder needs/{path.parent.name}/"
        checked.problems.append(error(document.path, line, col, msg, "folder"))
    checked.problems += _tag_warnings(document, need.tags, tags)
    checked.problems += _blind_warnings(
        document, taxonomy if tags else None, need.tags, need_texts(need)
    )
    if need.id in checked.needs:
        checked.problems.append(_duplicate(document, need.id, checked.needs[need.id][1]))
    else:
        checked.needs[need.id] = (need, document.path)


def _check_judgments(document: Document, checked: Checked) -> None:
    parsed, problems = parse_record(document, JudgmentsFile)
    checked.problems += problems
    if parsed is not None:
        checked.judgments.append((parsed.root, document))


def _check_mission(document: Document, checked: Checked) -> None:
    mission, problems = parse_record(document, Mission)
    checked.problems += problems
    if mission is not None:
        checked.problems += mission_problems(mission, document)
        checked.missions.append((mission, document))


def _cross_missions(checked: Checked, taxonomy: Taxonomy | None) -> list[Problem]:
    """Missions must name needs of their country and SMEs of the catalogue.

    A mission checked without the records (`validate missions/x.yaml`) is checked against
    the catalogue it lives in (`<catalogue>/missions/x.yaml`).
    """
    countries = taxonomy.countries if taxonomy else {}
    problems = []
    homes: dict[Path, Checked] = {}
    for mission, document in checked.missions:
        records = checked
        home = Path(document.path).parent.parent
        if not (checked.needs or checked.smes) and (home / "needs").is_dir():
            if home not in homes:
                homes[home] = check_files(catalogue_files(home)[0], None, tag_warnings=False)
            records = homes[home]
        needs = {k: need for k, (need, _) in records.needs.items()}
        smes = {k: sme for k, (sme, _) in records.smes.items()}
        problems += reference_problems(mission, document, needs, smes, countries)
    return problems


def mission_files(root: Path) -> list[Path]:
    """The mission files of a catalogue folder (checked by `validate`, not read by `rank`)."""
    folder = root / MISSIONS_DIR
    return expand([folder])[0] if folder.is_dir() else []


def _id_matches_stem(document: Document, path: Path, record_id: str) -> list[Problem]:
    if path.stem == record_id:
        return []
    line, col = document.position(("id",))
    msg = f"id '{record_id}' must equal the file name '{printable(path.stem)}' (without .yaml)"
    return [error(document.path, line, col, msg, "id")]


def _unknown_ref(document: Document, key: str, value: str, taxonomy: Taxonomy) -> Problem:
    line, col = document.position((key,))
    meant = _reference(taxonomy, key, value)
    known = taxonomy.clusters if key == "cluster" else taxonomy.countries
    hint = f"did you mean '{meant}'?" if meant else did_you_mean(value, known)
    return error(document.path, line, col, f"unknown {key} '{value}'; {hint}", "reference")


def _reference(taxonomy: Taxonomy, key: str, value: str) -> str | None:
    """The id that another spelling of a cluster or target country (`ICT`, `VN`) stands for."""
    found = taxonomy.find_cluster(value) if key == "cluster" else taxonomy.find_country(value)
    return found.id if found else None


def _with_reference_hint(
    document: Document, problems: list[Problem], taxonomy: Taxonomy | None, key: str
) -> list[Problem]:
    """`cluster: ICT` or `country: Việt Nam` fail as slugs; say which id was meant instead."""
    value = document.data.get(key)
    if taxonomy is None or not isinstance(value, str):
        return problems
    meant = _reference(taxonomy, key, value)
    if meant is None or meant == value:
        return problems
    line, col = document.position((key,))
    kept = [p for p in problems if (p.line, p.column, p.rule) != (line, col, "schema")]
    if len(kept) == len(problems):  # the value passed as a slug: `_unknown_ref` says the rest
        return problems
    msg = f"'{key}' must be the id used in the taxonomy; did you mean '{meant}'?"
    return sorted([*kept, error(document.path, line, col, msg, "reference")])


def _ids_of_failed(document: Document, path: Path) -> set[str]:
    """The ids other files may use for a record that failed: its file name and its `id`."""
    written = document.data.get("id")
    return {path.stem} | ({written} if isinstance(written, str) else set())


@dataclass(frozen=True)
class _TagCheck:
    """What a tag is checked against: the taxonomy's terms and the tags accepted on purpose."""

    index: ConceptIndex
    accepted: frozenset[str]


def _tag_warnings(document: Document, tags: list[str], check: _TagCheck | None) -> list[Problem]:
    if check is None:
        return []
    index = check.index
    problems = []
    for i, tag in enumerate(tags):
        if fold(tag) in check.accepted or index.match_tag(tag):
            continue
        suggestion = index.suggest(tag)
        if suggestion:
            line, col = document.position(("tags", i))
            msg = f"tag '{printable(tag)}' is not in the taxonomy; did you mean '{suggestion}'?"
            problems.append(warning(document.path, line, col, msg, "tag"))
    return problems


def _blind_warnings(
    document: Document, taxonomy: Taxonomy | None, tags: Sequence[str], texts: Sequence[str]
) -> list[Problem]:
    """A record the taxonomy cannot read, reported at its description (validate only)."""
    if not taxonomy:
        return []
    why = blind_spot(taxonomy, tags, texts)
    if why is None:
        return []
    line, col = document.position(("description",))
    return [warning(document.path, line, col, why, "concepts")]


def _duplicate(document: Document, record_id: str, first: str) -> Problem:
    line, col = document.position(("id",))
    msg = f"id '{record_id}' is also used by {first}"
    return error(document.path, line, col, msg, "duplicate-id")


def _cross_file(checked: Checked) -> list[Problem]:
    """Judgments must name needs and SMEs that exist in the files checked."""
    problems = []
    # A record whose own file failed is reported there, once; references to it are not.
    failed = checked.failed
    for judgments, document in checked.judgments:
        for need_id, judgment in judgments.items():
            if checked.needs and need_id not in checked.needs and need_id not in failed:
                line, col = document.position((need_id,), key=True)
                problems.append(
                    error(document.path, line, col, f"unknown need '{need_id}'", "reference")
                )
            for sme_id in judgment.grades:
                if checked.smes and sme_id not in checked.smes and sme_id not in failed:
                    line, col = document.position((need_id, "grades", sme_id), key=True)
                    problems.append(
                        error(document.path, line, col, f"unknown SME '{sme_id}'", "reference")
                    )
    return problems


def _display(path: Path) -> str:
    """A path as the user would write it: relative to the working folder when inside it."""
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name the same file; never raises (symlink loops included)."""
    return os.path.realpath(a) == os.path.realpath(b)
