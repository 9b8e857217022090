"""The cache of the dataclasses' compiled methods (mockserver/core/code_cache.py): classes built
from it are the classes ``@dataclass`` builds without it, a second build compiles nothing, and a
bad or unwritable cache only means compiling as ever."""

from __future__ import annotations

import dataclasses
import inspect
import subprocess
import sys
from dataclasses import InitVar, dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pytest

from mockserver.core.code_cache import CACHE_ENV, code_cache_file, dataclass_code_cached


def make_classes() -> tuple[type, type]:
    """Dataclasses with most of what ``@dataclass`` writes: frozen, slots, order, defaults,
    factories, an InitVar, a ClassVar, __post_init__, and annotations only a string names
    (this module has ``from __future__ import annotations``)."""

    @dataclass(frozen=True, slots=True, order=True)
    class Point:
        """A point."""

        x: int
        y: int = 0
        tags: tuple[str, ...] = field(default=(), compare=False)
        origin: ClassVar[str] = "zero"

    @dataclass
    class Box:
        """A box."""

        corner: Point
        items: list[Any] = field(default_factory=list)
        scale: InitVar[int] = 1
        area: int = field(init=False, repr=False, default=0)

        def __post_init__(self, scale: int) -> None:
            self.area = self.corner.x * self.corner.y * scale

    return Point, Box


def describe(point_class: type, box_class: type) -> list[Any]:
    """Everything observable of the two classes that the generated methods decide."""
    point = point_class(2, 3, ("a",))
    box = box_class(point, scale=2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 5
    return [
        repr(point), repr(box), point == point_class(2, 3), point < point_class(3, 0),
        hash(point) == hash(point_class(2, 3, ("b",))), box.area, box == box_class(point, [], 2),
        str(inspect.signature(point_class)), str(inspect.signature(box_class)),
        vars(point_class)["__init__"].__annotations__, vars(box_class)["__init__"].__annotations__,
        vars(point_class)["__match_args__"], vars(point_class)["__slots__"],
        [f.name for f in dataclasses.fields(box_class)],
    ]  # fmt: skip


def test_classes_from_the_cache_are_the_classes_dataclass_builds(tmp_path: Path) -> None:
    path = tmp_path / "codes.marshal"
    expected = describe(*make_classes())  # no cache at all
    with dataclass_code_cached(path) as first:
        built_first = describe(*make_classes())
    assert first is not None and first.compiled > 0 and path.exists()
    with dataclass_code_cached(path) as second:
        built_second = describe(*make_classes())
    assert second is not None and second.compiled == 0  # every method came from the file
    assert built_first == built_second == expected
    assert "exec" not in vars(dataclasses)  # the hook is gone after each build


def test_annotations_are_evaluated_as_without_the_cache(tmp_path: Path) -> None:
    """The code is compiled without this package's ``from __future__ import annotations``
    (as dataclasses' own exec does): __init__'s annotations are the objects, not strings."""
    with dataclass_code_cached(tmp_path / "codes.marshal"):
        point_class, _ = make_classes()
    assert vars(point_class)["__init__"].__annotations__["return"] is None


def test_a_damaged_file_or_unwritable_folder_means_compiling(tmp_path: Path) -> None:
    damaged = tmp_path / "codes.marshal"
    damaged.write_bytes(b"not marshal data")
    with dataclass_code_cached(damaged) as texts:
        make_classes()
    assert texts is not None and texts.compiled > 0
    blocked = tmp_path / "a-file" / "codes.marshal"
    (tmp_path / "a-file").write_text("a file where the folder would be")
    with dataclass_code_cached(blocked) as texts:
        make_classes()
    assert texts is not None and texts.compiled > 0 and not blocked.exists()


def test_nothing_is_written_after_a_failed_build(tmp_path: Path) -> None:
    path = tmp_path / "codes.marshal"
    with pytest.raises(RuntimeError), dataclass_code_cached(path):
        make_classes()
        raise RuntimeError("the build failed")
    assert not path.exists() and "exec" not in vars(dataclasses)


def test_off_and_nested_uses_change_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, "off")
    assert code_cache_file() is None
    with dataclass_code_cached() as texts:
        assert texts is None and "exec" not in vars(dataclasses)
    with (
        dataclass_code_cached(tmp_path / "a") as outer,
        dataclass_code_cached(tmp_path / "b") as inner,
    ):
        assert outer is not None and inner is None


def test_a_second_serve_build_compiles_no_dataclass_method(tmp_path: Path) -> None:
    """What `serve` builds (the bench's phases script does the same): the first build writes
    the file, the next compiles nothing."""
    probe = (
        "import mockserver.cli\n"
        "from mockserver.core.code_cache import dataclass_code_cached\n"
        "with mockserver.cli.collector_paused(), dataclass_code_cached() as texts:\n"
        "    import uvicorn.config, uvicorn.server\n"
        "    from mockserver.app import create_app\n"
        "    create_app()\n"
        "print(texts.compiled, len(texts.used))\n"
    )
    env = {"XDG_CACHE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def build() -> list[int]:
        done = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
        )
        return [int(n) for n in done.stdout.split()]

    compiled, used = build()
    assert compiled == used > 300  # every method of the app's dataclasses, compiled once
    assert build() == [0, used]
