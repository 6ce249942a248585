"""A real OpenID Connect provider for the tests: npm's `oidc-provider` run by Node on loopback.

`OidcProvider` writes a generated config (issuer, signing keys, clients, accounts), starts
`provider/server.js` on a free port and stops it afterwards. `npm ci` installs the provider
into `provider/node_modules` the first time (a lock keeps two pytest workers from doing it
at once). `sign_in_at_provider` plays the browser at the provider's sign-in form.
"""

from __future__ import annotations

import fcntl
import json
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from joserfc.jwk import RSAKey

PROVIDER_DIR = Path(__file__).resolve().parent / "provider"
CLIENT_ID = "training-app"
CLIENT_SECRET = "a-test-client-secret-" + "x" * 20
OTHER_CLIENT_ID = "another-app"
PASSWORD = "provider password"


def ensure_installed() -> None:
    """`npm ci` into the tests' own folder, once (Node 20 and npm are on the machines)."""
    if (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        return
    if shutil.which("npm") is None:
        raise RuntimeError("npm is needed for the sign-in tests (Node 20's npm)")
    with (PROVIDER_DIR / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
            subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=PROVIDER_DIR,
                check=True,
                capture_output=True,
            )


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def new_key(kid: str) -> dict[str, Any]:
    """A fresh RSA signing key (private JWK) with this key id."""
    key = RSAKey.generate_key(
        2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"}, private=True
    )
    return dict(key.as_dict(private=True))


def account(email: str, *, amr: list[str] | None = None, verified: bool = True) -> dict[str, Any]:
    """A person at the provider: their claims and how they are said to have signed in."""
    return {
        "sub": "sub-" + secrets.token_hex(6),
        "password": PASSWORD,
        "amr": amr or ["pwd"],
        "claims": {"email": email, "email_verified": verified, "name": email.split("@")[0]},
    }


@dataclass
class OidcProvider:
    """One running provider: `issuer` is its address, `accounts` are keyed by email."""

    workdir: Path
    redirect_uris: list[str]
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    keys: list[dict[str, Any]] = field(default_factory=lambda: [new_key("key-1")])
    port: int = field(default_factory=free_port)
    id_token_seconds: int = 3600
    process: subprocess.Popen[bytes] | None = None

    @property
    def issuer(self) -> str:
        """The provider's issuer address."""
        return f"http://127.0.0.1:{self.port}"

    def _config(self) -> dict[str, Any]:
        client = {
            "client_secret": CLIENT_SECRET,
            "redirect_uris": self.redirect_uris,
            "post_logout_redirect_uris": [],
        }
        return {
            "issuer": self.issuer,
            "port": self.port,
            "jwks": {"keys": self.keys},
            "cookieKeys": [secrets.token_hex(16)],
            "idTokenTtl": self.id_token_seconds,
            "clients": [
                {"client_id": CLIENT_ID, **client},
                {"client_id": OTHER_CLIENT_ID, **client},
            ],
            "accounts": self.accounts,
        }

    def start(self) -> OidcProvider:
        """Write the config and start Node; return once discovery answers."""
        ensure_installed()
        config = self.workdir / f"provider-{self.port}.json"
        config.write_text(json.dumps(self._config()))
        with (self.workdir / f"provider-{self.port}.log").open("ab") as log:
            self.process = subprocess.Popen(
                ["node", "server.js", str(config)], cwd=PROVIDER_DIR, stdout=log, stderr=log
            )
        deadline = time.monotonic() + 20
        url = self.issuer + "/.well-known/openid-configuration"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log())
            try:
                with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the OpenID provider did not start:\n" + self.log())

    def log(self) -> str:
        """What Node printed."""
        return (self.workdir / f"provider-{self.port}.log").read_text()

    def stop(self) -> None:
        """Stop Node (the provider is then down: its port refuses connections)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def rotate_keys(self) -> None:
        """Restart signing with a new key (the old one dropped), on the same address."""
        self.stop()
        self.keys = [new_key("key-" + secrets.token_hex(4))]
        self.start()


def sign_in_at_provider(
    authorize_url: str, email: str, password: str = PASSWORD, *, stop_at: str
) -> str:
    """Follow the provider's pages as a browser would; return the URL it sends back to.

    `stop_at` is the app's redirect URI: the first redirect there is returned, not followed.
    """
    with requests.Session() as browser:
        url = authorize_url
        for _ in range(10):
            if url.startswith(stop_at):
                return url
            response = browser.get(url, allow_redirects=False, timeout=10)
            if response.status_code in (302, 303):
                url = urljoin(url, response.headers["Location"])
                continue
            assert response.status_code == 200, response.text
            path = urlsplit(url).path
            assert path.startswith("/interaction/"), response.text
            form = browser.post(
                url,
                data={"login": email, "password": password},
                allow_redirects=False,
                timeout=10,
            )
            assert form.status_code in (302, 303), form.text
            url = urljoin(url, form.headers["Location"])
        raise AssertionError(f"no redirect back to the app from {authorize_url}")
