"""RDF plumbing with no project knowledge: namespaces and graph names, terms in both engines, SPARQL text helpers, parsing RDF files, comparable rdflib graphs."""
