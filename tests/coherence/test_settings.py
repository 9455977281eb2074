"""Settings: production variables pass Django's deployment check; bad values fail loudly."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

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


ROOM_SETTINGS = (
    "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in "
    "('DEBUG', 'ALLOWED_HOSTS', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', "
    "'SECURE_HSTS_SECONDS', 'SECRET_KEY')}))"
)


def room_env(tmp_path) -> dict[str, str]:
    return {
        "ROOM": "true",
        "COHERENCE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/room.sqlite3",
    }


def test_the_room_profile_serves_plain_http_to_the_lan_with_its_own_secret_key(tmp_path):
    import json

    from assessments.room import lan_addresses

    result = manage("shell", "-v0", "-c", ROOM_SETTINGS, env=room_env(tmp_path))
    assert result.returncode == 0, result.stderr
    room = json.loads(result.stdout)
    assert room["DEBUG"] is False
    assert not room["SESSION_COOKIE_SECURE"] and not room["CSRF_COOKIE_SECURE"]
    assert not room["SECURE_SSL_REDIRECT"] and room["SECURE_HSTS_SECONDS"] == 0
    assert set(lan_addresses()) <= set(room["ALLOWED_HOSTS"]) and "localhost" in room["ALLOWED_HOSTS"]
    key = tmp_path / "secret_key"
    assert key.read_text().strip() == room["SECRET_KEY"] and oct(key.stat().st_mode & 0o777) == "0o600"
    again = json.loads(manage("shell", "-v0", "-c", ROOM_SETTINGS, env=room_env(tmp_path)).stdout)
    assert again["SECRET_KEY"] == room["SECRET_KEY"]  # kept: sessions survive a restart


def test_the_room_profile_states_its_trade_off_in_the_deployment_check(tmp_path):
    assert manage("migrate", "-v0", env=room_env(tmp_path)).returncode == 0
    result = manage("check", "--deploy", env=room_env(tmp_path))
    output = result.stdout + result.stderr
    # Plain HTTP on the room's network: exactly the warnings about HTTPS and secure cookies.
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in output
    assert "SECRET_KEY" not in output and "ALLOWED_HOSTS" not in output


def test_a_room_server_on_all_interfaces_answers_phones_on_its_lan_address(tmp_path):
    import socket
    import time
    import urllib.error
    import urllib.request

    from assessments.room import lan_addresses

    addresses = lan_addresses()
    if not addresses:
        pytest.skip("this machine is on no network but loopback")
    lan = addresses[0]
    env = room_env(tmp_path)
    assert manage("migrate", "-v0", env=env).returncode == 0
    assert manage("collectstatic", "--noinput", "-v0", env=env).returncode == 0  # as scripts/workshop.sh
    with socket.socket() as probe:
        probe.bind(("0.0.0.0", 0))
        port = probe.getsockname()[1]
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "coherence.wsgi",
            "--bind",
            f"0.0.0.0:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env={**base, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://{lan}:{port}/en/workshop/"
        for _ in range(100):
            try:
                page = urllib.request.urlopen(url, timeout=2)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        else:
            pytest.fail(f"the server did not answer on {url}")
        html = page.read().decode()
        assert page.status == 200 and "Join a workshop session" in html
        # Static files come compressed (brotli for a browser that accepts it) and cached for good.
        css = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]+\.css)"', html).group(1)
        request = urllib.request.Request(f"http://{lan}:{port}{css}", headers={"Accept-Encoding": "br, gzip"})
        with urllib.request.urlopen(request, timeout=10) as static:
            static.read()  # a sync worker serves one connection at a time: finish this one
        assert static.headers["Content-Encoding"] == "br"
        assert "immutable" in static.headers["Cache-Control"]
        # A name this machine does not have is still refused (Host header checks stay on).
        forged = urllib.request.Request(url, headers={"Host": "attacker.example"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(forged, timeout=2)
        assert refused.value.code == 400
    finally:
        server.terminate()
        server.wait(timeout=10)
    printed = manage("workshop", "--port", str(port), "--no-qr", env=env)
    assert f"http://{lan}:{port}/en/workshop/" in printed.stdout and "localhost" not in printed.stdout
