import subprocess
import sys


def test_models_and_migrations_agree() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "domain.migrations_check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
