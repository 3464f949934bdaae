"""What produced a figure: the commit of the code and the machine it ran on."""
import os
import platform
import subprocess
from pathlib import Path


def git(*args: str) -> str | None:
    """A git command's output, or None where git fails (no repository, no git)."""
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


CODE = ("src", "params.yaml", "dvc.yaml")  # what decides a run's results; its outputs may be uncommitted yet


def commit() -> str:
    """``git rev-parse --short HEAD``, with ``+ uncommitted changes`` where the code or params differ from it."""
    head = git("rev-parse", "--short", "HEAD")
    if head is None:
        return "unknown (not a git repository)"
    status = git("status", "--porcelain", "--", *CODE) or ""
    changed = any(not line.startswith("??") for line in status.splitlines())
    return head.strip() + (" + uncommitted changes" if changed else "")


def machine() -> str:
    """The CPU model (from /proc/cpuinfo where there is one) and the core count."""
    cpuinfo = Path("/proc/cpuinfo")
    models = [line.split(":", 1)[1].strip() for line in (cpuinfo.read_text().splitlines() if cpuinfo.exists() else [])
              if line.startswith("model name")]
    cpu = models[0] if models else platform.processor() or platform.machine() or "unknown CPU"
    return f"{cpu}, {os.cpu_count()} cores"
