"""The `eventhub` command as an operator runs it: in its own process, on a fresh database."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from eventhub.app import create_app
from eventhub.domain.tokens import token_digest
from eventhub.settings import Settings
from tests.conftest import FIXTURES


def run(db_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EVENTHUB_DATABASE_URL": f"sqlite+aiosqlite:///{db_file}", "EVENTHUB_SECRET_KEY": "cli-test"}
    return subprocess.run(
        [sys.executable, "-m", "eventhub", *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "cli.db"
    result = run(path, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    return path


async def test_load_then_token_create_gives_a_working_scoped_token(db_file: Path) -> None:
    loaded = run(db_file, "load", str(FIXTURES / "bishkek-2026.json"), "--start", "2027-02-01")
    assert loaded.returncode == 0, loaded.stderr
    created = run(db_file, "token", "create", "--name", "Ira", "--mission", "lv-it-cluster-bishkek-2026")
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("eho_") and len(token) > 40

    everything = "\n".join(sqlite3.connect(db_file).iterdump())
    assert token not in everything
    assert token_digest(token) in everything  # only the digest is stored

    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{db_file}", registration_rate_limit="off",
        allowed_hosts=["testserver.local"], secret_key="cli-test", mail_sender=False,
    )
    async with AsyncTestClient(app=create_app(settings)) as client:
        mission = (await client.get("/api/missions/lv-it-cluster-bishkek-2026")).json()
        assert mission["starts_on"] == "2027-02-01"
        ok = await client.patch(
            "/api/missions/lv-it-cluster-bishkek-2026", json={"summary": "Updated"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert ok.status_code == 200


def test_token_needs_exactly_one_scope(db_file: Path) -> None:
    assert run(db_file, "token", "create", "--name", "x").returncode != 0
    assert run(db_file, "token", "create", "--name", "x", "--all", "--mission", "m").returncode != 0
    unknown = run(db_file, "token", "create", "--name", "x", "--mission", "no-such-mission")
    assert unknown.returncode != 0
    assert "mission_not_found" in unknown.stderr


def test_loading_the_same_mission_twice_is_refused_without_replace(db_file: Path) -> None:
    fixture = str(FIXTURES / "bishkek-2026.json")
    assert run(db_file, "load", fixture).returncode == 0
    again = run(db_file, "load", fixture)
    assert again.returncode != 0 and "slug_taken" in again.stderr
    assert run(db_file, "load", fixture, "--replace").returncode == 0


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda f: f["sessions"][2].update(venue="no-such-hall"), "sessions[2]"),
        (lambda f: f["sessions"][1].update(kind="lecture"), "sessions[1].kind"),
        (lambda f: f["sessions"][3]["speakers"].append({"person": "nobody"}), "speakers"),
        (lambda f: f["venues"][0].update(timezone="Mars/Olympus"), "venues[0]"),
        (lambda f: f["sessions"][4].update(starts_at="2030-01-01T10:00", ends_at="2030-01-01T11:00"), "sessions[4]"),
        (lambda f: f["mission"].update(organiser_name="Eve\r\nBcc: x@example.org"), "mission.organiser_name"),
    ],
)
def test_a_bad_file_names_its_entry_and_field_and_loads_nothing(
    db_file: Path, tmp_path: Path, change: Any, named: str
) -> None:
    content = json.loads((FIXTURES / "bishkek-2026.json").read_text())
    change(content)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(content))
    result = run(db_file, "load", str(bad))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert named in result.stderr and "Nothing was loaded" in result.stderr, result.stderr
    assert sqlite3.connect(db_file).execute("SELECT count(*) FROM mission").fetchone() == (0,)


def test_help_lists_every_command(db_file: Path) -> None:
    out = run(db_file, "--help").stdout
    for command in ("demo", "serve", "db", "load", "token"):
        assert command in out


async def test_organiser_create_from_stdin_signs_in_and_tokens_are_listed_and_revoked(db_file: Path) -> None:
    loaded = run(db_file, "load", str(FIXTURES / "bishkek-2026.json"), "--start", "2027-02-01")
    assert loaded.returncode == 0, loaded.stderr
    env = {**os.environ, "EVENTHUB_DATABASE_URL": f"sqlite+aiosqlite:///{db_file}", "EVENTHUB_SECRET_KEY": "cli-test"}
    command = [sys.executable, "-m", "eventhub", "organiser", "create", "--email", "Ira@Example.lv",
               "--name", "Ira Raciņa", "--mission", "lv-it-cluster-bishkek-2026", "--role", "editor", "--password-stdin"]
    created = subprocess.run(command, env=env, input="Tien Shan at dawn\n", capture_output=True, text=True, timeout=120)
    assert created.returncode == 0, created.stderr
    assert "Tien Shan" not in created.stdout + created.stderr
    weak = subprocess.run([*command[:6], "other@example.lv", *command[7:]], env=env, input="password123\n",
                          capture_output=True, text=True, timeout=120)
    assert weak.returncode != 0 and "password_too_common" in weak.stderr
    everything = "\n".join(sqlite3.connect(db_file).iterdump())
    assert "Tien Shan at dawn" not in everything

    token = run(db_file, "token", "create", "--name", "Consulate", "--mission", "lv-it-cluster-bishkek-2026",
                "--role", "viewer").stdout.strip().splitlines()[-1]
    listed = run(db_file, "token", "list")
    assert listed.returncode == 0, listed.stderr
    line = next(line for line in listed.stdout.splitlines() if "Consulate" in line)
    assert "viewer" in line and "active" in line and token not in listed.stdout
    token_id = line.split("\t")[0]
    assert run(db_file, "token", "revoke", token_id).returncode == 0
    assert "revoked" in next(line for line in run(db_file, "token", "list").stdout.splitlines() if "Consulate" in line)

    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{db_file}", registration_rate_limit="off",
        allowed_hosts=["testserver.local"], secret_key="cli-test", mail_sender=False,
    )
    async with AsyncTestClient(app=create_app(settings)) as client:
        refused = await client.get("/api/missions/lv-it-cluster-bishkek-2026/registrations",
                                   headers={"Authorization": f"Bearer {token}"})
        assert refused.status_code == 401
        page = await client.get("/organise/sign-in")
        csrf = page.text.split('name="_csrf_token" value="')[1].split('"')[0]
        signed = await client.post("/organise/sign-in", follow_redirects=False, data={
            "email": "ira@example.lv", "password": "Tien Shan at dawn", "next": "/organise", "_csrf_token": csrf})
        assert signed.status_code == 303
        home = await client.get("/organise")
        assert "Ira Raciņa" in home.text and "Editor" in home.text
