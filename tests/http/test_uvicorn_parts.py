"""`serve` builds uvicorn's Config and Server without importing uvicorn.main (click, the reload
and multiprocess supervisors), and the lazily registered package still offers every name."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from mockserver.http.uvicorn_parts import lazy_uvicorn_package
lazy_uvicorn_package()
import uvicorn
from mockserver.app import create_app
from mockserver.http.server_protocol import uvicorn_options
app = create_app()
config = uvicorn.Config(app, **uvicorn_options(app.state.server.settings, app.render_error))
config.load()  # the protocol, the loop and the lifespan `serve` runs with
uvicorn.Server(config)
print(config.lifespan_class.__name__, sorted({"uvicorn.main", "click"} & set(sys.modules)))
from importlib.metadata import version
print(uvicorn.__version__ == version("uvicorn"), callable(uvicorn.run),
      "uvicorn.main" in sys.modules)
"""


def test_serve_builds_uvicorn_without_its_command_line() -> None:
    """A fresh interpreter: this one has imported the whole of uvicorn."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    )
    built, rest = result.stdout.strip().splitlines()
    assert built == "LifespanOn []"
    assert rest == "True True True"  # any other name runs the real __init__ on first use
