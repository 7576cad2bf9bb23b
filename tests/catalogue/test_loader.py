"""Loading a catalogue: records in id order, every problem collected, a stable fingerprint."""

from __future__ import annotations

from pathlib import Path

from pytest import MonkeyPatch
from typer.testing import CliRunner, Result

from gssc_match.catalogue.loader import load_catalogue
from gssc_match.cli import app


def test_the_fingerprint_is_stable_and_follows_every_byte(mini_copy: Path) -> None:
    first, _ = load_catalogue(mini_copy)
    again, _ = load_catalogue(mini_copy)
    assert first is not None and again is not None
    assert first.fingerprint == again.fingerprint
    assert first.fingerprint.startswith("sha256:")
    sme_file = next(iter(sorted((mini_copy / "smes").glob("*.yaml"))))
    sme_file.write_bytes(sme_file.read_bytes() + b"\n")
    changed, _ = load_catalogue(mini_copy)
    assert changed is not None and changed.fingerprint != first.fingerprint


def test_the_fingerprint_does_not_depend_on_where_the_catalogue_lives(
    mini_path: Path, mini_copy: Path
) -> None:
    here, _ = load_catalogue(mini_path)
    there, _ = load_catalogue(mini_copy)
    assert here is not None and there is not None
    assert here.fingerprint == there.fingerprint


def test_records_come_sorted_by_id_and_problems_are_collected(mini_copy: Path) -> None:
    (mini_copy / "smes" / "broken.yaml").write_text("id: broken\nname: [\n", encoding="utf-8")
    catalogue, checked = load_catalogue(mini_copy)
    assert catalogue is not None
    ids = [s.id for s in catalogue.smes]
    assert ids == sorted(ids) and "broken" not in ids
    assert [p.path.endswith("broken.yaml") for p in checked.errors] == [True]


# --- what a catalogue folder holds: nothing is skipped without a word -------------------


def validate(*args: str) -> Result:
    return CliRunner().invoke(app, ["validate", *args])


def test_an_empty_catalogue_is_an_error(tmp_path: Path) -> None:
    result = validate("--data", str(tmp_path))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].endswith(
        ":1:1: error: no SME or need files here: a catalogue holds smes/*.yaml and"
        " needs/<country>/*.yaml (file)"
    )


# The mini catalogue keeps two records that no taxonomy concept covers, on purpose; their
# "matches by words only" warnings (rule `concepts`) are not what these tests look at.
BLIND = "(concepts)"


def _problem_lines(stdout: str) -> list[str]:
    """validate's problem lines (not the summary), less the mini catalogue's blind records."""
    return [line for line in stdout.splitlines()[:-1] if not line.endswith(BLIND)]


def test_a_catalogue_of_empty_folders_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "smes").mkdir()
    (tmp_path / "needs" / "chile").mkdir(parents=True)
    assert validate("--data", str(tmp_path)).exit_code == 1


def test_files_that_are_not_read_are_named(mini_copy: Path, monkeypatch: MonkeyPatch) -> None:
    monkeypatch.chdir(mini_copy)
    for name in ("smes/x.yaml.txt", "smes/README.md", "needs/chile/notes.txt"):
        (mini_copy / name).write_text("id: x\n", encoding="utf-8")
    (mini_copy / "smes" / ".gitkeep").write_text("", encoding="utf-8")
    result = validate("--data", ".")
    assert result.exit_code == 0, result.output
    not_read = "1:1: warning: not read: only .yaml and .yml files are records; rename it or move"
    not_read += " it out of this folder (file)"
    assert _problem_lines(result.stdout) == [
        f"needs/chile/notes.txt:{not_read}",
        f"smes/README.md:{not_read}",
        f"smes/x.yaml.txt:{not_read}",
    ]
    ranked = CliRunner().invoke(app, ["rank", "--data", ".", "--format", "json"])
    assert ranked.exit_code == 0
    assert f"smes/x.yaml.txt:{not_read}" in ranked.stderr.splitlines()


def test_an_upper_case_suffix_is_read_by_validate_and_rank(mini_copy: Path) -> None:
    source = mini_copy / "smes" / "brine-less.yaml"
    source.rename(source.with_suffix(".YAML"))
    catalogue, checked = load_catalogue(mini_copy)
    assert catalogue is not None
    assert [p for p in checked.problems if p.rule != "concepts"] == []
    assert "brine-less" in {s.id for s in catalogue.smes}
    result = validate("--data", str(mini_copy))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1].startswith("17 files checked")
    assert _problem_lines(result.stdout) == []


def test_a_yaml_file_of_unknown_kind_is_skipped_with_a_warning(tmp_path: Path) -> None:
    workflow = tmp_path / "ci.yml"
    workflow.write_text("on: push\njobs: {}\n", encoding="utf-8")
    result = validate(str(workflow))
    assert result.exit_code == 0, result.output
    assert "warning: skipped: not a catalogue file" in result.stdout
    assert validate("--strict", str(workflow)).exit_code == 1


def test_a_failing_record_is_reported_once_not_again_by_each_judgment(mini_copy: Path) -> None:
    sme = mini_copy / "smes" / "fuga-cero.yaml"
    sme.write_text(sme.read_text(encoding="utf-8").replace("cluster:", "clustr:"), "utf-8")
    need = next((mini_copy / "needs" / "chile").glob("cl-valparaiso-*.yaml"))
    need.write_text(need.read_text(encoding="utf-8").replace("priority:", "priorty:"), "utf-8")
    result = validate("--data", str(mini_copy))
    assert result.exit_code == 1
    problems = _problem_lines(result.stdout)
    assert len(problems) == 2, problems
    assert "unknown SME" not in result.stdout and "unknown need" not in result.stdout
    judgments = mini_copy / "judgments.yaml"
    judgments.write_text(judgments.read_text("utf-8") + "x-nowhere:\n  why: x\n", "utf-8")
    assert "unknown need 'x-nowhere'" in validate("--data", str(mini_copy)).stdout


def test_a_maintainer_accepts_a_tag_on_purpose(mini_copy: Path) -> None:
    sme = mini_copy / "smes" / "fuga-cero.yaml"
    text = sme.read_text(encoding="utf-8")
    sme.write_text(text.replace("tags: [", "tags: [Bụi mịx, "), "utf-8")
    warned = validate("--strict", "--data", str(mini_copy))
    assert warned.exit_code == 1
    assert "tag 'Bụi mịx' is not in the taxonomy; did you mean" in warned.stdout
    taxonomy = mini_copy / "taxonomy.yaml"
    with taxonomy.open("a", encoding="utf-8") as out:
        out.write("accepted_tags: [BUI MIX]\n")  # case and accents do not matter
    accepted = validate("--strict", "--data", str(mini_copy))
    assert "Bụi mịx" not in accepted.stdout
    assert _problem_lines(accepted.stdout) == [], accepted.stdout
