"""Start-up checks of a team server's sign-in set-up, so that an operator's mistake stops the
launcher with a sentence saying what to fix, instead of a sign-in button that fails later.

Checked: the ``[auth]`` section of Streamlit's secrets (``.streamlit/secrets.toml``) has what
``st.login`` needs, its cookie secret is long enough, its ``redirect_uri`` names the port the
server listens on, and the identity provider answers with its OpenID configuration. Nothing
here imports Streamlit.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from urllib.parse import urlparse

#: Keys ``st.login()`` needs in ``[auth]`` for the default provider.
REQUIRED_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret")
#: Shortest cookie secret accepted (characters of a generated URL-safe token: 32 bytes).
MIN_COOKIE_SECRET = 32
SECRETS_HINT = (
    "Run `python scripts/team_secrets.py` to write .streamlit/secrets.toml, or see "
    '"Team mode: sign-in" in the README.'
)


def _metadata_url(auth: Mapping[str, object]) -> str:
    return str(auth.get("server_metadata_url") or "")


def section_problems(auth: Mapping[str, object] | None, port: int) -> list[str]:
    """What is wrong with the ``[auth]`` secrets for a server listening on ``port``."""
    if not auth:
        return [
            "sign-in is on (BORDERWATCH_AUTH) but the secrets have no [auth] section. "
            + SECRETS_HINT
        ]
    problems = [
        f"[auth] has no {key}. {SECRETS_HINT}" for key in REQUIRED_KEYS if not auth.get(key)
    ]
    if not _metadata_url(auth):
        problems.append(
            "[auth] has no server_metadata_url: give the provider's "
            "/.well-known/openid-configuration address."
        )
    secret = str(auth.get("cookie_secret") or "")
    if secret and len(secret) < MIN_COOKIE_SECRET:
        problems.append(
            f"[auth] cookie_secret is {len(secret)} characters; use at least "
            f"{MIN_COOKIE_SECRET} random ones (scripts/team_secrets.py generates one)."
        )
    redirect = urlparse(str(auth.get("redirect_uri") or ""))
    if redirect.netloc and (redirect.port or 80) != port:
        problems.append(
            f"[auth] redirect_uri {auth['redirect_uri']} names port {redirect.port or 80} but "
            f"the server listens on {port}; make them the same (and open the app at the "
            "redirect_uri's host, exactly)."
        )
    return problems


def provider_problem(metadata_url: str, *, timeout_s: float = 5.0) -> str | None:
    """Why the identity provider at ``metadata_url`` cannot be used, or ``None``."""
    advice = (
        "Start the provider (for development: `python scripts/dev_oidc.py`) or correct "
        "server_metadata_url in .streamlit/secrets.toml."
    )
    try:
        with urllib.request.urlopen(metadata_url, timeout=timeout_s) as response:
            document = json.loads(response.read(1_000_000))
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        return f"the identity provider at {metadata_url} does not answer ({reason}). {advice}"
    except ValueError:
        return f"the identity provider at {metadata_url} did not answer with JSON. {advice}"
    missing = [
        k
        for k in ("issuer", "authorization_endpoint")
        if not isinstance(document, dict) or k not in document
    ]
    if missing:
        return f"{metadata_url} is not an OpenID configuration (no {', '.join(missing)}). {advice}"
    return None


def listen_port(options: Sequence[str], default: int = 8501) -> int:
    """The port Streamlit will listen on, from its command-line options (last one wins)."""
    port = default
    for position, option in enumerate(options):
        if option.startswith("--server.port="):
            port = int(option.split("=", 1)[1])
        elif option == "--server.port" and position + 1 < len(options):
            port = int(options[position + 1])
    return port


def sign_in_problems(auth: Mapping[str, object] | None, port: int) -> list[str]:
    """Everything that stops sign-in from working: the secrets first, then the provider
    (asked only when the secrets name it)."""
    problems = section_problems(auth, port)
    if auth and _metadata_url(auth):
        found = provider_problem(_metadata_url(auth))
        if found:
            problems.append(found)
    return problems
