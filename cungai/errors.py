"""The project's errors: a small hierarchy whose exit codes the CLI returns and the README lists.

0 ok, 1 the data is invalid, 2 a usage error, 3 the environment lacks something (Java, Chromium).
"""

from __future__ import annotations


class CungaiError(Exception):
    """Base of every error the CLI reports as a message instead of a traceback."""

    exit_code = 1
    title = "error"


class DataError(CungaiError):
    """The input data is invalid: syntax, evidence, SHACL or an inconsistency. Exit code 1."""

    exit_code = 1
    title = "invalid data"


class UsageError(CungaiError):
    """The command was used wrongly: unknown query, bad parameter, bad SPARQL. Exit code 2."""

    exit_code = 2
    title = "usage error"


class EnvironmentProblem(CungaiError):
    """Something the machine must provide is missing (Java, Chromium). Exit code 3."""

    exit_code = 3
    title = "environment problem"
