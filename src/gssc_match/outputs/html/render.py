"""The template environment: autoescaping always on, and the few filters the pages use."""

from __future__ import annotations

import json
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

# In a <script> block, `</script>` ends the block and U+2028/U+2029 end a JavaScript line in
# older engines: all are written as \u escapes, which JSON reads back unchanged.
_SCRIPT_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def script_json(value: Any) -> Markup:
    """JSON that is safe inside a `<script type="application/json">` block."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Markup(text.translate(_SCRIPT_ESCAPES))


def web_link(url: str | None, text: str | None = None) -> Markup:
    """A link for an http(s) address; any other address is shown as plain text."""
    if not url:
        return Markup("")
    shown = escape(text or url)
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return Markup(shown)
    return Markup('<a href="{}" rel="noopener noreferrer">{}</a>').format(url, shown)


def score(value: float | None) -> str:
    """Scores as everywhere else: three decimals; a dash for none."""
    return "–" if value is None else f"{value:.3f}"


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("gssc_match.outputs", "templates"),
        autoescape=True,  # every template, whatever its name: catalogue text is untrusted
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["script_json"] = script_json
    env.filters["web_link"] = web_link
    env.filters["score"] = score
    return env


def render(template: str, **context: Any) -> str:
    """Render one page template with its context."""
    return environment().get_template(template).render(**context)
