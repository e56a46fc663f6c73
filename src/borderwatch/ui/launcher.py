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

from streamlit.web import cli

from borderwatch import paths
from borderwatch.app import warmup
from borderwatch.config import ConfigError, settings


def declare_app_navigation() -> None:
    """Tell Streamlit that ``app.py`` defines navigation with ``st.navigation`` (what its
    first call would do), so ``pages/`` is never run as a legacy multipage folder."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


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
    try:
        configured = settings()
    except ConfigError as error:  # an operator's typo: say so before serving anything
        sys.exit(f"BorderWatch cannot start: {error}")
    if configured.database_url:
        _check_team_database(configured.database_url)
    declare_app_navigation()
    warmup.start()
    options = sys.argv[1:] if argv is None else argv
    # The browser's upload limit follows the configured import limit (options given on
    # the command line come later and win).
    upload_limit = ["--server.maxUploadSize", str(configured.max_import_mb)]
    sys.argv = ["streamlit", "run", str(paths.REPO_ROOT / "app.py"), *upload_limit, *options]
    cli.main()


if __name__ == "__main__":
    main()
