"""Who is using the app: the signed-in user, their role and their groups.

The identity provider (OpenID Connect, through Streamlit's ``st.login``) says who the user is
and may say their roles and groups in the ID token's claims. A roles file kept by the
operator may give roles too, by user or by group::

    # roles.toml
    default = "viewer"          # optional; overrides BORDERWATCH_DEFAULT_ROLE
    [users]
    "alice@example.org" = "admin"
    [groups]
    "bw-analysts" = "analyst"
    "bw-admins" = "admin"

How a role is chosen, first match wins: the user's entry in the roles file (by e-mail, then
subject); else the highest role among the claim's roles and the roles the file gives the
user's groups; else the default role (``none``: the user is refused).

Without sign-in (the one-machine default) there is one :func:`local_user` with every right.
Nothing here imports Streamlit.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntEnum
from pathlib import Path

from borderwatch.config import ConfigError, Settings, environment_variable


class Role(IntEnum):
    """What a user may do; a higher role may do everything a lower one may."""

    VIEWER = 1
    ANALYST = 2
    ADMIN = 3

    @property
    def label(self) -> str:
        """The role's name as users and files write it (``viewer``, ``analyst``, ``admin``)."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: object) -> Role | None:
        """The role named ``text`` (any case), or ``None`` if it names no role."""
        return {role.label: role for role in cls}.get(str(text).strip().lower())


#: The name audit events carry when no one signed in.
LOCAL_USER_ID = "local"


@dataclass(frozen=True)
class User:
    """A user of the app.

    Parameters
    ----------
    id
        What the audit trail records: the e-mail, else the subject; ``local`` without sign-in.
    name
        What the app shows (display name, else the id).
    role
        :class:`Role`.
    groups
        Groups from the provider's groups claim (restricted datasets name them).
    signed_in
        ``False`` for the local user of the one-machine mode.
    """

    id: str
    name: str
    role: Role
    groups: frozenset[str] = field(default_factory=frozenset)
    signed_in: bool = True


def local_user() -> User:
    """The one user of the embedded (no sign-in) mode: an admin who sees every dataset."""
    return User(LOCAL_USER_ID, "Local analyst", Role.ADMIN, frozenset(), signed_in=False)


class UnknownRoleError(ValueError):
    """A signed-in user has no BorderWatch role (the default role is ``none``)."""


@dataclass(frozen=True)
class RoleTable:
    """Roles given by the operator's roles file: by user, by group, and a default."""

    users: Mapping[str, Role] = field(default_factory=dict)
    groups: Mapping[str, Role] = field(default_factory=dict)
    default: Role | None = None
    #: Whether the file set ``default`` (``none`` included).
    has_default: bool = False


def _roles_in(section: object, where: str, path: Path) -> dict[str, Role]:
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise ConfigError(f'{path}: [{where}] must be a table of name = "role" lines.')
    roles = {}
    for name, text in section.items():
        role = Role.parse(text)
        if role is None:
            raise ConfigError(
                f"{path}: [{where}] {name!r} = {text!r} is not a role; use viewer, analyst "
                "or admin."
            )
        roles[str(name).strip().lower() if where == "users" else str(name)] = role
    return roles


def load_roles_file(path: Path) -> RoleTable:
    """The roles file at ``path`` (format in this module's docstring).

    Raises
    ------
    ConfigError
        The file is missing, not TOML, or names an unknown role; the message says which
        and where, so the operator can fix it.
    """
    where = environment_variable("roles_file")
    try:
        document = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{where}: the roles file {path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{where}: the roles file {path} cannot be read ({error}).") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{where}: the roles file {path} is not valid TOML ({error}).") from None
    unknown = set(document) - {"default", "users", "groups"}
    if unknown:
        raise ConfigError(
            f"{path}: unknown entries {sorted(unknown)}; expected default, [users], [groups]."
        )
    default, has_default = None, "default" in document
    if has_default and str(document["default"]).strip().lower() != "none":
        default = Role.parse(document["default"])
        if default is None:
            raise ConfigError(
                f"{path}: default = {document['default']!r} is not a role; use viewer, "
                "analyst, admin or none."
            )
    return RoleTable(
        users=_roles_in(document.get("users"), "users", path),
        groups=_roles_in(document.get("groups"), "groups", path),
        default=default,
        has_default=has_default,
    )


def claim_values(claims: Mapping[str, object], name: str) -> tuple[str, ...]:
    """A claim as a tuple of strings: a list claim as is, a string split on commas and
    spaces (providers send both), anything else or nothing as empty."""
    value = claims.get(name)
    if isinstance(value, str):
        return tuple(part for part in value.replace(",", " ").split() if part)
    if isinstance(value, list | tuple):
        return tuple(str(item) for item in value if str(item).strip())
    return ()


def choose_role(
    user_ids: Iterable[str],
    claimed_roles: Iterable[str],
    groups: Iterable[str],
    table: RoleTable,
    default: Role | None,
) -> Role | None:
    """The role of a user (rules in this module's docstring); ``None``: no role."""
    for user_id in user_ids:
        if user_id and user_id.strip().lower() in table.users:
            return table.users[user_id.strip().lower()]
    found = [role for text in claimed_roles if (role := Role.parse(text)) is not None]
    found += [table.groups[group] for group in groups if group in table.groups]
    if found:
        return max(found)
    return table.default if table.has_default else default


def user_from_claims(claims: Mapping[str, object], config: Settings, table: RoleTable) -> User:
    """The :class:`User` the provider's claims (``st.user``) describe.

    Raises
    ------
    UnknownRoleError
        Neither the claims nor the roles file give this user a role and the default is
        ``none``.
    """
    email = str(claims.get("email") or "").strip()
    subject = str(claims.get("sub") or "").strip()
    user_id = email or subject or "unknown"
    groups = claim_values(claims, config.groups_claim)
    default = None if config.default_role == "none" else Role.parse(config.default_role)
    role = choose_role(
        (email, subject), claim_values(claims, config.roles_claim), groups, table, default
    )
    if role is None:
        raise UnknownRoleError(
            f"{user_id} is signed in but has no BorderWatch role. An administrator gives "
            "roles in the identity provider or in the roles file."
        )
    name = str(claims.get("name") or user_id)
    return User(user_id, name, role, frozenset(groups), signed_in=True)


def signed_in_at(claims: Mapping[str, object]) -> datetime | None:
    """When the user signed in at the provider (``auth_time``, else the token's ``iat``)."""
    for name in ("auth_time", "iat"):
        value = claims.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, UTC)
    return None


def session_expired(
    claims: Mapping[str, object], max_hours: float, now: datetime | None = None
) -> bool:
    """Whether a sign-in is too old to be honoured: older than ``max_hours``, or of unknown
    age (a cookie without a sign-in time is not trusted either)."""
    started = signed_in_at(claims)
    if started is None:
        return True
    now = now or datetime.now(UTC)
    return (now - started).total_seconds() > max_hours * 3600
