"""tools/compare_peers.py runs where no peer library can be imported, and says so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tools" / "compare_peers.py"
PEERS = ("keras", "torch", "jax", "flax", "haiku")
LABELS = ("Keras", "PyTorch", "JAX", "Flax", "Haiku")

# Run the script with an import hook that makes every peer unimportable, installed or not.
RUNNER = """
import runpy, sys

class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {peers!r}:
            raise ImportError(f"{{name}} is blocked for this test")
        return None

sys.meta_path.insert(0, Blocked())
sys.argv = [{script!r}, "--markdown", {markdown!r}]
runpy.run_path({script!r}, run_name="__main__")
"""


def test_every_peer_is_reported_skipped_and_the_run_succeeds(tmp_path: Path) -> None:
    markdown = tmp_path / "peers.md"
    code = RUNNER.format(peers=set(PEERS), script=str(SCRIPT), markdown=str(markdown))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for label in LABELS:
        assert f"{label}: skipped (ImportError" in done.stdout, done.stdout
    assert "cases:" not in done.stdout  # no case ran
    page = markdown.read_text(encoding="utf-8")
    assert page.startswith("# weightinit and its peers")
    assert all(f"- {label}: skipped" in page for label in LABELS)
