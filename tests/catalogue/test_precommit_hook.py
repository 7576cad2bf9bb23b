"""The pre-commit hook as the README documents it, run by pre-commit itself.

A temporary repository uses this checkout (copied into a git repository of its own) as the
hook source, pinned by commit: pre-commit installs gssc-match into its own environment
from there, then must fail on a broken SME file and leave every other YAML file alone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
CASES = ROOT / "tests" / "cases"
GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="pre-commit needs git")

GOOD_SME = """\
id: solar-example
name: Solar Example S.L.
country: ES
cluster: solar
description: Solar pumping kits for small drinking-water networks.
offerings:
  - Solar pumping kits
languages: [es, en]
"""

WORKFLOW = """\
name: ci
on: push
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - run: gssc-match validate --format github data/
"""


def git(*args: str, cwd: Path) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    done = subprocess.run(
        [str(GIT), *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def hook_source(tmp: Path) -> tuple[Path, str]:
    """This checkout's files (as in the working tree) in a fresh repository; its HEAD sha."""
    source = tmp / "gssc-match"
    listed = git("ls-files", "-co", "--exclude-standard", "-z", cwd=ROOT).split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    git("init", "-q", "-b", "main", cwd=source)
    git("add", "-A", cwd=source)
    git("commit", "-q", "-m", "hook source", cwd=source)
    return source, git("rev-parse", "HEAD", cwd=source)


def user_repository(tmp: Path, source: Path, sha: str) -> Path:
    """A repository of SME files with the README's pre-commit set-up, and other YAML."""
    repo = tmp / "smes-repo"
    files = {
        ".pre-commit-config.yaml": (
            f"repos:\n  - repo: {source}\n    rev: {sha}\n"
            "    hooks:\n      - id: gssc-match-validate\n"
        ),
        ".github/workflows/ci.yml": WORKFLOW,
        "data/smes/solar-example.yaml": GOOD_SME,
        "data/smes/broken.yaml": GOOD_SME.replace("solar-example", "broken").replace(
            "description:", "descripton:"
        ),
        "docker-compose.yaml": "services:\n  web:\n    image: nginx\n",
    }
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", "-A", cwd=repo)
    return repo


def pre_commit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("GSSC_MATCH_DATA", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_the_documented_hook_fails_on_a_bad_sme_and_ignores_other_yaml(tmp_path: Path) -> None:
    source, sha = hook_source(tmp_path)
    repo = user_repository(tmp_path, source, sha)
    home = tmp_path / "pre-commit-home"

    everything = pre_commit(repo, home, "--all-files")
    output = everything.stdout + everything.stderr
    if "Could not find a version" in output or "Network is unreachable" in output:
        pytest.skip("pre-commit could not install the hook's environment (no package index)")
    assert everything.returncode == 1, output
    assert (
        "data/smes/broken.yaml:5:1: error: unknown field 'descripton'; did you mean "
        "'description'? (unknown-key)"
    ) in output
    assert "2 files checked, 1 with problems (1 error, 0 warnings)" in output
    for other in ("ci.yml", ".pre-commit-config.yaml", "docker-compose.yaml"):
        assert other not in output

    clean = pre_commit(
        repo,
        home,
        "--files",
        "data/smes/solar-example.yaml",
        ".github/workflows/ci.yml",
        ".pre-commit-config.yaml",
    )
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout
