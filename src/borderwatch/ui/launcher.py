"""Start the BorderWatch server: ``python -m borderwatch.ui.launcher [streamlit options]``.

Same as ``streamlit run app.py``, with one difference. Streamlit still treats a folder named
``pages/`` beside the entrypoint as a legacy multipage app until the first script run
calls ``st.navigation``; a deep link such as ``/sources`` opened as the first request after
a start then shows a "Page not found" dialog. The product keeps its page scripts in
``pages/``, so the launcher declares up front that navigation is defined by ``app.py``.
"""

from __future__ import annotations

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from borderwatch import paths


def main(argv: list[str] | None = None) -> None:
    PagesManager.uses_pages_directory = False
    options = sys.argv[1:] if argv is None else argv
    sys.argv = ["streamlit", "run", str(paths.REPO_ROOT / "app.py"), *options]
    cli.main()


if __name__ == "__main__":
    main()
