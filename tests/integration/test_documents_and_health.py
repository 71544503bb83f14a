"""Served documents, Swagger UI and health endpoints (docs/requirements.md#v3, #v4)."""

from __future__ import annotations

from pathlib import Path

from hirebridge.contract.bundle import load_bundled
from hirebridge.documents import OPENAPI_DIR
from tests.support.apps import Api, make_settings
from tests.support.live import free_port


def test_swagger_json_is_the_v1_document(api: Api) -> None:
    response = api.get("/swagger/v1/swagger.json")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == load_bundled(OPENAPI_DIR / "v1.yaml")
    assert [server["url"] for server in response.json()["servers"]] == ["/api/v1"]


def test_swagger_ui_page_and_its_assets_are_served_locally(api: Api) -> None:
    page = api.get("/swagger/v1/")
    assert page.status_code == 200
    assert "/swagger/v1/swagger.json" in page.text
    assert "http://" not in page.text and "https://" not in page.text, "no external CDN"
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"):
        response = api.get(f"/swagger/assets/{asset}")
        assert response.status_code == 200 and len(response.content) > 1000
    assert api.get("/swagger/assets/..%2Fsecrets").status_code == 404
    # /swagger opens the newest version's UI.
    redirect = api.get("/swagger", follow_redirects=False)
    assert redirect.status_code in {302, 307} and redirect.headers["location"] == "/swagger/v2/"


def test_unknown_document_is_404(api: Api) -> None:
    assert api.get("/swagger/v9/swagger.json").status_code == 404


def test_health_endpoints(api: Api) -> None:
    live = api.get("/healthz/live")
    ready = api.get("/healthz/ready")
    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": True, "redis": True}}


def test_ready_is_503_when_redis_is_down(postgresql_url: str, tmp_path: Path) -> None:
    from hirebridge.app import create_app
    from storage import db

    previous = db.current()
    try:
        app = create_app(
            make_settings(postgresql_url, f"redis://127.0.0.1:{free_port()}/0", tmp_path)
        )
        with app.test_client() as client:
            ready = client.get("/healthz/ready")
            live = client.get("/healthz/live")
    finally:
        db.use(previous)
    assert ready.status_code == 503
    assert ready.json()["code"] == "unavailable"
    assert ready.json()["checks"] == {"database": True, "redis": False}
    assert live.status_code == 200
