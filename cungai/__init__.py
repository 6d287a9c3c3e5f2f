"""cungai-kg: a knowledge graph of Shunde's village-level industrial park renovation, with evidence.

The package turns the hand-written ontology, the curated facts of each source and the district
datasets into a validated, reasoned graph with every fact tied to the exact span of text it came
from. ``cungai.build.pipeline.build()`` is the one call behind ``cungai build`` and ``python build_graph.py``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cungai-kg")
except PackageNotFoundError:  # running from a checkout that was not installed
    __version__ = "0+unknown"
