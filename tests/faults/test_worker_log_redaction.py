"""`xerosync worker` writes its log lines through the same redaction as `xerosync serve`: a line
that carries a credential (a library logging a header, a task's error quoting a request) shows
it blanked. Run as a fresh process, so the command's own logging set-up is what is tested."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import logging
from xerosync.cli import worker as command

def run_worker(settings, **options):
    logging.getLogger("huey").error(
        "task failed: Authorization: Bearer %s refresh_token=%s",
        "abcdefghijklmnop.qrstuvwx",
        "rt-0123456789abcdef",
    )

command.run_worker = run_worker
command.worker(workers=1, periodic=False, log_level="INFO")
"""


def test_the_worker_command_redacts_its_log_lines() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=True
    )
    output = done.stdout + done.stderr
    assert "task failed" in output
    assert "abcdefghijklmnop" not in output
    assert "rt-0123456789abcdef" not in output
