"""Settings: production variables pass Django's deployment check; bad values fail loudly."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a" * 20 + "-production-secret-key-with-enough-entropy-9f8e7d6c5b4a",
    "ALLOWED_HOSTS": "coherence.example.org",
    "DATABASE_URL": "sqlite:////tmp/coherence-deploy-check.sqlite3",
    "CACHE_URL": "db://coherence_cache",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


def test_deployment_check_reports_nothing_with_production_variables():
    assert manage("migrate", "-v0", env=PRODUCTION).returncode == 0
    assert manage("createcachetable", env=PRODUCTION).returncode == 0
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_refuses_to_start():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_malformed_boolean_names_the_variable():
    result = manage("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'maybe'" in result.stderr


def test_production_without_a_shared_cache_refuses_to_start():
    env = {**PRODUCTION, "CACHE_URL": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "CACHE_URL must be set when DEBUG is off" in result.stderr


def test_a_cache_that_does_not_answer_fails_the_deployment_check():
    env = {**PRODUCTION, "CACHE_URL": "redis://127.0.0.1:1/0"}
    result = manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "coherence.E001" in result.stderr + result.stdout


def test_a_local_memory_cache_in_production_is_flagged():
    env = {**PRODUCTION, "CACHE_URL": "locmem://"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "coherence.W001" in result.stderr + result.stdout
