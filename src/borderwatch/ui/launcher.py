"""Start the BorderWatch server: ``python -m borderwatch.ui.launcher [streamlit options]``.

Same as ``streamlit run app.py``, with one difference, kept here and nowhere else.
Streamlit still treats a folder named ``pages/`` beside the entrypoint as a legacy
multipage app until the first script run calls ``st.navigation``; a deep link such as
``/sources`` opened as the first request after a start then shows a "Page not found" dialog.
The product keeps its page scripts in ``pages/`` and Streamlit (1.67) has no option to say
"navigation is defined by the entrypoint" up front, so :func:`declare_app_navigation` sets
the internal flag that ``st.navigation`` itself sets on its first call.
``tests/test_launcher.py`` fails loudly if a Streamlit upgrade moves that flag.
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.web import cli

from borderwatch import paths
from borderwatch.app import warmup
from borderwatch.config import ConfigError, Settings, settings
from borderwatch.team.identity import load_roles_file

#: Streamlit options a team server always runs with, whatever else is given: XSRF tokens
#: checked, cross-origin requests refused (Streamlit's "CORS protection"), no allowed
#: foreign origins.
TEAM_SERVER_OPTIONS = (
    "--server.enableXsrfProtection",
    "true",
    "--server.enableCORS",
    "true",
)


def declare_app_navigation() -> None:
    """Tell Streamlit that ``app.py`` defines navigation with ``st.navigation`` (what its
    first call would do), so ``pages/`` is never run as a legacy multipage folder."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def sign_in_setup_problems(options: list[str]) -> list[str]:
    """What stops sign-in from working on a team server started with ``options``: the
    ``[auth]`` secrets (read where Streamlit reads them) and the identity provider."""
    from streamlit import config as streamlit_config
    from streamlit.runtime.secrets import secrets_singleton

    from borderwatch.team.signin_setup import listen_port, sign_in_problems

    try:
        found = secrets_singleton.load_if_toml_exists()
        auth = secrets_singleton.get("auth") if found else None
    except Exception as error:  # a malformed secrets file
        return [f"the secrets file cannot be read ({error})."]
    port = listen_port(options, default=int(streamlit_config.get_option("server.port")))
    return sign_in_problems(dict(auth) if auth else None, port)


def streamlit_options(configured: Settings, options: list[str]) -> list[str]:
    """The options Streamlit runs with: the upload limit from the configuration, the
    operator's options, and on a team server the safety options last (they win)."""
    # The browser's upload limit follows the configured import limit (options given on
    # the command line come later and win, except on a team server).
    upload_limit = ["--server.maxUploadSize", str(configured.max_import_mb)]
    if not configured.auth:
        return [*upload_limit, *options]
    return [*options, *upload_limit, *TEAM_SERVER_OPTIONS]


def _check_team_database(url: str) -> None:
    """Team mode: stop at once, saying what to do, when the database is unreachable or not
    migrated (rather than serving pages that can only show that error)."""
    from borderwatch.errors import DataFileError
    from borderwatch.team.db.engine import check_ready

    try:
        check_ready(url)
    except (ConfigError, DataFileError) as error:
        remedy = getattr(error, "remedy", "")
        sys.exit(
            f"BorderWatch cannot start: {error}" + (f"\nWhat to do: {remedy}" if remedy else "")
        )


def main(argv: list[str] | None = None) -> None:
    """Run ``app.py`` with the given Streamlit options (e.g. ``--server.port 8502``)."""
    options = sys.argv[1:] if argv is None else argv
    try:
        configured = settings()
        if configured.auth and configured.roles_file.strip():
            load_roles_file(Path(configured.roles_file).expanduser())  # names what is wrong
        if configured.auth and (problems := sign_in_setup_problems(options)):
            raise ConfigError("sign-in cannot work: " + " ".join(problems))
    except ConfigError as error:  # an operator's mistake: say so before serving anything
        sys.exit(f"BorderWatch cannot start: {error}")
    if configured.database_url:
        _check_team_database(configured.database_url)
    declare_app_navigation()
    warmup.start()
    app = str(paths.REPO_ROOT / "app.py")
    sys.argv = ["streamlit", "run", app, *streamlit_options(configured, options)]
    cli.main()


if __name__ == "__main__":
    main()
