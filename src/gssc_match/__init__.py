"""gssc-match: pair European SME solutions with the needs of small and mid-sized cities."""

from __future__ import annotations

__version__ = "0.1.0"
