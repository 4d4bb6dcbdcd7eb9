"""The generated parts of the docs match the code: `python -m gridops.docs` refreshes them."""
from gridops.docs import FILES, ROOT, render


def test_generated_sections_are_current():
    for name in FILES:
        text = (ROOT / name).read_text(encoding="utf-8")
        assert render(text) == text, f"{name} is stale: run python -m gridops.docs"
