"""``python -m cungai`` is the ``cungai`` command."""

from .cli import main

main()
