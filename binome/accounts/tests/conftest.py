import pytest

from binome.accounts.sso import allowed_domains, providers_from_env

from .fake_oidc import FakeOIDCProvider


@pytest.fixture(scope="module")
def oidc_server():
    server = FakeOIDCProvider().start()
    yield server
    server.stop()


@pytest.fixture
def sso_settings(settings, monkeypatch):
    """Apply SSO_* variables as settings.py would read them at start-up."""
    # allauth's HTTP client must reach the loopback provider directly.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")

    def configure(env: dict[str, str]) -> None:
        settings.SOCIALACCOUNT_PROVIDERS = providers_from_env(env)
        settings.SSO_ALLOWED_DOMAINS = allowed_domains(env)

    return configure


@pytest.fixture
def oidc(oidc_server, sso_settings):
    """The fake provider, configured; each test sets who logs in."""
    oidc_server.claims = {}
    sso_settings(oidc_server.env())
    return oidc_server
