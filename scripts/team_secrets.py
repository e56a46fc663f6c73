"""Write the sign-in secrets of a team server: ``python scripts/team_secrets.py [options]``.

Creates ``.streamlit/secrets.toml`` (git-ignored: nothing secret is committed) with the
``[auth]`` section ``st.login`` reads, and a freshly generated ``cookie_secret``. Defaults
suit the development provider (``scripts/dev_oidc.py``) and ``make run``; for a real provider
give its metadata address and the client registered there::

    python scripts/team_secrets.py --redirect-uri https://borderwatch.example.org/oauth2callback \
        --metadata-url https://login.example.org/realms/x/.well-known/openid-configuration \
        --client-id borderwatch --client-secret "$CLIENT_SECRET"

An existing file is kept unless ``--force`` is given.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def secrets_toml(
    *, redirect_uri: str, metadata_url: str, client_id: str, client_secret: str
) -> str:
    """The ``[auth]`` section with a new random cookie secret (32 bytes, URL-safe)."""
    values = {
        "redirect_uri": redirect_uri,
        "cookie_secret": secrets.token_urlsafe(32),
        "client_id": client_id,
        "client_secret": client_secret,
        "server_metadata_url": metadata_url,
    }
    lines = [f"{key} = {_quoted(value)}" for key, value in values.items()]
    return "# Written by scripts/team_secrets.py. Secret: never commit this file.\n[auth]\n" + (
        "\n".join(lines) + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    """Write the file; 1 if it exists and ``--force`` was not given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", type=Path, default=REPO_ROOT / ".streamlit" / "secrets.toml")
    parser.add_argument("--redirect-uri", default="http://127.0.0.1:8501/oauth2callback")
    parser.add_argument(
        "--metadata-url", default="http://127.0.0.1:9400/.well-known/openid-configuration"
    )
    parser.add_argument("--client-id", default="borderwatch-dev")
    parser.add_argument("--client-secret", default="dev-secret")
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    args = parser.parse_args(argv)
    if args.path.exists() and not args.force:
        print(f"{args.path} exists; kept (give --force to replace it).", file=sys.stderr)
        return 1
    args.path.parent.mkdir(parents=True, exist_ok=True)
    text = secrets_toml(
        redirect_uri=args.redirect_uri,
        metadata_url=args.metadata_url,
        client_id=args.client_id,
        client_secret=args.client_secret,
    )
    args.path.write_text(text, encoding="utf-8")
    args.path.chmod(0o600)
    print(f"Wrote {args.path} (sign-in secrets; git-ignored).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
