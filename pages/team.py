"""Team (administrators): who may see which dataset, and the audit trail."""

import streamlit as st

from borderwatch.app import team
from borderwatch.app.backend import audit_log, dataset_store
from borderwatch.config import settings
from borderwatch.errors import DataFileError
from borderwatch.team.access import AccessDeniedError, Permission, may, refusal
from borderwatch.team.audit import events_to_csv
from borderwatch.ui.auth import current_user

config = settings()
user = current_user(config)
st.title("Team: audit & access")
if not may(user, Permission.VIEW_AUDIT):
    st.error(refusal(user, Permission.VIEW_AUDIT), icon=":material/lock:")
    st.stop()

store = dataset_store(config)
trail = audit_log(config)
if (audit_warning := st.session_state.pop("team_audit_warning", None)) is not None:
    st.warning(audit_warning, icon=":material/warning:")

st.subheader("Dataset access")
st.markdown(
    "Restrict a licensed dataset (ACLED, GTD, …) to groups from the identity provider: a "
    "user in none of them never sees its rows, counts, exports or its name. Leave the box "
    "empty to show it to everyone. Your own groups: "
    + (", ".join(f"`{group}`" for group in sorted(user.groups)) or "none")
    + "."
)
try:
    datasets = store.list()
except DataFileError as error:
    st.error(error.summary() + f"\n\n**What to do:** {error.remedy}", icon=":material/error:")
    datasets = []
if not datasets:
    st.caption("No dataset is stored yet.")
for info in datasets:
    name_col, groups_col, save_col = st.columns([3, 4, 1], vertical_alignment="bottom")
    name_col.markdown(f"**{info.name}** · {info.source_format}  \n{info.rows:,} incidents")
    typed = groups_col.text_input(
        "Groups allowed (comma-separated; empty: everyone)",
        value=", ".join(info.groups),
        key=f"groups_{info.key}",
    )
    if save_col.button("Save", key=f"save_groups_{info.key}", icon=":material/lock:"):
        try:
            _, warning = team.restrict_dataset(store, trail, user, info.key, typed)
        except (AccessDeniedError, DataFileError, KeyError) as error:
            st.error(f"Access to {info.name} was not changed: {error}", icon=":material/error:")
        else:
            if warning:
                st.session_state["team_audit_warning"] = warning
            st.rerun()

st.subheader("Audit trail")
st.caption(
    "Every import, showing or hiding, deletion, change of merging, restriction, export and "
    "sign-in, with who, when, the file's sha256 and an export's filters. The app can only "
    "add to it."
)
try:
    events = trail.events()
except Exception as error:  # an unreadable trail is reported, never a traceback
    st.error(
        f"The audit trail cannot be read ({type(error).__name__}). Details are in the "
        "server log; tell the server's operator.",
        icon=":material/error:",
    )
    events = []
st.dataframe(team.audit_table(events), hide_index=True, width="stretch")
st.download_button(
    f"Download the audit trail as CSV ({len(events):,} events)",
    data=lambda: events_to_csv(events),
    file_name="borderwatch-audit.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
)
