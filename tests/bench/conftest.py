"""bench/ is a folder of scripts, not a package: its modules import each other by bare name, so
the tests put the folder on the path the way running a script there does."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))
