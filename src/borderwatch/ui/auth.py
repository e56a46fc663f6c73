"""Sign-in inside Streamlit: the gate in front of every page, and who the user is.

With ``BORDERWATCH_AUTH`` off (the default) nobody signs in: :func:`current_user` is the
local user with every right, and nothing is drawn. With it on, :func:`sign_in_gate` (called
once by ``app.py`` before anything else) shows a sign-in screen until the organisation's
OpenID Connect provider (``st.login``) says who the user is, refuses a sign-in older than
``session_hours`` or a user without a role, and puts the user's name, role and a "Sign out"
button in the sidebar. Who may do what is :mod:`borderwatch.team.access`; the roles are
:mod:`borderwatch.team.identity`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from borderwatch.app import team
from borderwatch.app.backend import audit_log, dataset_store
from borderwatch.app.duplicates import plain
from borderwatch.config import ConfigError, Settings, settings
from borderwatch.errors import DataFileError
from borderwatch.team import access
from borderwatch.team.audit import AuditEvent
from borderwatch.team.identity import (
    RoleTable,
    UnknownRoleError,
    User,
    load_roles_file,
    local_user,
    session_expired,
    signed_in_at,
    user_from_claims,
)


@st.cache_resource(show_spinner=False, max_entries=4)
def _roles_table(path: str, modified_ns: int) -> RoleTable:
    # Keyed by the file's modification time: an edited roles file counts at the next rerun.
    del modified_ns
    return load_roles_file(Path(path))


@st.cache_resource(show_spinner=False)
def _recorded_sign_ins() -> set[tuple[str, str]]:
    return set()


def roles_table(config: Settings) -> RoleTable:
    """The operator's roles file (empty table when none is configured)."""
    if not config.roles_file.strip():
        return RoleTable()
    path = Path(config.roles_file).expanduser()
    modified = path.stat().st_mtime_ns if path.exists() else -1
    return _roles_table(str(path), modified)


def _claims() -> dict[str, object]:
    try:
        return dict(st.user.to_dict())
    except Exception:  # no [auth] section: nobody can be signed in
        return {}


def current_user(config: Settings | None = None) -> User:
    """Who is using the app on this run: the local user without sign-in; with sign-in, the
    signed-in user (the gate has already stopped the page for anyone else).

    Raises
    ------
    borderwatch.team.access.AccessDeniedError
        Sign-in is on and nobody valid is signed in (never reached behind the gate).
    """
    config = config or settings()
    if not config.auth:
        return local_user()
    claims = _claims()
    if not claims.get("is_logged_in") or session_expired(claims, config.session_hours):
        raise access.AccessDeniedError("Sign in to use this server.")
    return user_from_claims(claims, config, roles_table(config))


def hidden_datasets(user: User, config: Settings | None = None) -> frozenset[str]:
    """Keys of the stored datasets ``user`` may not see (none for the local user)."""
    if not user.signed_in:
        return frozenset()
    try:
        return access.hidden_dataset_keys(user, dataset_store(config).list())
    except DataFileError:
        # An unreadable registry: the prepared data sets every dataset aside anyway.
        return frozenset()


def record(user: User, action: str, **fields: object) -> None:
    """Append an event to the audit trail; a trail that cannot be written is reported on
    the page (the action itself has happened) and in the log, never as a traceback."""
    event = AuditEvent(user=user.id, action=action, **fields)  # type: ignore[arg-type]
    if (warning := team.record(audit_log(), event)) is not None:
        st.warning(warning, icon=":material/warning:")


def _sign_in_screen(message: str | None = None) -> None:
    st.title("BorderWatch")
    if message:
        st.warning(message, icon=":material/lock_clock:")
    st.markdown(
        "This BorderWatch server is shared by a team. Sign in with your organisation's "
        "account to continue."
    )
    st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login)
    st.stop()


def _refuse(message: str) -> None:
    st.title("BorderWatch")
    st.error(message, icon=":material/block:")
    st.button("Sign out", icon=":material/logout:", on_click=st.logout)
    st.stop()


def _show_identity(user: User) -> None:
    with st.sidebar:
        st.markdown(f"Signed in as **{plain(user.name)}** ({user.role.label})")
        st.button("Sign out", key="sign_out", icon=":material/logout:", on_click=st.logout)


def sign_in_gate(config: Settings | None = None) -> User:
    """The user of this run; stops the page behind a sign-in screen when sign-in is on and
    nobody valid is signed in. Call once, before anything that shows data."""
    config = config or settings()
    if not config.auth:
        return local_user()
    claims = _claims()
    if not claims.get("is_logged_in"):
        _sign_in_screen()
    if session_expired(claims, config.session_hours):
        _refuse(
            f"Your sign-in has expired: sign-ins last {config.session_hours:g} hours on this "
            "server. Sign out, then sign in again."
        )
    try:
        user = user_from_claims(claims, config, roles_table(config))
    except UnknownRoleError as error:
        _refuse(str(error))
        raise  # unreachable: st.stop() raises; keeps type checkers informed
    except ConfigError as error:
        _refuse(f"The server's roles file cannot be used: {error} Tell its administrator.")
        raise
    marker = (user.id, str(signed_in_at(claims)))
    if marker not in _recorded_sign_ins():  # once per sign-in, not per page load
        _recorded_sign_ins().add(marker)
        record(user, "sign-in", detail={"role": user.role.label, "groups": sorted(user.groups)})
    _show_identity(user)
    return user
