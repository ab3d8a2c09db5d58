"""The server's processes and memory, read from /proc, and the memory report it writes under GP_MEMORY_PROBE."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path


def process_tree(pid: int) -> list[int]:
    """pid and all its descendants (via /proc/<pid>/task/*/children)."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                pass
    return pids


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far, in seconds (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def status_kib(pid: int, field: str) -> int:
    """A field of /proc/<pid>/status in KiB (VmRSS, VmHWM), 0 once the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss(pid: int) -> int:
    """Resident set size of ``pid`` in bytes (0 once it is gone)."""
    return status_kib(pid, "VmRSS") * 1024


def memory_report(path: Path, after: float, timeout: float = 30) -> dict:
    """The server's memory report (GP_MEMORY_PROBE), the first one written after ``after`` (time.time())."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            report = json.loads(Path(path).read_text())
            if report["time"] > after:
                return report
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"the server wrote no memory report to {path} within {timeout} s")


def sessions_forgotten(path: Path, seen: int, timeout: float) -> dict:
    """Wait until the server has seen ``seen`` sessions and none is reachable, nor any of their media files
    (or ``timeout``); the last memory report."""
    deadline = time.time() + timeout
    report = memory_report(path, time.time())
    while time.time() < deadline and (report["sessions_seen"] < seen or report["sessions_alive"]
                                      or report["media_files"]):
        report = memory_report(path, time.time())
    return report
