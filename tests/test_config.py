import pytest

from coachhub import create_app
from config import DevelopmentConfig, ProductionConfig


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
