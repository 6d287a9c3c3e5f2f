"""The build command as a user runs it: summary, exit codes and messages on stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def cungai(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cungai", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def test_build_prints_summary_and_exits_0(mini: Path):
    result = cungai("build", "--root", str(mini))
    assert result.returncode == 0, result.stderr
    assert "evidence coverage" in result.stdout and "100.0%" in result.stdout
    assert "triples per graph" in result.stdout and "time" in result.stdout


def test_invalid_data_exits_1_with_message(mini: Path):
    trig = mini / "graph" / "mini-2020-01-01.trig"
    trig.write_text(trig.read_text(encoding="utf-8").replace("村改要靠人做。\" .", "村改不靠人做。\" .", 1), encoding="utf-8")
    result = cungai("build", "--root", str(mini))
    assert result.returncode == 1
    assert "invalid data" in result.stderr and "evidence quote not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_usage_error_exits_2():
    result = cungai("build", "--no-such-option")
    assert result.returncode == 2


def test_missing_java_exits_3_and_says_what_to_install(mini: Path):
    result = cungai("build", "--root", str(mini), env={"CUNGAI_JAVA": "/nonexistent/java"})
    assert result.returncode == 3
    assert "Java" in result.stderr


def test_slug_proposes_pinyin_cut_into_words_as_the_convention_says():
    result = cungai("slug", "北海工业区")
    assert result.returncode == 0
    assert result.stdout.strip() == "beihai-gongyequ"  # graph/README.md: syllables of a word together, words by '-'
    assert "park/beihai-gongyequ" in result.stderr  # and it is taken


def test_build_graph_py_is_cungai_build(mini: Path, tmp_path: Path):
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, str(root / "build_graph.py")], capture_output=True, text=True,
                            env={**os.environ, "CUNGAI_ROOT": str(mini)}, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (mini / "build" / "kg.trig").is_file() and "evidence coverage" in result.stdout
