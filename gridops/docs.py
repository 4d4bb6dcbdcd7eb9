"""Keep the generated parts of README.md and docs/ true to the code.

`python -m gridops.docs` rewrites every section between `<!-- BEGIN name -->` and
`<!-- END name -->` markers; the test suite fails when a committed file differs.
"""
import re
import sys
from pathlib import Path

from gridops.config import SETTINGS
from gridops.dispatch.transitions import TABLE

ROOT = Path(__file__).resolve().parent.parent
FILES = ("README.md", "docs/architecture.md", "docs/api.md")


def transitions_markdown():
    """Return the transition table as Markdown."""
    lines = ["| state | action | next state | roles | fields | guard | what it does |",
             "|---|---|---|---|---|---|---|"]
    for row in TABLE.values():
        to = row.to if isinstance(row.to, str) else ", ".join(
            f"{row.branch}={k}→{v}" if k != "*" else f"otherwise→{v}" for k, v in row.to.items())
        fields = ", ".join(f"{name}{'' if info.is_required() else '?'}"
                           for name, info in row.params.model_fields.items())
        lines.append(f"| {row.state} | `{row.action}` | {to} | {', '.join(row.roles)} | "
                     f"{fields} | {row.guard or ''} | {row.summary} |")
    return "\n".join(lines)


def settings_markdown():
    """Return the settings table as Markdown."""
    lines = ["| environment variable | default | meaning |", "|---|---|---|"]
    lines += [f"| `{s.env}` | `{s.default}` | {s.meaning} |" for s in SETTINGS]
    return "\n".join(lines)


SECTIONS = {"transitions": transitions_markdown, "settings": settings_markdown}


def render(text):
    """Return `text` with every generated section brought up to date."""
    def replace(match):
        name = match.group(1)
        return f"<!-- BEGIN {name} -->\n{SECTIONS[name]()}\n<!-- END {name} -->"
    return re.sub(r"<!-- BEGIN (\w+) -->.*?<!-- END \1 -->", replace, text, flags=re.S)


def main():
    for name in FILES:
        path = ROOT / name
        if path.exists():
            path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
