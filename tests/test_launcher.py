"""The launcher's one Streamlit internal: fail loudly when an upgrade moves it."""

from __future__ import annotations

import inspect

from streamlit.commands import navigation
from streamlit.runtime import pages_manager
from streamlit.runtime.scriptrunner import script_runner

from borderwatch.ui.launcher import declare_app_navigation

UPGRADE_HINT = (
    "Streamlit changed how it detects a legacy pages/ folder: re-check "
    "borderwatch/ui/launcher.py (deep links on a fresh server) before upgrading."
)


def test_the_flag_the_launcher_sets_still_exists_and_is_read():
    assert hasattr(pages_manager.PagesManager, "uses_pages_directory"), UPGRADE_HINT
    # The script runner decides legacy multipage mode on exactly this flag …
    assert "PagesManager.uses_pages_directory" in inspect.getsource(script_runner), UPGRADE_HINT
    # … and st.navigation sets it to False, which is what the launcher does up front.
    assert "PagesManager.uses_pages_directory = False" in inspect.getsource(navigation), (
        UPGRADE_HINT
    )


def test_declare_app_navigation_turns_legacy_pages_off():
    manager = pages_manager.PagesManager
    previous = manager.uses_pages_directory
    try:
        manager.uses_pages_directory = None
        declare_app_navigation()
        assert manager.uses_pages_directory is False
    finally:
        manager.uses_pages_directory = previous


def test_a_bad_setting_stops_the_launcher_with_its_name(monkeypatch):
    import pytest

    from borderwatch.ui import launcher

    monkeypatch.setenv("BORDERWATCH_MAX_IMPORT_MB", "lots")
    with pytest.raises(SystemExit, match="BORDERWATCH_MAX_IMPORT_MB"):
        launcher.main([])
