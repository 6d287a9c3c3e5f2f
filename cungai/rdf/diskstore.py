"""The build's on-disk Oxigraph store (``build/store/``): where it lives, writing it, rewriting it.

The build writes it by bulk load from its sorted N-Quads and ``kg.nt`` (the named graphs, and their
merge as the default graph, each triple once), in its staging folder, so it is swapped into place
with every other output. ``rebuild_store`` (``cungai store``) writes it again from ``kg.trig`` for a
build folder that lacks one. Readers open it with ``Store.read_only`` (``query.stores``).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..config import STORE_DIR
from ..errors import UsageError


def store_path(build_dir: Path) -> Path:
    """``build_dir/store``: the build's on-disk Oxigraph store (it may not exist)."""
    return Path(build_dir) / STORE_DIR


def write_store(target: Path | str, named: Path | str, union: Path | str | None = None) -> None:
    """Write an on-disk Oxigraph store at ``target`` (a new folder) by bulk load.

    ``named`` is an N-Quads or TriG file of the named graphs; ``union`` an N-Triples file of their
    merge (the build's ``kg.nt``), loaded as the default graph; without it the merge is computed.
    """
    import pyoxigraph as ox

    formats = {".nq": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG}
    store = ox.Store(str(target))
    store.bulk_load(path=str(named), format=formats[Path(named).suffix])
    if union is not None:
        store.bulk_load(path=str(union), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    else:
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    store.flush()
    del store  # closes the database before the folder is moved into place


def rebuild_store(build_dir: Path | str) -> Path:
    """(Re)write ``build_dir/store`` from ``kg.trig`` (and ``kg.nt``); the old store is replaced only
    once the new one is complete. Returns the store's folder."""
    build_dir = Path(build_dir)
    trig = build_dir / "kg.trig"
    if not trig.is_file():
        raise UsageError(f"no built graph at {trig}: run `cungai build` first (or pass --build DIR) / "
                         f"没有构建好的图：请先运行 cungai build（或用 --build 指定目录）")
    union = build_dir / "kg.nt"
    staging = Path(tempfile.mkdtemp(prefix=f".{STORE_DIR}.tmp-", dir=build_dir))
    try:
        write_store(staging / STORE_DIR, trig, union if union.is_file() else None)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    target = store_path(build_dir)
    if target.exists():
        target.rename(staging / "old")
    (staging / STORE_DIR).rename(target)
    shutil.rmtree(staging, ignore_errors=True)
    return target
