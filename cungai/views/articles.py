"""The annotated articles: each source's text with the facts every quoted span supports."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from rdflib import URIRef
from rdflib.term import Node

from .pagemodels import (
    ArticleFact, article_from_lines, article_href, entity_href, served_only, spans_data,
)
from .pages import (
    PageWriter,
)
from .storemodel import (
    STATEMENTS, StoreContext,
)
from .viewmodel import KnowledgeModel


TEXTS_DIR = "data/texts"


def write_articles(writer: PageWriter, context: StoreContext, model: KnowledgeModel, report: dict) -> list:
    """The annotated articles: pages for the sources not in ``model.served_sources``, read one source
    graph at a time; for the others their text (``data/texts/``), which ``cungai serve`` renders from.

    Returns the article models for the index (those served on demand without their facts).
    """
    articles = []
    graphs = {str(name).rsplit("/", 1)[-1]: name for name in context.graph("source")}
    lines = ArticleLines(model)
    spans_of: dict[str, list] = defaultdict(list)
    for span in context.spans.values():
        spans_of[span.source_id].append(span)
    for source_id in sorted(model.sources):
        source = model.sources[source_id]
        name = graphs.get(source_id)
        if source_id in model.served_sources:
            text = writer.out_dir / TEXTS_DIR / (Path(article_href(source_id)).stem + ".txt")
            text.parent.mkdir(parents=True, exist_ok=True)
            text.write_text(source.text, encoding="utf-8")
            articles.append(article_from_lines(source, {span: [] for span in spans_of[source_id]}, {}, report=report))
            continue
        article = article_from_lines(source, lines.supports(context, name) if name is not None else {}, lines.hrefs,
                                     report=report)
        articles.append(article)
        writer.write(article_href(source_id), "article.html", **article_context(article))
    return articles


def article_context(article) -> dict:
    """What ``article.html`` shows of an article model."""
    return dict(article=article, title_zh=article.title_zh, title_en=article.title_en, spans_data=spans_data(article))


class ArticleLines:
    """The fact lines of the articles' spans, each node's names worked out once."""

    def __init__(self, model: KnowledgeModel):
        self.model = model
        self.nodes: dict[Node, tuple] = {}
        self.predicates: dict[Node, tuple[str, str, str]] = {}
        self.hrefs: dict[str, tuple[str, bool]] = {}

    def node(self, node: Node) -> tuple:
        """(zh, en, href, served, IRI text or "", whether an entity) of ``node``."""
        found = self.nodes.get(node)
        if found is None:
            entity = self.model.entities.get(node) if isinstance(node, URIRef) else None
            href = entity_href(entity) if entity is not None else ""
            served = served_only(entity) if entity is not None else False
            found = self.nodes[node] = (self.model.node_label(node, "zh"), self.model.node_label(node, "en"),
                                        href, served, str(node) if isinstance(node, URIRef) else "", entity is not None)
            if entity is not None:
                self.hrefs[str(node)] = (href, served)
        return found

    def predicate(self, node: Node) -> tuple[str, str, str]:
        found = self.predicates.get(node)
        if found is None:
            term = self.model.term(node)
            found = self.predicates[node] = (term.label("zh"), term.label("en"), str(node))
        return found

    def supports(self, context: StoreContext, graph: URIRef) -> dict:
        """For each span of the source graph ``graph``: the facts it supports, as article lines."""
        spans = context.spans
        supports: dict = defaultdict(list)
        seen: set[tuple] = set()
        for row in context.select(STATEMENTS, {"g": graph}):
            span = spans.get((graph, row["target"]))
            key = (row["target"], row["s"], row["p"], row["o"])
            if span is None or key in seen:
                continue
            seen.add(key)
            s_zh, s_en, s_href, s_served, subject, is_entity = self.node(row["s"])
            o_zh, o_en, o_href, o_served, _, _ = self.node(row["o"])
            p_zh, p_en, predicate = self.predicate(row["p"])
            supports[span].append(ArticleFact(subject, predicate, is_entity, {
                "s_zh": s_zh, "s_en": s_en, "p_zh": p_zh, "p_en": p_en, "o_zh": o_zh, "o_en": o_en,
                "s_href": s_href, "o_href": o_href, "s_served": s_served, "o_served": o_served}))
        return supports
