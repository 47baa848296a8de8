"""The console's assets at /console (single-page fallback, a clear page when not built), the bundled
GraphiQL on the API's GraphiQL route, and the generated GraphQL types in step with schema.graphql."""

from __future__ import annotations

import filecmp
import os
import re
import subprocess
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from infra.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "console"


def _client(monkeypatch: pytest.MonkeyPatch, directory: Path) -> httpx.AsyncClient:
    monkeypatch.setenv("MENTORMATCH_CONSOLE_DIR", str(directory))
    app = create_app(Settings(database_url="sqlite://:memory:"), manage_database=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


def _built(folder: Path) -> Path:
    (folder / "assets").mkdir(parents=True)
    (folder / "graphiql").mkdir()
    (folder / "index.html").write_text("<!doctype html><title>console index</title>")
    (folder / "assets" / "main.js").write_text("console.log('main')")
    (folder / "graphiql" / "index.html").write_text("<!doctype html><title>bundled graphiql</title>")
    return folder


async def test_the_console_is_served_with_a_single_page_fallback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with _client(monkeypatch, _built(tmp_path / "dist")) as http:
        assert "console index" in (await http.get("/console/")).text
        deep = await http.get("/console/mentor/3")  # a reload of a console page
        assert deep.status_code == 200 and "console index" in deep.text
        asset = await http.get("/console/assets/main.js")
        assert asset.status_code == 200 and "javascript" in asset.headers["content-type"]
        assert (await http.get("/console/assets/gone.js")).status_code == 404  # no HTML for a lost asset
        assert "bundled graphiql" in (await http.get("/console/graphiql/")).text


async def test_an_unbuilt_console_says_how_to_build_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with _client(monkeypatch, tmp_path / "nothing") as http:
        for path in ("/console/", "/console/staff"):
            page = await http.get(path)
            assert page.status_code == 503
            assert "scripts/console-setup" in page.text
        ide = await http.get("/graphql", headers={"accept": "text/html"})
        assert ide.status_code == 503 and "GraphiQL is not built" in ide.text


async def test_the_graphiql_route_serves_the_bundled_page(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with _client(monkeypatch, _built(tmp_path / "dist")) as http:
        page = await http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "bundled graphiql" in page.text


def test_the_built_graphiql_loads_nothing_from_elsewhere() -> None:
    page = (CONSOLE / "dist" / "graphiql" / "index.html").read_text()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources, page
    assert all(s.startswith("/console/") or s.startswith("data:") for s in sources), sources


def test_the_generated_types_match_schema_graphql(tmp_path: Path) -> None:
    out = tmp_path / "gql"
    subprocess.run(
        ["npx", "--no-install", "graphql-codegen", "--config", "codegen.ts", "--silent"],
        cwd=CONSOLE,
        env={**os.environ, "CODEGEN_OUT": f"{out}/"},
        check=True,
        capture_output=True,
    )
    committed = CONSOLE / "src" / "gql"
    names = sorted(p.name for p in committed.iterdir())
    assert names == sorted(p.name for p in out.iterdir())
    _, mismatch, errors = filecmp.cmpfiles(committed, out, names, shallow=False)
    assert mismatch == errors == [], (
        f"console/src/gql is out of step: cd console && npm run codegen ({mismatch})"
    )
