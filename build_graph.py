"""The main job: ``python build_graph.py`` is ``cungai build`` with its defaults."""

from cungai.cli import main

if __name__ == "__main__":
    main(["build"])
