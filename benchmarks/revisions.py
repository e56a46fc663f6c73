"""An earlier revision of BorderWatch, unpacked beside this tree, for side-by-side runs."""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def extract_revision(revision: str, into: Path) -> Path:
    """``git archive`` of ``revision`` unpacked in ``into/before``; returns that folder.

    Run it with ``PYTHONPATH=<folder>/src`` and that folder as the working directory to
    get the earlier code's behaviour in the same session as this tree's.
    """
    archive = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "archive", revision], check=True, capture_output=True
    ).stdout
    tar_path = into / "before.tar"
    tar_path.write_bytes(archive)
    root = into / "before"
    with tarfile.open(tar_path) as tar:
        tar.extractall(root, filter="data")
    tar_path.unlink()
    return root
