"""Functions that dataset mappings may call (FnO functions, run by morph-kgc as its ``udfs``).

morph-kgc executes this file with a ``udf`` decorator of its own that registers each function under
its IRI; imported as a module (tests, docs) the decorator below leaves the functions as they are.
In a YARRRML mapping::

    - p: rdfs:label
      o:
        function: cgf:divisionNameEn
        parameters:
          - [cgf:name, $(name)]
        language: en

with ``cgf: https://w3id.org/cungai/function#``. Each function is documented in ``docs/linking.md``.
This file stays ASCII: morph-kgc reads it with the locale's encoding.
"""

from cungai.project.names import division_name_en as _division_name_en

FUNCTIONS = "https://w3id.org/cungai/function#"

try:
    udf  # noqa: B018 - injected by morph-kgc when it runs this file
except NameError:  # imported as an ordinary module
    def udf(fun_id, **params):
        return lambda function: function


@udf(fun_id=FUNCTIONS + "divisionNameEn", name=FUNCTIONS + "name")
def division_name_en(name):
    """The English name of a Chinese administrative division (the Chinese name of Shunde District gives ``Shunde District``)."""
    return _division_name_en(name)
