"""The deployment files in deploy/ agree with the code they start."""
import re
import shlex
import subprocess
import sys
from pathlib import Path

from gridops import config

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def test_the_example_environment_sets_only_settings_that_exist():
    known = {s.env for s in config.SETTINGS} | {"WEB_CONCURRENCY", "GUNICORN_CMD_ARGS"}
    names = [line.split("=", 1)[0] for line in (DEPLOY / "gridops.env.example").read_text()
             .splitlines() if line and not line.startswith("#")]
    assert names and set(names) <= known, set(names) - known


def test_every_unit_runs_a_command_line_the_programs_accept():
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        text = unit.read_text().replace("\\\n", " ")
        command = shlex.split(re.search(r"^ExecStart=(.*)$", text, re.M).group(1))
        program = Path(command[0]).name
        if program == "python":
            script, *args = command[1:]
            check = [sys.executable, str(ROOT / script), *args, "--help"]
        else:
            assert program == "gunicorn", unit
            check = [str(Path(sys.executable).with_name("gunicorn")), *command[1:], "--check-config"]
        result = subprocess.run(check, cwd=ROOT, capture_output=True, text=True, timeout=60,
                                env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "x"})
        assert result.returncode == 0, f"{unit.name}: {result.stderr}"


def test_nginx_accepts_a_body_as_large_as_the_app_does():
    conf = (DEPLOY / "nginx" / "gridops.conf").read_text()
    size = re.search(r"client_max_body_size (\d+)m;", conf).group(1)
    app_limit = int(next(s.default for s in config.SETTINGS if s.env == "GRIDOPS_MAX_BODY_BYTES"))
    assert int(size) * 1024 * 1024 >= app_limit
