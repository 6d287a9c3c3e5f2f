"""Linking the graph to the outside: tables of names to IRIs, the IRI registry, administrative division codes."""
