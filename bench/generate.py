"""Deterministic synthetic catalogues of any size, in the real file layout.

Texts are drawn from the taxonomy's own vocabulary in all six languages plus filler
words, so that tokenising, concept finding and scoring do real work.

    python bench/generate.py OUT_DIR --smes 10000 --needs 1000 [--seed 7]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import yaml

from gssc_match.catalogue.loader import bundled_data

LANGS = ("en", "es", "pt", "vi", "it", "pl")
SME_LANGS = ("en", "es", "it", "pl")
NEED_LANGS = {"chile": ("es", "en"), "cape-verde": ("pt", "en"), "vietnam": ("vi", "en")}
FILLER = {
    "en": "we offer the city a proven solution for small towns with local partners and training",
    "es": "ofrecemos a la ciudad una solución probada para municipios pequeños con socios locales",
    "pt": "oferecemos ao município uma solução comprovada para cidades pequenas com parceiros",
    "vi": "chúng tôi cần giải pháp cho thành phố nhỏ với đối tác địa phương và đào tạo",
    "it": "offriamo al comune una soluzione collaudata per piccoli centri con partner locali",
    "pl": "oferujemy gminie sprawdzone rozwiązanie dla małych miast z lokalnymi partnerami",
}
CLUSTERS = ("solar", "water", "greentech", "ict", "nano")
HOME = {"solar": "ES", "water": "ES", "greentech": "IT", "ict": "PL", "nano": "PL"}
MARKETS = ("CL", "CV", "VN", "MA", "PE", "PT", "MX", "BR")


def vocabulary(taxonomy_file: Path | None = None) -> dict[str, list[list[str]]]:
    """Per language, the synonym lists of every concept (index = concept)."""
    source = taxonomy_file or bundled_data() / "taxonomy.yaml"
    taxonomy = yaml.safe_load(source.read_text(encoding="utf-8"))
    concepts = [c for p in taxonomy["pillars"] for c in p["concepts"]]
    return {lang: [c["synonyms"][lang] for c in concepts] for lang in LANGS}


def text(
    rng: random.Random, vocab: dict[str, list[list[str]]], lang: str, topics: list[int], words: int
) -> str:
    filler = FILLER[lang].split()
    out: list[str] = []
    while len(out) < words:
        if rng.random() < 0.35:
            out.extend(rng.choice(vocab[lang][rng.choice(topics)]).split())
        else:
            out.append(rng.choice(filler))
    return " ".join(out[:words]).capitalize() + "."


def sme(rng: random.Random, vocab: dict[str, list[list[str]]], i: int) -> dict[str, object]:
    cluster = CLUSTERS[i % len(CLUSTERS)]
    lang = rng.choice(SME_LANGS)
    topics = rng.sample(range(len(vocab["en"])), 3)
    return {
        "id": f"sme-{i:06d}",
        "name": f"Synthetic SME {i}",
        "country": HOME[cluster],
        "cluster": cluster,
        "description": text(rng, vocab, lang, topics, 90),
        "offerings": [text(rng, vocab, lang, topics[:1], 8) for _ in range(3)],
        "tags": [rng.choice(vocab[rng.choice(LANGS)][t]) for t in topics],
        "languages": sorted({lang, "en"}),
        "markets": sorted(rng.sample(MARKETS, rng.randint(0, 3))),
        "trl": str(rng.randint(5, 9)),
    }


def need(rng: random.Random, vocab: dict[str, list[list[str]]], i: int) -> dict[str, object]:
    country = ("chile", "cape-verde", "vietnam")[i % 3]
    lang = rng.choice(NEED_LANGS[country])
    topics = rng.sample(range(len(vocab["en"])), 2)
    return {
        "id": f"need-{i:05d}",
        "country": country,
        "city": f"City {i % 40}",
        "title": text(rng, vocab, lang, topics[:1], 7),
        "description": text(rng, vocab, lang, topics, 100),
        "language": lang,
        "tags": [rng.choice(vocab[lang][topics[0]])] if rng.random() < 0.7 else [],
        "priority": rng.choice(("high", "medium", "low")),
    }


def write(path: Path, record: dict[str, object]) -> None:
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")


def generate(
    out: Path, smes: int, needs: int, seed: int = 7, taxonomy_file: Path | None = None
) -> None:
    """Write `smes` SME files and `needs` need files under `out`."""
    rng = random.Random(seed)
    vocab = vocabulary(taxonomy_file)
    (out / "smes").mkdir(parents=True, exist_ok=True)
    for i in range(smes):
        write(out / "smes" / f"sme-{i:06d}.yaml", sme(rng, vocab, i))
    for i in range(needs):
        record = need(rng, vocab, i)
        folder = out / "needs" / str(record["country"])
        folder.mkdir(parents=True, exist_ok=True)
        write(folder / f"{record['id']}.yaml", record)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--smes", type=int, default=1000)
    parser.add_argument("--needs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--taxonomy", type=Path, default=None)
    args = parser.parse_args()
    generate(args.out, args.smes, args.needs, args.seed, args.taxonomy)


if __name__ == "__main__":
    main()
