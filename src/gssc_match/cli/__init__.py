"""The command line: parse options, call one library function, render, exit.

`app` holds the commands; each module below registers its own on import, grouped like the
library (catalogue files, matching, ...). The console script calls `main`.
"""

from __future__ import annotations

from . import catalogue, intake, matching
from . import diagnostics as diagnostics
from . import pages as pages
from . import planning as planning
from . import teams as teams  # registers `teams`
from . import weights as weights_command
from .app import _progress_bar, app, main

__all__ = [
    "_progress_bar",
    "app",
    "catalogue",
    "diagnostics",
    "intake",
    "main",
    "matching",
    "weights_command",
]
