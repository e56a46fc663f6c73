"""The "Copy link" button every page shows: the page's URL, with its filters and choices,
copied to the clipboard. A tiny inline component (no external request): the URL is read in
the browser when the button is pressed, so it includes choices made on this run."""

from __future__ import annotations

from functools import cache
from typing import Any

import streamlit as st

_HTML = """
<div class="bw-share">
  <button type="button" class="bw-copy-link" aria-label="Copy a link to this view">
    <svg aria-hidden="true" viewBox="0 0 24 24" width="16" height="16"><path fill="currentColor"
      d="M10.6 13.4a1 1 0 0 1 0-1.4l3.5-3.5a1 1 0 1 1 1.4 1.4L12 13.4a1 1 0 0 1-1.4 0ZM7.1
      20a5 5 0 0 1-3.5-8.5l2.1-2.1a1 1 0 1 1 1.4 1.4L5 12.9A3 3 0 0 0 9.2 17l2.1-2.1a1 1 0 1 1
      1.4 1.4l-2.1 2.1A5 5 0 0 1 7.1 20Zm10.6-5.7a1 1 0 0 1-.7-1.7l2-2.1A3 3 0 0 0 14.8
      6.3l-2.1 2.1a1 1 0 1 1-1.4-1.4l2.1-2.1a5 5 0 0 1 7.1 7.1l-2.1 2.1a1 1 0 0 1-.7.2Z"/></svg>
    Copy link
  </button>
  <span class="bw-copy-status" role="status" aria-live="polite"></span>
  <input class="bw-copy-url" type="text" readonly hidden aria-label="Link to this view">
</div>
"""

_CSS = """
.bw-share { font-family: inherit; display: flex; flex-wrap: wrap; gap: .4rem;
            align-items: center; }
.bw-copy-link { display: inline-flex; align-items: center; gap: .35rem; font: inherit;
                font-size: .875rem; padding: .3rem .75rem; cursor: pointer;
                border: 1px solid rgba(49, 51, 63, .3); border-radius: .5rem;
                background: var(--st-secondary-background-color, #f0f2f6);
                color: var(--st-text-color, #31333f); }
.bw-copy-link:hover, .bw-copy-link:focus-visible { border-color: #7a2e1f; color: #7a2e1f; }
.bw-copy-status { font-size: .8rem; color: var(--st-text-color, #31333f); opacity: .8; }
.bw-copy-url { width: 100%; font-size: .75rem; }
"""

# Clipboard API where the page is a secure context (localhost, https); else a hidden
# textarea and execCommand; else the address is shown selected, to copy by hand.
_JS = """
export default function (component) {
  const root = component.parentElement;
  const button = root.querySelector(".bw-copy-link");
  const status = root.querySelector(".bw-copy-status");
  const field = root.querySelector(".bw-copy-url");
  const box = root.querySelector(".bw-share");
  if (!button || button.dataset.bound) return;
  button.dataset.bound = "1";
  const fallback = (url) => {
    const area = document.createElement("textarea");
    area.value = url;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    return ok;
  };
  const done = (ok, url) => {
    box.dataset.copied = ok ? url : "";
    status.textContent = ok ? "Link copied" : "Copy this link:";
    field.hidden = ok;
    if (!ok) { field.value = url; field.focus(); field.select(); }
    if (ok) setTimeout(() => { status.textContent = ""; }, 2500);
  };
  button.addEventListener("click", () => {
    const url = window.location.href;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(
        () => done(true, url),
        () => done(fallback(url), url),
      );
    } else {
      done(fallback(url), url);
    }
  });
}
"""


@cache
def _component() -> Any:
    return st.components.v2.component("borderwatch_copy_link", html=_HTML, css=_CSS, js=_JS)


def copy_link_button(*, key: str = "copy-link") -> None:
    """A button that copies the page's current address (filters and choices included)."""
    _component()(key=key)
