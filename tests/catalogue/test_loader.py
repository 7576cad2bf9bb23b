"""Loading a catalogue: records in id order, every problem collected, a stable fingerprint."""

from __future__ import annotations

from pathlib import Path

from gssc_match.catalogue.loader import load_catalogue


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
