"""The web client's committed API types (web/src/api/schema.d.ts) are those of the document the
app serves now: regenerated here with the client's own command (web/scripts/api-types.mjs, run
by ``npm run api:types``) from ``/api/openapi.json`` and compared. A change of the API that the
types miss fails here; ``npm run api:types`` in web/ fixes it.

Node is on every machine that builds the site (``make run`` and ``make test`` need it); its
modules come from web/package-lock.json (``npm ci``, run here when they are missing).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"
COMMITTED = WEB / "src" / "api" / "schema.d.ts"


def ensure_node_modules() -> None:
    assert shutil.which("node") and shutil.which("npm"), "Node.js is missing: `apt-get install nodejs npm`"
    if not (WEB / "node_modules" / "openapi-typescript").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=WEB, check=True, timeout=600,
                       capture_output=True)


def test_committed_types_match_the_served_document(client, tmp_path):
    ensure_node_modules()
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(client.get("/api/openapi.json").json))
    generated = tmp_path / "schema.d.ts"
    run = subprocess.run(["node", WEB / "scripts" / "api-types.mjs", document, generated], cwd=WEB,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert generated.read_text() == COMMITTED.read_text(), (
        "web/src/api/schema.d.ts is stale: run `npm run api:types` in web/ and commit it")
