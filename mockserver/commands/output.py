"""Writing to stdout the way a Unix tool does: ``mockserver spec | head`` ends quietly."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

# A Unix tool killed by SIGPIPE exits 128 + 13; `set -o pipefail` scripts see the same.
EXIT_BROKEN_PIPE = 141


def run_to_stdout(command: Callable[[], int]) -> int:
    """Run ``command``; if the reader of stdout goes away, stop quietly with 141."""
    try:
        status = command()
        sys.stdout.flush()  # inside the try: a short output only meets the closed pipe here
    except BrokenPipeError:
        # Point stdout at /dev/null so the interpreter's own flush at exit does not print a
        # second BrokenPipeError (the recipe in Python's signal module documentation).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    return status
