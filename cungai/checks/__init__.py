"""Checking a graph: SHACL with pySHACL or compiled to SPARQL, HermiT through owlready2, OWL 2 RL rules as SPARQL."""
