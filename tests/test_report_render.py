"""Rendering from the JSON alone: self-contained HTML, Markdown with plot files, deterministic output."""

from __future__ import annotations

import copy
from html.parser import HTMLParser

import pytest
import report_samples as samples

from checker.report.document import build_document
from checker.report.plots import fit_base, render_png
from checker.report.render_html import render_html
from checker.report.render_md import render_md

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class _Collector(HTMLParser):
    """Every tag, every URL-bearing attribute, every element id and the visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for k, v in attrs:
            if k in {"src", "href", "srcset", "action", "data", "poster"} and v is not None:
                self.urls.append(v)
            if k == "id":
                self.ids.add(v)

    def handle_data(self, data):
        self.text.append(data)


def external_urls(html: str) -> list[str]:
    """URLs that would make the browser fetch something (anything but data: URIs and #anchors)."""
    p = _Collector()
    p.feed(html)
    bad = [u for u in p.urls if not (u.startswith("data:") or u.startswith("#"))]
    if "@import" in html or "url(" in html:
        bad.append("css url()")
    return bad


@pytest.fixture(scope="module")
def doc():
    return build_document(samples.record(), env=samples.ENV)


@pytest.fixture(scope="module")
def html(doc):
    return render_html(doc)


@pytest.fixture(scope="module")
def md(doc):
    return render_md(doc, link_dir="r_plots")


def _without_plots(doc):
    out = copy.deepcopy(doc)
    for c in out["claims"]:
        c["evidence"]["series"] = {}
    return out


def test_html_is_self_contained(html):
    assert external_urls(html) == []
    p = _Collector()
    p.feed(html)
    assert "script" not in p.tags and "link" not in p.tags and "iframe" not in p.tags
    imgs = [u for u in p.urls if u.startswith("data:")]
    assert len(imgs) == 4 and all(u.startswith("data:image/png;base64,") for u in imgs)


def test_the_self_containment_check_can_fail(html):
    assert external_urls(html.replace("</body>", '<img src="https://example.org/x.png"></body>'))
    assert external_urls(html.replace("</body>", '<a href="http://example.org">x</a></body>'))


def test_html_shows_summary_table_and_every_claim(doc, html):
    p = _Collector()
    p.feed(html)
    text = " ".join(p.text)
    first_claim = text.index("T-PROVED")
    assert text.index("Compliance summary") < first_claim  # the summary comes first
    assert "1 PROVED, 1 CERTIFIED, 1 CORROBORATED, 1 UNDECIDED, 1 REFUTED" in text
    assert "Claims resting on RECONSTRUCTED statements" in text and "O-1" in text
    assert "Refuted: T-REF" in text
    for c in doc["claims"]:
        assert f"claim-{c['id']}" in p.ids
    assert "RECONSTRUCTED statement" in text  # the claim's own banner
    assert "[1.38, 1.39]" in text  # enclosures keep their digits
    assert "krawczyk" in text and "ball-sign" in text and "symbolic-zero" in text
    assert "20 examples, 1 invalid" in text
    assert '"eta": 0.1' in text  # the counterexample


def test_html_escapes_report_text(doc):
    evil = _without_plots(doc)
    evil["claims"][0]["title"] = "<script>alert(1)</script>"
    out = render_html(evil)
    assert "<script>" not in out and "&lt;script&gt;" in out


def test_rendering_is_deterministic(doc, html):
    """Same JSON, same bytes (plots included): reports can be diffed and cached."""
    assert render_html(copy.deepcopy(doc)) == html
    assert render_md(doc, plots=False) == render_md(copy.deepcopy(doc), plots=False)


def test_markdown_has_the_same_content_and_plot_files(doc, md):
    text, files = md
    assert text.startswith("# eos-checker report")
    assert "1 PROVED, 1 CERTIFIED, 1 CORROBORATED, 1 UNDECIDED, 1 REFUTED" in text
    assert "- T-UND (open points: O-1)" in text
    assert "> **RECONSTRUCTED statement**" in text
    assert sorted(files) == ["T-CERT-bif.png", "T-CORR-hist.png", "T-CORR-sharp.png", "T-UND-order.png"]
    assert all(b.startswith(PNG_MAGIC) for b in files.values())
    assert "](r_plots/T-CERT-bif.png)" in text
    text, files = render_md(doc, plots=False)
    assert files == {} and "plots omitted" in text


def test_loss_document_renders_its_minimiser_table():
    doc = build_document(samples.loss_record(), env=samples.ENV)
    html = render_html(doc)
    assert "Loss validation" in html and "minimisers" in html and "product_stable" in html
    assert html.count("data:image/png;base64,") == 3  # the loss's two plots (one nested in a row), the claim's
    text, files = render_md(doc, plots=False)
    assert "| kind | z |" in text and "| maximum | [-2.1, -2.0]  (width 0.1) |" in text  # flat rows: a table
    assert "| **minimisers[1].z** | [1.38, 1.39]  (width 0.01) |" in text  # nested rows: walked
    assert "| **settings.eta** | 0.1 |" in text and files == {}


def test_every_series_kind_draws_and_unknown_kinds_do_not(doc, md):
    kinds = {spec["kind"] for c in doc["claims"] for spec in c["evidence"]["series"].values()}
    assert kinds == {"line", "fit", "bifurcation", "histogram"}
    assert len(md[1]) == 4 and all(png.startswith(PNG_MAGIC) for png in md[1].values())
    assert render_png({"kind": "surface", "title": "?"}) is None


def test_view_formats_enclosures_lists_and_wide_tables():
    from checker.report import view

    tight = {"lo": "1.38629436111989061883446424291", "hi": "1.38629436111989061883446424292"}
    assert view.fmt(tight).endswith("(width 1e-29)")  # exact, not a float difference of 0
    assert view.fmt(list(range(20))).endswith("...] (20 values)")
    header, rows = view.table_layout([{f"k{i}": i for i in range(9)}, {f"k{i}": -i for i in range(9)}])
    assert header == ["field", "#1", "#2"] and rows[3] == ["k3", "3", "-3"]


def test_fit_line_base_is_detected():
    x = [0.01, 0.02, 0.04]
    y = [2 * v**2 for v in x]
    natural = {"x": x, "y": y, "slope": 2.0, "intercept": 0.6931471805599453}
    log10 = {"x": x, "y": y, "slope": 2.0, "intercept": 0.3010299956639812}
    assert fit_base(natural) != 10.0
    assert fit_base(log10) == 10.0


def test_plots_carry_captions_that_state_their_numbers(md):
    text, _ = md
    assert "fitted log-log slope 1.716920876 against the expected 2 (4 points)" in text
    assert "3 orbits (2 stable, 1 unstable), 1 certified (stars)" in text
    assert "sharpness against step; reference 2/eta = 20" in text
    assert "4 samples; predicted 20" in text


def test_claims_table_headers_never_break_mid_word_and_numbers_never_wrap():
    """`overflow-wrap: anywhere` on headers made "evidence" render as "evid / ence"; numbers wrapped too."""
    import re

    from checker.report.render_html import CSS, _td

    doc = build_document(samples.record(), env={})
    for c in doc["claims"]:
        c["evidence"]["series"] = {}
    html = render_html(doc)
    rules = dict(re.findall(r"([a-z.,]+)\{([^}]*)\}", CSS.replace("\n", "")))
    assert "anywhere" not in CSS  # lets the browser break any word at any letter to shrink a column
    assert "white-space:nowrap" in rules["th"]
    assert "white-space:nowrap" in rules["td.num"]
    assert '<td class="num">' in html  # the claims table's certificates and margin columns
    assert _td("1.25e-07").startswith('<td class="num">')
    assert _td("[0.5, 0.75]").startswith('<td class="num">')
    assert _td("a sentence of words") == "<td>a sentence of words</td>"
