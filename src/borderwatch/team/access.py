"""What a user may do, and which stored datasets they may see.

Roles (:class:`~borderwatch.team.identity.Role`):

- **viewer**: every page, filters, search and exports of what they may see;
- **analyst**: also imports (upload and a path on the server), shows and hides datasets,
  changes how duplicates are merged, deletes datasets;
- **admin**: also restricts datasets to groups and reads the audit trail.

A dataset restricted to groups (``DatasetInfo.groups``) is seen only by users in at least
one of them: a user outside them never sees its rows, counts, exports or its entry in the
list. Administrators manage every dataset (its entry on the Data page and in the access
list: show, hide, delete, restrict) but see its rows only when in one of its groups, like
everyone else.
The local user of the one-machine mode sees everything. Nothing here imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from borderwatch.store import DatasetInfo
from borderwatch.team.identity import Role, User


class Permission(Enum):
    """Actions that need more than the viewer role; the value is what the refusal says."""

    IMPORT = "import datasets"
    SERVER_PATH_IMPORT = "import a file by its path on the server"
    ENABLE = "show or hide datasets"
    CHANGE_SETTINGS = "change how duplicates are merged"
    DELETE = "delete datasets"
    MANAGE_ACCESS = "restrict datasets to groups"
    VIEW_AUDIT = "read the audit trail"


#: The lowest role allowed each action.
REQUIRED_ROLE: dict[Permission, Role] = {
    Permission.IMPORT: Role.ANALYST,
    Permission.SERVER_PATH_IMPORT: Role.ANALYST,
    Permission.ENABLE: Role.ANALYST,
    Permission.CHANGE_SETTINGS: Role.ANALYST,
    Permission.DELETE: Role.ANALYST,
    Permission.MANAGE_ACCESS: Role.ADMIN,
    Permission.VIEW_AUDIT: Role.ADMIN,
}


class AccessDeniedError(PermissionError):
    """A user tried something their role does not allow; the message says what and who to
    ask."""


def may(user: User, permission: Permission) -> bool:
    """Whether ``user``'s role allows ``permission``."""
    return user.role >= REQUIRED_ROLE[permission]


def refusal(user: User, permission: Permission) -> str:
    """What to tell a user who may not do ``permission``."""
    needed = REQUIRED_ROLE[permission].label
    return (
        f"Your role ({user.role.label}) may not {permission.value}: that needs the {needed} "
        "role. Ask an administrator of this server if you need it."
    )


def require(user: User, permission: Permission) -> None:
    """Raise :class:`AccessDeniedError` unless ``user`` may do ``permission``."""
    if not may(user, permission):
        raise AccessDeniedError(refusal(user, permission))


def can_see(user: User, info: DatasetInfo) -> bool:
    """Whether ``user`` may see the dataset ``info`` describes (rows, counts, its entry)."""
    if not user.signed_in or not info.groups:
        return True
    return not user.groups.isdisjoint(info.groups)


def visible_datasets(user: User, infos: Iterable[DatasetInfo]) -> list[DatasetInfo]:
    """The datasets among ``infos`` that ``user`` may see, in the same order."""
    return [info for info in infos if can_see(user, info)]


def managed_datasets(user: User, infos: Iterable[DatasetInfo]) -> list[DatasetInfo]:
    """The datasets among ``infos`` that ``user`` lists and manages on the Data page: those
    they may see, and for an administrator every dataset (to show, hide, delete or restrict
    a licensed dataset whose groups they are not in). Managing is not seeing: its rows and
    counts on the pages still follow :func:`can_see`."""
    infos = list(infos)
    if may(user, Permission.MANAGE_ACCESS):
        return infos
    return visible_datasets(user, infos)


def hidden_dataset_keys(user: User, infos: Iterable[DatasetInfo]) -> frozenset[str]:
    """Keys of the datasets among ``infos`` that ``user`` may not see (what the prepared
    data leaves out for them)."""
    return frozenset(info.key for info in infos if not can_see(user, info))


def parse_groups(text: str) -> tuple[str, ...]:
    """Group names typed by an administrator, separated by commas or new lines; blanks and
    repeats dropped, order kept."""
    names = [part.strip() for part in text.replace("\n", ",").split(",")]
    return tuple(dict.fromkeys(name for name in names if name))
