"""Synthetic projects of any size for tests and benchmarks: facts, vocabulary, estimates."""
