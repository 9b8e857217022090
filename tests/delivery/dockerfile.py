"""Just enough of a Dockerfile reader to check the project's own: instructions with their
continuation lines joined, ENV pairs, and the JSON (exec) forms of CMD and HEALTHCHECK."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path

DOCKERFILE = Path(__file__).resolve().parents[2] / "Dockerfile"


@dataclass(frozen=True)
class Dockerfile:
    instructions: tuple[tuple[str, str], ...]  # (INSTRUCTION, arguments), in order

    @classmethod
    def read(cls, path: Path = DOCKERFILE) -> Dockerfile:
        instructions: list[tuple[str, str]] = []
        pending = ""
        for raw in path.read_text().splitlines():
            line = raw.strip()
            if not pending and (not line or line.startswith("#")):
                continue
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            line, pending = pending + line, ""
            keyword, _, arguments = line.partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
        return cls(tuple(instructions))

    def all(self, keyword: str) -> list[str]:
        return [arguments for name, arguments in self.instructions if name == keyword]

    def last(self, keyword: str) -> str:
        found = self.all(keyword)
        assert found, f"the Dockerfile has no {keyword}"
        return found[-1]

    @property
    def env(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for arguments in self.all("ENV"):
            for pair in shlex.split(arguments):
                name, _, value = pair.partition("=")
                values[name] = value
        return values

    @property
    def cmd(self) -> list[str]:
        command: list[str] = json.loads(self.last("CMD"))
        return command

    @property
    def healthcheck(self) -> tuple[dict[str, str], list[str]]:
        """(options such as ``interval``, the exec-form command after ``CMD``)."""
        options_text, _, command = self.last("HEALTHCHECK").partition(" CMD ")
        options = dict(option.removeprefix("--").split("=", 1) for option in options_text.split())
        exec_form: list[str] = json.loads(command)
        return options, exec_form
