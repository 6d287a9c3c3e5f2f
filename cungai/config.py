"""Every setting of the package, once: the build's checks, the query engines, the server's limits,
the files a build writes. Modules import them from here; the CLI shows them as defaults.
"""

from __future__ import annotations

#: How a build checks the graph. ``full``: pySHACL and HermiT over every fact; ``scale``: the shapes
#: as SPARQL and OWL 2 RL rules inside Oxigraph, HermiT over the ontology alone; ``auto``: ``full`` up
#: to FULL_CHECKS_MAX_TRIPLES triples, ``scale`` beyond (rdflib is comfortable up to ~100-200k).
CHECKS = ("auto", "full", "scale")
DEFAULT_CHECKS = "auto"
FULL_CHECKS_MAX_TRIPLES = 200_000

#: The engines that answer ``cungai query`` and ``cungai sparql`` over a build: Oxigraph (the
#: build's own store, the default) or rdflib (the second engine the query library is checked on).
ENGINES = ("oxigraph", "rdflib")
DEFAULT_ENGINE = "oxigraph"

#: ``cungai serve``: where it listens and what one query may take.
HOST = "127.0.0.1"
PORT = 8000
DEFAULT_ENDPOINT = f"http://{HOST}:{PORT}/sparql"
QUERY_TIMEOUT_S = 10.0
MAX_ROWS = 10_000
MAX_REQUEST_BYTES = 64 * 1024
QUERY_WORKERS = 2

#: What a build writes into build/: the dataset in four syntaxes, the entity network in two, and the rest.
DUMPS = ("kg.trig", "kg.nt", "kg.ttl", "kg.jsonld")
NETWORK_FILES = ("kg.graphml", "kg.gexf")
#: The on-disk Oxigraph store's folder inside a build folder: the build writes it beside the dumps
#: (inside the same atomic swap); ``cungai query``, ``sparql``, ``find`` and ``serve`` open it read-only.
STORE_DIR = "store"
OUTPUTS = (*DUMPS, "ontology.owl", "kg.owl", "docs/ontology.html", "views/index.html", "void.ttl", "report.json",
           *NETWORK_FILES, f"{STORE_DIR}/CURRENT")
#: The files ``cungai serve`` offers for download, under /data/ and at the root (where the views link them).
DOWNLOADS = (*DUMPS, "void.ttl", "ontology.owl", "kg.owl", "report.json", *NETWORK_FILES)
