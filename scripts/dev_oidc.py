"""A development OpenID Connect provider for a local team server: ``python scripts/dev_oidc.py``.

Runs `oidc-provider-mock` (a test provider: it signs in whoever is chosen on its page, with
no password) on 127.0.0.1 only, with three users whose claims exercise every role:

======== ======================== ========= ================================
sub      e-mail                   roles     groups
======== ======================== ========= ================================
viewer   viewer@borderwatch.test  viewer    borderwatch
analyst  analyst@borderwatch.test analyst   borderwatch, acled-licence
admin    admin@borderwatch.test   admin     borderwatch
======== ======================== ========= ================================

``acled-licence`` stands for a licensed group: restrict a dataset to it on the Team page and
only the analyst sees it. Never use this provider for real users: point
``.streamlit/secrets.toml`` at the organisation's provider instead (README, "Team mode").
Stops on Ctrl-C. Needs the test tools (``make setup-dev``: ``oidc-provider-mock``).
"""

from __future__ import annotations

import argparse
import os

#: The development users: sub -> claims (name and e-mail go out with the profile/email scopes
#: Streamlit asks for; roles and groups always go into the ID token).
DEV_USERS: dict[str, dict[str, object]] = {
    "viewer": {
        "email": "viewer@borderwatch.test",
        "name": "Vera Viewer",
        "roles": ["viewer"],
        "groups": ["borderwatch"],
    },
    "analyst": {
        "email": "analyst@borderwatch.test",
        "name": "Anouar Analyst",
        "roles": ["analyst"],
        "groups": ["borderwatch", "acled-licence"],
    },
    "admin": {
        "email": "admin@borderwatch.test",
        "name": "Amina Admin",
        "roles": ["admin"],
        "groups": ["borderwatch"],
    },
}
LICENSED_GROUP = "acled-licence"


def make_server(port: int):
    """The provider as a threaded WSGI server on 127.0.0.1:``port`` (0: any free port)."""
    import oidc_provider_mock
    import werkzeug.serving

    # The provider runs over plain HTTP on the loopback interface only (what the package's
    # own command does): Authlib refuses plain HTTP without this.
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    users = [oidc_provider_mock.User(sub=sub, claims=dict(c)) for sub, c in DEV_USERS.items()]
    provider = oidc_provider_mock.app(user_claims=users)
    return werkzeug.serving.make_server("127.0.0.1", port, provider, threaded=True)


def main() -> None:
    """Start the provider and serve until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9400, help="port on 127.0.0.1 (9400)")
    port = parser.parse_args().port
    server = make_server(port)
    print(
        f"Development OIDC provider on http://127.0.0.1:{server.server_port} "
        f"(metadata: /.well-known/openid-configuration); users: {', '.join(DEV_USERS)}",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
