"""The corridor page's charts, drawn in a real Chromium on a phone, in languages whose labels are long
(Indonesian, Burmese) or written right to left (Arabic): no label is cut off at the left edge or runs into the
bars. Found by looking: "lebih dari $8,000" lost its first letters, and on an Arabic page the labels sat on top of
the bars (the page's right-to-left direction had flipped the SVG's text anchors)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser import PHONE, chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For every chart: the bars' left edge, and every label (the text right-aligned 8 units before it) that is cut
# off on the left or reaches into the bars, measured with getBBox in the SVG's own units.
MEASURE = """() => {
  const problems = [];
  let labels = 0;
  for (const svg of document.querySelectorAll('svg.chart')) {
    const bars = [...svg.querySelectorAll('rect')].filter(r => r.getAttribute('height') === '18');
    if (!bars.length) continue;
    const barX = Math.min(...bars.map(r => parseFloat(r.getAttribute('x'))));
    for (const t of svg.querySelectorAll('text')) {
      if (Math.abs(parseFloat(t.getAttribute('x')) - (barX - 8)) > 0.01) continue;
      labels += 1;
      const b = t.getBBox();
      if (b.x < -0.5 || b.x + b.width > barX + 0.5) {
        problems.push(`${t.textContent}: from ${b.x.toFixed(1)} to ${(b.x + b.width).toFixed(1)}, bars at ${barX}`);
      }
    }
  }
  return {labels, problems};
}"""


def _survey(tmp_path: Path) -> None:
    from fairrecruit.evidence import generate, services

    # Enough workers (about 500 in NP-QA) that few bins hold 1 to 4 of them and are merged (selectors._safe_bins):
    # the charts keep their long labels, such as the top bin's "over $8,000".
    path = generate.write_csv(tmp_path / "survey.csv", generate.survey_rows(2400, seed=5))
    assert services.survey_import(actor=None, path=path, title="Test survey (synthetic)", synthetic=True).status == (
        "imported"
    )


def test_chart_labels_fit_beside_their_bars_in_every_direction(live_server: Any, tmp_path: Path) -> None:
    _survey(tmp_path)
    problems: list[str] = []
    with chromium() as browser:
        for lang in ("en", "id", "my", "ar"):
            context = browser.new_context(base_url=live_server.url, **PHONE)
            context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
            page = context.new_page()
            page.goto("/corridors/NP-QA/")
            assert page.get_attribute("html", "dir") == ("rtl" if lang == "ar" else "ltr")
            found = page.evaluate(MEASURE)
            assert found["labels"] >= 20, f"{lang}: only {found['labels']} chart labels found"
            problems += [f"{lang}: {p}" for p in found["problems"]]
            context.close()
    assert not problems, "\n".join(problems)
