"""worker.py's command line: the periodic-job switch and its errors."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rq import Queue

ROOT = Path(__file__).resolve().parent.parent


def run_worker(app, *args, timeout=60):
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "REDIS_URL": app.config["REDIS_URL"]}
    return subprocess.run([sys.executable, str(ROOT / "worker.py"), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def test_burst_without_periodic_jobs_drains_the_queues_and_exits(app, redis):
    job = Queue("default", connection=redis).enqueue("gridops.dispatch.tasks.sweep_job",
                                                      result_ttl=60)
    result = run_worker(app, "--burst", "--periodic", "off")
    assert result.returncode == 0, result.stderr
    job.refresh()
    assert job.is_finished


@pytest.mark.parametrize("args, message", [
    (["--periodic", "sometimes"], "invalid choice: 'sometimes'"),
    (["--workers", "many"], "invalid int value: 'many'"),
])
def test_bad_arguments_exit_non_zero_naming_the_problem(app, args, message):
    result = run_worker(app, *args)
    assert result.returncode == 2
    assert message in result.stderr
