import os

import pytest

from coachhub import create_app
from config import DEV_SECRET_KEY, Config, DevelopmentConfig, ProductionConfig


def test_production_refuses_to_start_without_secret_and_database(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY, DATABASE_URL"):
        create_app(ProductionConfig)


def test_production_starts_with_them_and_has_no_dev_pages(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite'}")

    class Prod(ProductionConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'p.sqlite'}"

    app = create_app(Prod)
    assert "dev.outbox" not in app.view_functions
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_development_shows_the_outbox():
    assert DevelopmentConfig.DEV_OUTBOX is True


def test_unset_environment_means_production(monkeypatch):
    monkeypatch.delenv("COACHHUB_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="Production needs"):
        create_app()


def test_unknown_environment_is_refused(monkeypatch):
    monkeypatch.setenv("COACHHUB_ENV", "staging-ish")
    with pytest.raises(RuntimeError, match="COACHHUB_ENV"):
        create_app()


def test_production_refuses_the_development_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", DEV_SECRET_KEY)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite'}")
    with pytest.raises(RuntimeError, match="development key"):
        create_app(ProductionConfig)


def test_only_development_has_the_known_secret(monkeypatch):
    assert DevelopmentConfig.SECRET_KEY in {DEV_SECRET_KEY, os.environ.get("SECRET_KEY")}
    assert Config.SECRET_KEY != DEV_SECRET_KEY


def _production_app(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite'}")

    class Prod(ProductionConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'p.sqlite'}"
        DEV_OUTBOX = True  # even when asked for, production never mounts it

    return create_app(Prod)


def test_production_never_mounts_the_outbox(monkeypatch, tmp_path):
    app = _production_app(monkeypatch, tmp_path)
    assert "dev.outbox" not in app.view_functions
    assert app.test_client().get("/dev/outbox").status_code == 404


def test_seed_demo_refuses_production(monkeypatch, tmp_path):
    app = _production_app(monkeypatch, tmp_path)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "refuses production" in result.output


def test_outbox_answers_only_this_machine(client):
    assert client.get("/dev/outbox").status_code == 200
    away = client.get("/dev/outbox", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert away.status_code == 404
    assert client.get("/dev/outbox", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
