"""Pages rendered when `cungai serve` is asked for them: entity pages and articles the build did
not write, from an engine that answers SPARQL SELECTs and the centrality the build wrote."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping

from rdflib import URIRef

from ..rdf.namespaces import BASE, SRC
from ..rdf.sparql import with_values
from .analysis import (
    Centrality,
)
from .pagemodels import (
    article_from_lines, article_href, entity_href, node_styles,
)
from .pages import (
    PageRenderer, entity_page_context,
)
from .storemodel import (
    GRAPH_NAMES, STATEMENTS, StoreContext, TermReader, model_around, store_base,
)
from .articles import TEXTS_DIR, ArticleLines, article_context
from .viewmodel import split_entity_iri


#: The data file of the views that ``cungai serve`` reads to render pages on demand.
CENTRALITY_FILE = "data/centrality.json"


def write_centrality(path: Path, measures: Mapping[str, Centrality]) -> None:
    """The measures of every node, for pages rendered on demand: ``{iri: [degree, betweenness, pagerank, community]}``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = {node: [m.degree, m.betweenness, m.pagerank, m.community] for node, m in sorted(measures.items())}
    path.write_text(json.dumps(rows, separators=(",", ":")) + "\n", encoding="utf-8")


def read_centrality(path: Path) -> dict[str, Centrality]:
    """What ``write_centrality`` wrote (empty when the file is missing)."""
    if not path.is_file():
        return {}
    return {node: Centrality(int(d), float(b), float(p), int(c))
            for node, (d, b, p, c) in json.loads(path.read_text(encoding="utf-8")).items()}


class OnDemandPages:
    """Entity pages rendered when asked for, from an engine that answers SPARQL SELECTs.

    ``run`` takes a SELECT query's text and returns its SPARQL JSON results (for ``cungai
    serve``: the endpoint's query workers, with their time limit); ``views_dir`` holds the written
    views (their ``data/centrality.json``). The page is the one the build would have written: the
    same template, the same model of the entity and what is around it.
    """

    def __init__(self, run, views_dir: Path):
        from types import SimpleNamespace

        probe = TermReader(BASE)
        names = [str(row["g"]) for row in probe.read_json(run(GRAPH_NAMES))]
        self.reader = TermReader(store_base(names))

        def select(text: str, bindings: Mapping[str, object]):
            return self.reader.read_json(run(with_values(text, bindings, spell=self.reader.spell)))

        self.context = StoreContext(select, self.reader)
        self.measures = read_centrality(Path(views_dir) / CENTRALITY_FILE)
        root = str(SRC)
        self.sources = [SimpleNamespace(source_id=str(s)[len(root):], text="")
                        for s in sorted(set(self.context.metadata.subjects()), key=str)
                        if isinstance(s, URIRef) and str(s).startswith(root)]
        self.renderer = PageRenderer(self.context.assemble((), self.sources))

    def render_article(self, name: str, views_dir: Path) -> str | None:
        """The annotated article ``name`` (a source id) from its text in ``data/texts/``; None without one."""
        from types import SimpleNamespace

        text = Path(views_dir) / TEXTS_DIR / f"{name}.txt"
        graph = next((g for g in self.context.graph("source") if str(g).rsplit("/", 1)[-1] == name), None)
        if not text.is_file() or graph is None:
            return None
        source = SimpleNamespace(source_id=name, text=text.read_text(encoding="utf-8"))
        mentioned = sorted({node for row in self.context.select(STATEMENTS, {"g": graph}) for node in (row["s"], row["o"])
                            if isinstance(node, URIRef) and split_entity_iri(node)}, key=str)
        sources = [source if s.source_id == name else s for s in self.sources]
        model = model_around(self.context, [], near=mentioned, sources=sources)
        model.served_sources = frozenset(s.source_id for s in self.sources if s.source_id != name)
        for entity in model.entities.values():
            entity.page = False
        lines = ArticleLines(model)
        article = article_from_lines(model.sources[name], lines.supports(self.context, graph), lines.hrefs)
        return self.renderer.render(article_href(name), "article.html", **article_context(article))

    def render(self, kind: str, slug: str) -> str | None:
        """The HTML of the page of ``…/id/{kind}/{slug}``; None when no fact mentions that entity."""
        iri = URIRef(BASE + "id/" + kind + "/" + slug)
        if split_entity_iri(iri) is None:
            return None
        model = model_around(self.context, [iri], sources=self.sources)
        if iri not in model.entities:
            return None
        for entity in model.entities.values():
            entity.page = False
        model.entities[iri].page = True
        styles = node_styles(model, self.measures)
        return self.renderer.render(entity_href(model.entities[iri]), "entity.html",
                                    **entity_page_context(model, self.measures, styles, iri))
