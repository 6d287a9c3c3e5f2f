"""The views in a real browser: Debian's Chromium driven by Playwright, offline, with hostile data.

The views are written by ``write_views_from_store`` from an Oxigraph store loaded from the built
``kg.trig``. Every page (of the real project) loads from ``file://`` with no console error and
no request leaving the machine; the graph pages draw the nodes the builder meant; clicking a node
shows its evidence; the entity page of 卢德全 shows his post with its quote; and a tiny project whose
labels and text hold markup (``<img src=x onerror=…>``, ``href``, ``</script>``) builds into pages
where nothing of it runs. A synthetic district shows what changes at scale: the graph pages say
they draw only the most central entities, their layout comes computed with physics off, the
overview aggregates the classes, and a page draws in time. Screenshots go to ``{views}/../screenshots/``.

In CI (``CI=true``) these tests never skip; elsewhere they skip only when Chromium, Playwright or a
Chinese font is missing, saying what to install.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

import pytest
from conftest import DATA, IN_CI, REPO, copy_project

import pyoxigraph

from cungai.views.analysis import measure
from cungai.views.browser import INSTALL_HINT, VIEWPORT, chromium, new_checked_page, open_page, require_browser
from cungai.build.pipeline import build
from cungai.errors import EnvironmentProblem
from cungai.views.pagemodels import article_href, entity_href
from conftest import load_sources
from cungai.synth.generate import synthesize
from cungai.views.pages import GRAPH_VIEWS, LARGE_GRAPH
from cungai.views.storeviews import write_views_from_store

from views_oracle import entity_network, graph_views, whole_model

LU_DEQUAN = "https://w3id.org/cungai/id/person/lu-dequan"
HOSTILE = "<img src=x onerror=window.__pwned=1;alert(1)>"


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def browser():
    try:
        require_browser()
    except EnvironmentProblem as exc:
        if IN_CI:
            pytest.fail(f"browser tests must run in CI: {exc}")
        pytest.skip(f"browser tests need Chromium and a CJK font: {INSTALL_HINT} ({exc})")
    with chromium() as launched:
        yield launched


@pytest.fixture()
def tab(browser):
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    context.set_default_timeout(10_000)
    page, check = new_checked_page(context)
    yield page, check
    context.close()


def store_of(build_dir: Path) -> pyoxigraph.Store:
    """The named graphs of a built ``kg.trig`` in an in-memory Oxigraph store."""
    store = pyoxigraph.Store()
    store.load(path=str(build_dir / "kg.trig"), format=pyoxigraph.RdfFormat.TRIG)
    return store


@pytest.fixture(scope="module")
def sources():
    return load_sources(REPO / "graph" / "sources")


@pytest.fixture(scope="module")
def store(built) -> pyoxigraph.Store:
    return store_of(built.out_dir)


@pytest.fixture(scope="module")
def views(built, store, sources, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("article-views")
    write_views_from_store(store, out / "views", report=built.report, sources=sources, network_dir=out)
    return out / "views"


@pytest.fixture(scope="module")
def model(store, sources):
    return whole_model(store, sources)


def node_point(page, node_id: str) -> dict:
    """Where a node of the page's network is on the screen."""
    return page.evaluate(
        """(id) => {
            const net = window.cungai.network;
            const p = net.canvasToDOM(net.getPositions([id])[id]);
            const r = document.getElementById('network').getBoundingClientRect();
            return {x: r.left + p.x, y: r.top + p.y};
        }""",
        node_id,
    )


def drawn_pixels(page) -> int:
    return page.evaluate(
        """() => {
            const c = document.querySelector('#network canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
            return n;
        }"""
    )


# ------------------------------------------------------------------ the real project


def one_page_of_each_kind(views: Path) -> list[Path]:
    """The index, every graph page, the first entity page of each kind of entity and the first
    article: the pages a browser opens. Every other page is checked without one."""
    entities: dict[str, Path] = {}
    for path in sorted(views.glob("entity/*/*.html")):
        entities.setdefault(path.parent.name, path)
    return [views / "index.html", *sorted((views / "graph").glob("*.html")), *entities.values(),
            *sorted(views.glob("article/*.html"))[:1]]


LOCAL_TARGET = re.compile(r'(?:href|src)="([^"#?:]+)[^"]*"(?![^>]*data-on-demand)')


def test_every_page_links_only_to_files_that_exist(views):
    """Checked without a browser on every page: each link and asset resolves to a written file."""
    manifest = json.loads((views / "manifest.json").read_text(encoding="utf-8"))
    pages = sorted(views.rglob("*.html"))
    assert sorted(str(p.relative_to(views)) for p in pages) == manifest["pages"]
    missing = [f"{p.relative_to(views)} -> {target}" for p in pages
               for target in sorted(set(LOCAL_TARGET.findall(p.read_text(encoding="utf-8"))))
               if (p.parent / target).resolve().is_relative_to(views.resolve())  # not the build's docs/
               and not (p.parent / target).resolve().exists()]
    assert not missing, "\n".join(missing[:20])


def test_one_page_of_each_kind_and_every_graph_page_load_offline_without_errors(views, tab):
    page, check = tab
    pages = one_page_of_each_kind(views)
    manifest = json.loads((views / "manifest.json").read_text(encoding="utf-8"))
    assert "graph/overview.html" in manifest["pages"] and len(pages) < len(manifest["pages"])
    pages.append(views / "entity" / "person" / "lu-dequan.html")
    shots = views.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    problems, timings, requests = [], {}, 0
    started = time.perf_counter()
    for path in pages:
        open_page(page, check, path)
        requests += len(check.requests)
        timings[str(path.relative_to(views))] = check.seconds
        if not check.ok:
            problems.append(check.problems())
        relative = path.relative_to(views)
        if relative.parts[0] in ("graph", "article") or relative.name == "index.html" or path.stem == "lu-dequan":
            page.screenshot(path=str(shots / ("-".join(relative.with_suffix("").parts) + ".png")))
    assert not problems, "\n".join(problems)
    assert requests > len(pages)  # the route saw every page and its assets
    slowest = sorted(timings.items(), key=lambda item: -item[1])[:3]
    print(f"\n{len(pages)} pages in {time.perf_counter() - started:.1f}s; slowest {slowest}")
    assert (shots / "graph-parks.png").stat().st_size > 10_000


def test_graph_pages_draw_the_nodes_the_builder_meant(views, tab, model):
    """What the pages draw is what the whole model gives (every fact in memory) for a graph this small."""
    page, check = tab
    measures = measure(entity_network(model))
    meant = {view.spec.name: view for view in graph_views(model, measures)}
    manifest = json.loads((views / "manifest.json").read_text(encoding="utf-8"))
    drawn_pages = 0
    for spec in GRAPH_VIEWS:
        open_page(page, check, views / "graph" / f"{spec.name}.html")
        assert check.ok, check.problems()
        ids = page.evaluate("() => window.cungai.nodes.getIds()")
        edges = page.evaluate("() => window.cungai.edges.length")
        assert sorted(ids) == sorted(meant[spec.name].node_ids) == sorted(manifest["drawn"][spec.name]), spec.name
        assert edges == len(meant[spec.name].edges), spec.name
        assert page.evaluate("() => window.cungai.network.physics.physicsEnabled") is False  # settled, stopped
        if ids:
            assert drawn_pixels(page) > 2000, f"{spec.name}: the canvas is blank"
            drawn_pages += 1
    assert drawn_pages >= 3


def test_every_tooltip_has_its_evidence(model):
    measures = measure(entity_network(model))
    for view in graph_views(model, measures):
        for edge in view.edges:
            if edge["origin"] == "source":
                assert edge["evidence"] and edge["evidence"][0]["exact"], edge
            elif edge["origin"] == "background":
                assert edge["citations"], edge
        for node in view.nodes:
            iri = next(i for i in model.entities if str(i) == node["id"])
            quoted = any(f.evidence for f in model.facts_about(iri) + model.facts_to(iri))
            assert bool(node["evidence"]) == quoted, node["id"]
            if quoted:
                assert node["evidence"][0]["exact"] and node["evidence"][0]["href"].startswith("article/")


def test_pages_load_nothing_from_outside(views):
    for path in views.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I), path
        assert "Content-Security-Policy" in html and "default-src 'none'" in html, path
        assert "<script>" not in html  # no inline scripts: data rides in JSON blocks only


def test_clicking_a_node_shows_its_evidence(views, tab):
    page, check = tab
    open_page(page, check, views / "graph" / "actors.html")
    point = node_point(page, LU_DEQUAN)
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    assert "卢德全" in tooltip.text_content()
    assert "伦教街道党工委书记卢德全" in tooltip.locator("mark").text_content()
    page.mouse.click(point["x"], point["y"])
    panel = page.locator("#panel")
    assert panel.locator("h2").text_content() == "卢德全"
    quotes = panel.locator("blockquote.evidence mark").all_text_contents()
    assert "伦教街道党工委书记卢德全" in quotes
    assert "担任" in panel.text_content()  # his relation in this view, with its quote
    assert check.ok, check.problems()


def test_graph_controls_switch_labels_filter_classes_and_search(views, tab):
    page, check = tab
    open_page(page, check, views / "graph" / "actors.html")
    label = "() => window.cungai.nodes.get('%s').label" % LU_DEQUAN
    assert page.evaluate(label) == "卢德全"
    page.click("#lang-en")
    assert page.evaluate(label) == "Lu Dequan"
    page.click("#lang-zh")
    official = page.locator("input.class-filter[value='cg:Official']")
    official.uncheck()
    hidden = "() => window.cungai.nodes.get({filter: n => n.hidden === true}).map(n => n.cls)"
    assert set(page.evaluate(hidden)) == {"cg:Official"}
    official.check()
    assert page.evaluate(hidden) == []
    page.select_option("#colour-by", "community")
    page.fill("#search", "ldq")
    page.locator("#search-results button").first.click()
    assert page.evaluate("() => window.cungai.network.getSelectedNodes()") == [LU_DEQUAN]
    assert page.locator("#panel h2").text_content() == "卢德全"
    assert check.ok, check.problems()


def test_entity_page_of_lu_dequan_shows_his_post_with_its_quote(views, tab, model):
    page, check = tab
    entity = model.entities[next(i for i in model.entities if str(i) == LU_DEQUAN)]
    open_page(page, check, views / entity_href(entity))
    assert page.locator("h1").text_content().strip() == "卢德全"
    holds = page.locator(".statements.outgoing .statement-group", has=page.locator("code", has_text="org:holds"))
    assert holds.count() == 1
    assert "伦教街道党工委书记" in holds.locator("a.entity-link").first.text_content()
    assert "伦教街道党工委书记卢德全" in holds.locator("blockquote.evidence mark").all_text_contents()
    inferred = page.locator(".statements.incoming .value.inferred")
    assert inferred.count() >= 1 and "推理所得" in inferred.first.text_content()  # org:heldBy, from HermiT
    assert page.evaluate("() => window.cungai.nodes.length") >= 2  # the neighbourhood graph
    holds.locator("a.to-article").first.click()
    page.wait_for_load_state("load")
    assert "/article/" in page.url and "#span-" in page.url
    target = page.locator("mark.ev.target")
    assert target.count() >= 1 and target.first.text_content() in "伦教街道党工委书记卢德全"
    assert check.ok, check.problems()


def test_planned_and_attributed_facts_are_marked(views, tab, model):
    """Each quote says how it presents its fact and who asserts it (its annotation's cg:claimStatus and
    cg:accordingTo): the entity page shows a badge in zh and en, the graph pages draw a fact that every
    quote presents as planned or aimed at dotted, and their legend says so."""
    page, check = tab
    open_page(page, check, views / "entity" / "outcome" / "cungai-tuidong-zuoyong.html")
    opinion = page.locator("blockquote.evidence .badge.claim-opinion")
    assert opinion.count() >= 1
    assert "观点" in opinion.first.text_content() and "opinion" in opinion.first.text_content()
    assert "据卢德全" in opinion.first.text_content() and "according to Lu Dequan" in opinion.first.text_content()
    open_page(page, check, views / "entity" / "activity" / "lunjiao-chaichu.html")  # 拆除: planned, aimed, opinion
    planned = page.locator("blockquote.evidence .badge.claim-planned")
    assert planned.count() >= 1 and "计划中" in planned.first.text_content() and "planned" in planned.first.text_content()
    open_page(page, check, views / "entity" / "goal" / "jixie-zhuangbei-chanye-zengzi-kuochan.html")
    assert page.locator("li.value.prospective .badge.claim-planned").count() >= 1  # every quote: planned
    assert check.ok, check.problems()
    # a fact whose quotes all report it as done is not drawn dotted
    reported = [f for f in model.facts if f.evidence and all(e.claim and e.claim.status == "reported" for e in f.evidence)]
    assert reported and not any(f.prospective for f in reported)
    data = graph_data(views / "graph" / "whole.html")
    planned_edges = [e for e in data["edges"] if e["planned"]]
    assert planned_edges and all(e["dashes"] == [2, 6] for e in planned_edges)
    assert all(e["evidence"][0]["claim"]["prospective"] for e in planned_edges)
    assert not any(e["planned"] for e in data["edges"] if e["dashes"] is True)  # inferred ones stay dashed
    legend = (views / "graph" / "whole.html").read_text(encoding="utf-8")
    assert "点线 = 计划中或目标" in legend and "dotted: planned or aimed at" in legend


def test_every_entity_a_source_states_has_a_page_and_every_source_its_article(views, model):
    """No cap on the article: each entity with a quote gets its static page, each source its annotated
    article, and the index lists every source with its coverage."""
    quoted = {node for f in model.facts if f.evidence for node in (f.subject, f.object) if node in model.entities}
    hrefs = {entity_href(model.entities[iri]) for iri in quoted} - {""}
    assert len(hrefs) > 200
    assert not [href for href in sorted(hrefs) if not (views / href).is_file()]
    index = (views / "index.html").read_text(encoding="utf-8")
    for source_id in model.sources:
        assert (views / article_href(source_id)).is_file()
        assert f"<code>{source_id}</code>" in index
    assert "97.2%" in index or "100.0%" in index  # coverage from report.json


def test_article_hover_lists_the_facts_and_click_opens_the_entity(views, tab):
    page, check = tab
    open_page(page, check, views / "article" / "lunjiao-2019-12-06.html")
    mark = page.locator("mark.ev").first
    mark.hover()
    tip = page.locator("#tip")
    tip.wait_for(state="visible")
    assert "卢德全" in tip.text_content()
    assert page.locator("#facts li.fact").count() >= 1
    coverage = page.locator(".coverage").text_content()
    assert re.search(r"\d+(\.\d)?%", coverage)
    mark.click()
    page.wait_for_load_state("load")
    assert "/entity/" in page.url
    assert check.ok, check.problems()


@pytest.mark.parametrize("query", ["卢德全", "Lu Dequan", "ludequan", "ldq"])
def test_index_search_finds_entities_by_zh_en_and_pinyin(views, tab, query):
    page, check = tab
    open_page(page, check, views / "index.html")
    page.fill("#entity-search", query)
    first = page.locator("#entity-results li a").first
    assert first.text_content() == "卢德全"
    assert page.locator("table.central tbody tr").count() >= 5  # most central actors
    assert check.ok, check.problems()


def test_network_exports_open_in_networkx(views, model):
    import networkx as nx

    graphml = nx.read_graphml(views.parent / "kg.graphml")
    gexf = nx.read_gexf(views.parent / "kg.gexf")
    network = entity_network(model)
    assert set(graphml.nodes) == set(network.nodes) and graphml.number_of_edges() == network.number_of_edges()
    for u, v, key, data in network.edges(keys=True, data=True):
        assert graphml.edges[u, v]["quote"] == data["quote"] or graphml.number_of_edges(u, v) > 1
    assert graphml.number_of_nodes() == gexf.number_of_nodes() > 50
    node = graphml.nodes[LU_DEQUAN]
    assert node["label_zh"] == "卢德全" and node["pagerank"] > 0 and "community" in node


# ------------------------------------------------------------------ hostile data


def hostile_project(target: Path) -> Path:
    """The mini project with markup in labels and in the source text itself."""
    root = copy_project(target, graph=DATA / "mini" / "graph")
    trig = root / "graph" / "mini-2020-01-01.trig"
    text_path = root / "graph" / "sources" / "mini-2020-01-01.txt"
    meta = root / "graph" / "sources" / "mini-2020-01-01.ttl"
    facts = trig.read_text(encoding="utf-8")
    replacements = {
        '"张三"@zh , "Zhang San"@en': f'"张三{HOSTILE}"@zh , "Zhang <a href=\\"javascript:window.__pwned=1\\">San</a> href"@en',
        '"示例工业园"@zh': '"示例工业园</script><script>window.__pwned=1</script>"@zh',
        '"示例街道党工委书记"@zh': '"示例街道党工委书记\\" onmouseover=\\"window.__pwned=1"@zh',
        '"Renovation needs people"@en': '"{{ 7*7 }} ${window.__pwned=1} <svg onload=window.__pwned=1>"@en',
        # labels their quotes do not say: recorded as the curator's judgement, as the build requires
        "ev:post cg:quote": f'ev:post cg:curatorNote "a test of hostile labels: 张三{HOSTILE} and '
                            '示例街道党工委书记\\" onmouseover=\\"window.__pwned=1" ; cg:quote',
        "ev:park cg:quote": 'ev:park cg:curatorNote "a test of hostile labels: '
                            '示例工业园</script><script>window.__pwned=1</script>" ; cg:quote',
    }
    for old, new in replacements.items():
        assert old in facts, old
        facts = facts.replace(old, new)
    sentence = f"张三称{HOSTILE}与<b onmouseover=\"window.__pwned=1\">href</b>。\n"
    facts += (
        "\n@prefix status: <https://w3id.org/cungai/id/status/> .\nev:hostile {\n"
        f"    ev:hostile cg:accordingTo person:zhang-san ; cg:claimStatus status:planned ;\n"
        f"        cg:quote \"张三称{HOSTILE}\" .\n"
        f"    person:zhang-san skos:altLabel \"{HOSTILE}\"@zh .\n"
        "}\n"
    )
    trig.write_text(facts, encoding="utf-8")
    text = text_path.read_text(encoding="utf-8") + sentence
    text_path.write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    meta.write_text(re.sub(r'cg:sha256 "[0-9a-f]+"', f'cg:sha256 "{digest}"', meta.read_text(encoding="utf-8")),
                    encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    root = hostile_project(tmp_path_factory.mktemp("hostile") / "project")
    result = build(root=root)
    out = root / "views-from-store"
    write_views_from_store(store_of(root / "build"), out / "views", report=result.report,
                           sources=load_sources(root / "graph" / "sources"), network_dir=out)
    return out / "views"


def assert_nothing_ran(page, check) -> None:
    assert page.evaluate("() => typeof window.__pwned") == "undefined", check.url
    assert not check.dialogs, check.dialogs
    assert check.ok, check.problems()
    assert not any(url.rstrip("/").endswith("/x") for url in check.requests), check.requests


def test_hostile_markup_is_escaped_in_every_page(hostile):
    """Checked without a browser on every page: no tag of the hostile labels survives as markup."""
    for path in sorted(hostile.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        assert "<img src=x" not in html and "<script>window.__pwned" not in html, path
        assert 'href="javascript:' not in html, path


def test_hostile_labels_run_nothing_in_any_kind_of_view(hostile, tab):
    page, check = tab
    pages = one_page_of_each_kind(hostile) + [hostile / "entity" / "person" / "zhang-san.html"]
    kinds = {p.relative_to(hostile).parts[0] if len(p.relative_to(hostile).parts) > 1 else p.name for p in pages}
    assert {"graph", "entity", "article", "index.html"} <= kinds
    for path in pages:
        open_page(page, check, path)
        assert_nothing_ran(page, check)
        relative = path.relative_to(hostile).as_posix()
        if relative.startswith("graph/") or relative == "entity/person/zhang-san.html":
            # hover (tooltip) and click (panel) every node; other entity pages only load
            for node_id in page.evaluate("() => window.cungai.nodes.getIds()"):
                point = node_point(page, node_id)
                page.mouse.move(point["x"], point["y"])
                page.wait_for_timeout(140)
                page.mouse.click(point["x"], point["y"])
            if page.locator("#search").count():
                page.fill("#search", "张三")
                for button in page.locator("#search-results button").all():
                    button.click()
        if page.locator("mark.ev").count():
            for mark in page.locator("mark.ev").all():
                mark.hover()
        if page.locator("#entity-search").count():
            page.fill("#entity-search", "img")
            assert page.locator("#entity-results li").count() >= 1
        assert_nothing_ran(page, check)


def test_hostile_labels_show_as_text(hostile, tab):
    page, check = tab
    open_page(page, check, hostile / "entity" / "person" / "zhang-san.html")
    assert page.locator("h1").text_content().strip() == f"张三{HOSTILE}"
    assert page.locator("img").count() == 0
    html = (hostile / "entity" / "person" / "zhang-san.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html and "&lt;img src=x" in html
    open_page(page, check, hostile / "graph" / "actors.html")
    point = node_point(page, "https://w3id.org/cungai/id/person/zhang-san")
    page.mouse.move(point["x"], point["y"])
    tooltip = page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    assert HOSTILE in tooltip.text_content()
    assert tooltip.locator("img, a, script").count() == 0
    open_page(page, check, hostile / "article" / "mini-2020-01-01.html")
    assert HOSTILE in page.locator("#text").text_content()
    assert page.locator("#text img, #text b").count() == 0
    assert_nothing_ran(page, check)


def test_screenshot_for_the_readme_exists():
    shot = REPO / "docs" / "screenshot-parks.png"
    assert shot.is_file() and shot.stat().st_size > 10_000, "docs/screenshot-parks.png (python -m cungai.views.browser build)"



# ------------------------------------------------------------------ a synthetic district (scale)

DISTRICT_TRIPLES = 100_000
DISTRICT_NODES = 600  # graph pages draw at most this many: above LARGE_GRAPH, so layouts are computed
DISTRICT_PAGES = 150


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    """A synthetic district (``cungai synth``) built, and its views written with small caps."""
    root = tmp_path_factory.mktemp("district") / "project"
    synthesize(root, triples=DISTRICT_TRIPLES, seed=3)
    result = build(root=root, out_dir=root / "build", checks="scale")  # SHACL and rules as SPARQL, as at scale
    out = root / "capped"
    started = time.perf_counter()
    written = write_views_from_store(store_of(root / "build"), out / "views", report=result.report,
                                     sources=load_sources(root / "graph" / "sources"), network_dir=out,
                                     max_graph_nodes=DISTRICT_NODES, max_entity_pages=DISTRICT_PAGES)
    print(f"\nviews of {result.report['triples']} triples in {time.perf_counter() - started:.1f}s: {written.timings}")
    return out / "views", written


def graph_data(path: Path) -> dict:
    html = path.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_district_pages_say_they_draw_the_most_central(district):
    views, written = district
    manifest = json.loads((views / "manifest.json").read_text(encoding="utf-8"))
    whole = written.graph_counts["whole"]
    assert whole["nodes"] == DISTRICT_NODES < whole["entities"]
    html = (views / "graph" / "whole.html").read_text(encoding="utf-8")
    note = re.search(r'<p class="capped-note" id="capped-note"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert f"显示 {whole['entities']} 个中的 {DISTRICT_NODES} 个" in note
    assert f"Showing {DISTRICT_NODES} of {whole['entities']}, the most central" in note
    for name, counts in written.graph_counts.items():  # uncapped pages carry no note
        page = (views / "graph" / f"{name}.html").read_text(encoding="utf-8")
        assert ('id="capped-note"' in page) == (counts["nodes"] < counts["entities"]), name
    centrality = json.loads((views / "data" / "centrality.json").read_text(encoding="utf-8"))
    drawn = manifest["drawn"]["whole"]
    lowest = min(centrality[n][2] for n in drawn)
    left_out = [n for n, m in centrality.items() if n not in set(drawn)]
    assert left_out and max(centrality[n][2] for n in left_out) <= lowest  # the most central by PageRank
    assert manifest["entity_pages"] == DISTRICT_PAGES == len([p for p in manifest["pages"] if p.startswith("entity/")])


def test_district_layouts_are_computed_and_physics_is_off(district):
    views, written = district
    for name, counts in written.graph_counts.items():
        data = graph_data(views / "graph" / f"{name}.html")
        if counts["nodes"] > LARGE_GRAPH or name == "overview":
            assert data["fixed"] and data["options"]["physics"]["enabled"] is False, name
            points = {(n["x"], n["y"]) for n in data["nodes"]}
            assert len(points) > 0.9 * len(data["nodes"]), name  # spread out, not piled up
        else:
            assert not data["fixed"] and not any("x" in n for n in data["nodes"]), name


def test_district_overview_aggregates_the_classes(district):
    views, written = district
    data = graph_data(views / "graph" / "overview.html")
    network = json.loads((views / "data" / "centrality.json").read_text(encoding="utf-8"))
    assert sum(n["count"] for n in data["nodes"]) == len(network)  # every entity of the network, once
    classes = {n["cls"] for n in data["nodes"]}
    assert {"cg:VillageIndustrialPark", "cg:Official", "cg:Enterprise"} <= classes
    assert all(e["count"] > 0 and "×" in e["pred_zh"] for e in data["edges"])
    assert all(len(n["members"]) <= 8 for n in data["nodes"])


def test_district_pages_open_and_the_largest_is_drawn_where_the_build_laid_it_out(district, tab):
    page, check = tab
    views, written = district
    largest = max(written.graph_counts, key=lambda name: written.graph_counts[name]["nodes"])
    entity = next(p for p in sorted(views.glob("entity/*/*.html")))
    for path in [views / "index.html", views / "graph" / "overview.html",
                 *sorted((views / "graph").glob("*.html")), entity, next(views.glob("article/*.html"))]:
        open_page(page, check, path)
        assert check.ok, check.problems()
    timings = []
    for _ in range(2):
        open_page(page, check, views / "graph" / f"{largest}.html")
        timings.append(check.seconds)
        assert check.ok, check.problems()
    assert page.evaluate("() => window.cungai.fixed && window.cungai.network.physics.physicsEnabled") is False
    ids = page.evaluate("() => window.cungai.nodes.getIds()")
    data = graph_data(views / "graph" / f"{largest}.html")
    assert len(ids) == written.graph_counts[largest]["nodes"]
    first = data["nodes"][0]
    where = page.evaluate("(id) => window.cungai.network.getPositions([id])[id]", first["id"])
    assert abs(where["x"] - first["x"]) < 1 and abs(where["y"] - first["y"]) < 1  # drawn where the build put it
    assert drawn_pixels(page) > 2000
    # the time is reported, not asserted: the 3 s target is measured in docs/benchmarks.md
    print(f"\n{largest}.html ({len(ids)} nodes) interactive in {min(timings):.2f}s")


def test_district_links_to_pages_not_written_are_marked(district, tab):
    """A page links to every entity; opened from the file system, links to pages only ``cungai serve``
    renders become text with a note instead of leading to a missing file."""
    page, check = tab
    views, _ = district
    marked = next(p for p in sorted(views.glob("entity/*/*.html")) if "data-on-demand" in p.read_text(encoding="utf-8"))
    html = marked.read_text(encoding="utf-8")
    target = re.search(r'href="\.\./\.\./(entity/[^"]+)" data-on-demand', html).group(1)
    assert not (views / target).exists()
    open_page(page, check, marked)
    assert check.ok, check.problems()
    assert page.locator("a[data-on-demand]").count() == 0
    assert page.locator(".no-page[title*='cungai serve']").count() >= 1
