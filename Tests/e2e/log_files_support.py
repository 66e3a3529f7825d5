"""Reading the demo's logs in Python, independently of the server: rotated `.gz` archives and the live
file of one log, in time order, for the tests of the performance-logs and access-logs plugins."""

from __future__ import annotations

import gzip
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

WALL_CLOCK = "%Y-%m-%d %H:%M:%S.%f"


def log_lines(directory: Path, base: str, suffix: str = ".log") -> list[str]:
    """Every line of log `base` in `directory`: its dated archives (`base.<date>.<n>.log.gz`) oldest
    first, then the live `base.log`."""
    archives = sorted(directory.glob(f"{base}.*{suffix}.gz"))
    lines: list[str] = []
    for path in [*archives, directory / f"{base}{suffix}"]:
        if not path.exists():
            continue
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            lines += [line.rstrip("\n") for line in handle if line.strip()]
    return lines


def wall(text: str) -> datetime:
    """A server wall-clock time `yyyy-MM-dd HH:mm:ss[.SSS]`, naive."""
    return datetime.strptime(text if "." in text else text + ".000", WALL_CLOCK)


def wall_text(moment: datetime) -> str:
    """`yyyy-MM-dd HH:mm:ss.SSS`, as the tools write server times."""
    return moment.strftime(WALL_CLOCK)[:-3]


def config_value(demo: Path, key: str) -> str | None:
    for line in (demo / "conf" / "clover.properties").read_text().splitlines():
        if line.startswith(key + "="):
            return line.split("=", 1)[1].strip()
    return None


def server_offset(demo: Path) -> timedelta:
    """The demo server's UTC offset (clover.mcp.sidecar.timezone, e.g. +01:00)."""
    match = re.fullmatch(r"([+-])(\d\d):?(\d\d)", config_value(demo, "clover.mcp.sidecar.timezone") or "+00:00")
    assert match, "the demo names its zone as an offset"
    sign = -1 if match.group(1) == "-" else 1
    return sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))


def to_server_time(instant: datetime, demo: Path) -> datetime:
    """An aware instant as the demo server's wall clock."""
    return (instant.astimezone(timezone.utc) + server_offset(demo)).replace(tzinfo=None)


def config_without_logs(demo: Path, directory: Path, *, tomcat: bool = True, clover: bool = False) -> Path:
    """An installation directory whose conf/clover.properties reads `demo` but lacks its Tomcat log
    directory (`tomcat`) or has an empty cloverlogs directory (`clover`); returns the directory."""
    home = directory / ("no-tomcat" if tomcat else "empty-cloverlogs")
    (home / "conf").mkdir(parents=True)
    lines = [line for line in (demo / "conf" / "clover.properties").read_text().splitlines()
             if not line.startswith(("clover.home=", "logging.dir=", "graph.logs_path="))]
    lines.append(f"clover.home={home}")
    if clover:
        (home / "cloverlogs").mkdir()
        lines.append(f"logging.dir={home}")
        lines.append(f"clover.mcp.sidecar.tomcat.logs.dir={demo / 'tomcatlogs'}")
    else:
        lines.append(f"logging.dir={demo}")
    (home / "conf" / "clover.properties").write_text("\n".join(lines) + "\n")
    return home
