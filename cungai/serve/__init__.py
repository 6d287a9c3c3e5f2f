"""The read-only SPARQL endpoint: the app, its worker processes, the query page."""
