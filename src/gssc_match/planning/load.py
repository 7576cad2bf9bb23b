"""Read a mission file and check it against the catalogue it will be planned on."""

from __future__ import annotations

from pathlib import Path

from ..catalogue.loader import Catalogue
from ..catalogue.mission import Mission, mission_problems, reference_problems
from ..catalogue.schema import parse_record
from ..catalogue.yamlsafe import load_file
from ..errors import CatalogueError
from ..problems import Level


def load_mission(path: Path, catalogue: Catalogue) -> Mission:
    """The mission, or CatalogueError with every located problem of the file."""
    document, problems = load_file(path, str(path))
    mission = None
    if document is not None:
        mission, more = parse_record(document, Mission)
        problems += more
        if mission is not None:
            needs = {n.id: n for n in catalogue.needs}
            smes = {s.id: s for s in catalogue.smes}
            countries = catalogue.taxonomy.countries
            problems += mission_problems(mission, document)
            problems += reference_problems(mission, document, needs, smes, countries)
    if mission is None or any(p.level is Level.ERROR for p in problems):
        raise CatalogueError(sorted(problems), "the mission file")
    return mission
