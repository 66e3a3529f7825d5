"""Helpers of the server-logs and job-logs tests: the demo's logs read independently of the host, and
changed copies of the demo (extra log lines, missing files)."""

from __future__ import annotations

import gzip
import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path


def demo_copy(demo: Path, directory: Path) -> Path:
    """A copy of the demo installation in `directory`, its clover.properties pointing at the copy."""
    copy = directory / "clover"
    shutil.copytree(demo, copy)
    properties = copy / "conf" / "clover.properties"
    properties.write_text(properties.read_text().replace(str(demo), str(copy)))
    return copy


def config(installation: Path) -> Path:
    return installation / "conf" / "clover.properties"


def server_zone(installation: Path) -> timezone:
    """The server's zone as the demo's clover.properties states it (clover.mcp.sidecar.timezone=+01:00)."""
    match = re.search(r"^clover\.mcp\.sidecar\.timezone=([+-])(\d\d):(\d\d)$", config(installation).read_text(), re.M)
    assert match, "the demo names its server time zone"
    offset = timedelta(hours=int(match[2]), minutes=int(match[3]))
    return timezone(-offset if match[1] == "-" else offset)


def server_local(iso: str, zone: timezone) -> datetime:
    """A system-database time (ISO text with a zone) on the server's wall clock, without a zone."""
    return datetime.fromisoformat(iso).astimezone(zone).replace(tzinfo=None)


def wall(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def log_text(installation: Path, base: str) -> str:
    """Every file of cloverlogs/<base>.log, gzipped archives included, oldest first, as one text."""
    directory = installation / "cloverlogs"
    archives = sorted(p for p in directory.iterdir() if p.name.startswith(base + ".") and p.name != base + ".log")
    text = ""
    for path in archives + [directory / f"{base}.log"]:
        text += gzip.open(path, "rt", encoding="utf-8").read() if path.suffix == ".gz" else path.read_text(encoding="utf-8")
    return text
