"""Asking the built graph: the query library, the engines that answer it (Oxigraph, rdflib), results and their formats, remote stores."""
