"""Data: bring your own event files (ACLED, UCDP GED, GTD, BorderWatch), manage them."""

import logging

import streamlit as st

from borderwatch.app import duplicates, imports, team
from borderwatch.app.backend import audit_log, dataset_store
from borderwatch.config import settings
from borderwatch.errors import DataFileError
from borderwatch.importers import ImportRefusedError, ImportResult, SheetChoiceError
from borderwatch.team.access import (
    AccessDeniedError,
    Permission,
    can_see,
    managed_datasets,
    may,
    refusal,
)
from borderwatch.ui.auth import current_user, hidden_datasets
from borderwatch.ui.data import (
    DEDUPE_DAYS_KEY,
    DEDUPE_KM_KEY,
    DEFAULT_DEDUPE_DAYS,
    DEFAULT_DEDUPE_KM,
    countries_or_none,
    prepared_or_none,
    set_aside_datasets,
)

_countries = countries_or_none
_set_aside = set_aside_datasets

limits = settings()
store = dataset_store(limits)
trail = audit_log(limits)
user = current_user(limits)


def _guarded(action, *args) -> None:
    """Run a guarded change (:mod:`borderwatch.app.team`), say why it was refused or that
    the audit trail missed it, and rerun when it went through."""
    try:
        warning = action(*args)
    except AccessDeniedError as error:
        st.error(str(error), icon=":material/lock:")
        return
    if warning:
        st.session_state["audit_warning"] = warning
    st.rerun()


if (audit_warning := st.session_state.pop("audit_warning", None)) is not None:
    st.warning(audit_warning, icon=":material/warning:")

st.title("Your data")
st.markdown(
    "Import event files you hold a licence for — **ACLED** CSV (current and pre-2020 "
    "upper-case layouts), **UCDP GED** CSV, **GTD** CSV or XLSX, or BorderWatch's own CSV / "
    "GeoJSON / GeoPackage exports. "
    + (
        "They are stored in the team database, visible to every user the dataset is open to "
        "(everyone, unless an administrator restricts it to groups), and counted on the "
        "Incident map beside the curated incidents. "
        if limits.database_url
        else "They are stored on this machine only and shown on every page beside the curated "
        "incidents. "
    )
    + "Rows that cannot be used are listed with the reason; nothing is dropped silently."
)

uploaded, server_path = None, ""
upload_tab, path_tab = st.tabs(["Upload a file", "A file on the server"])
with upload_tab:
    if may(user, Permission.IMPORT):
        uploaded = st.file_uploader(
            f"Event file (up to {limits.max_import_mb:,} MB)",
            type=["csv", "xlsx", "geojson", "json", "gpkg", "zip"],
            key="import_upload",
        )
    else:
        st.info(refusal(user, Permission.IMPORT), icon=":material/lock:")
with path_tab:
    if not may(user, Permission.SERVER_PATH_IMPORT):
        st.info(refusal(user, Permission.SERVER_PATH_IMPORT), icon=":material/lock:")
    else:
        server_path = st.text_input(
            "Path on the server",
            key="import_path",
            help=(
                "For files too large to upload through the browser: up to "
                f"{limits.max_server_file_mb:,} MB."
            ),
        )

source = None
if uploaded is not None:
    source = imports.uploaded_file(uploaded.name, uploaded.getvalue())
elif server_path:
    try:
        source = imports.server_file(server_path, listen_address=st.get_option("server.address"))
    except ImportRefusedError as error:
        st.error(str(error), icon=":material/error:")

if source is not None and may(user, Permission.IMPORT):
    dataset_name = st.text_input(
        "Dataset name", value=imports.default_dataset_name(source.name), key="import_name"
    )
    sheets = st.session_state.get("import_sheets")
    sheet = None
    if sheets and sheets[0] == source.name:
        sheet = st.selectbox(
            "Sheet to import (the workbook has several holding data)", sheets[1], key="import_sheet"
        )
    if st.button("Import", type="primary", icon=":material/upload:"):
        with st.status(f"Importing {source.name}…", expanded=True) as status:
            st.write(f"Reading {source.size_mb:,.1f} MB and recognising the layout…")
            try:
                result = imports.import_source(
                    source,
                    dataset_name=dataset_name,
                    countries=_countries(),
                    sheet=sheet,
                )
                st.write(
                    f"Recognised **{result.format_label}** ({result.encoding}); "
                    f"{result.rows_read:,} rows read, {result.rows_accepted:,} accepted, "
                    f"{result.rows_rejected:,} rejected."
                )
                if not result.incidents.empty:
                    st.write("Saving…")
                stored = imports.store_result(result, dataset_name=dataset_name, store=store)
            except SheetChoiceError as error:
                st.session_state["import_sheets"] = (source.name, error.sheets)
                status.update(label="Choose a sheet", state="error")
                st.warning(str(error), icon=":material/table:")
                st.rerun()
            except ImportRefusedError as error:
                status.update(label="Not imported", state="error", expanded=True)
                st.error(str(error), icon=":material/error:")
                st.stop()
            except DataFileError as error:
                status.update(label="Not imported", state="error", expanded=True)
                st.error(
                    error.summary() + f"\n\n**What to do:** {error.remedy}", icon=":material/error:"
                )
                st.stop()
            except Exception as error:  # never a traceback on the page
                logging.getLogger(__name__).exception("import failed")
                status.update(label="Not imported", state="error", expanded=True)
                st.error(
                    f"{source.name} could not be imported ({type(error).__name__}); nothing "
                    "was stored. The details are in the server log.",
                    icon=":material/error:",
                )
                st.stop()
            if stored is not None and (warning := team.record_import(trail, user, stored, result)):
                st.warning(warning, icon=":material/warning:")
            if stored is None:
                status.update(
                    label="Nothing to store: every row was rejected", state="error", expanded=True
                )
            else:
                status.update(
                    label=f"Imported {stored.rows:,} incidents as '{stored.name}'",
                    state="complete",
                )
        st.session_state["last_import"] = result
        st.session_state.pop("import_sheets", None)

last_import: ImportResult | None = st.session_state.get("last_import")
if last_import is not None:
    result = last_import
    read_col, ok_col, rejected_col = st.columns(3)
    read_col.metric("Rows read", f"{result.rows_read:,}")
    ok_col.metric("Accepted", f"{result.rows_accepted:,}")
    rejected_col.metric("Rejected", f"{result.rows_rejected:,}")
    if result.sheet:
        st.caption(f"Sheet read: **{result.sheet}**")
    if len(result.flags):
        st.warning(
            f"{len(result.flags):,} accepted rows are flagged for a closer look (a point "
            "outside its country, estimates out of order in the source); the note is kept "
            "with each incident.",
            icon=":material/flag:",
        )
        st.dataframe(result.flags.head(200), hide_index=True, width="stretch")
    if not result.rejected.empty:
        st.dataframe(result.rejected.head(200), hide_index=True, width="stretch")
        st.download_button(
            "Download the rejected rows with reasons",
            data=result.rejected_report_csv,  # built only when pressed
            file_name="rejected-rows.csv",
            mime="text/csv",
            icon=":material/download:",
        )

st.subheader("Stored datasets")
for aside in _set_aside():
    st.error(
        f"**{aside.name or aside.key}** is not shown on the other pages: {aside.message} "
        "Delete it below and import its file again (the other data is shown meanwhile).",
        icon=":material/block:",
    )
try:
    datasets = managed_datasets(user, store.list())
except DataFileError as error:
    st.error(error.summary() + f"\n\n**What to do:** {error.remedy}", icon=":material/error:")
    datasets = []
if not datasets:
    st.caption("None yet. Imported datasets appear here and on every page once enabled.")
for info in datasets:
    name_col, rows_col, enabled_col, merge_col, delete_col = st.columns([4, 2, 1, 1, 1])
    name_col.markdown(
        f"**{info.name}** · {info.source_format} · `{info.source_file}`  \n"
        f"imported {info.imported_at[:16].replace('T', ' ')} UTC"
    )
    rows_col.markdown(f"{info.rows:,} incidents  \n{info.rejected:,} rows rejected")
    if info.groups:
        managed_only = (
            ""
            if can_see(user, info)
            else (" — you manage it as an administrator; its rows are shown to its groups only")
        )
        name_col.caption(f"Restricted to: {', '.join(info.groups)}{managed_only}")
    enabled = enabled_col.toggle(
        "Shown",
        value=info.enabled,
        key=f"enabled_{info.key}",
        disabled=not may(user, Permission.ENABLE),
    )
    if enabled != info.enabled:
        _guarded(team.set_shown, store, trail, user, info.key, enabled)
    merging = merge_col.toggle(
        "Merge",
        value=info.merge_duplicates,
        key=f"merge_{info.key}",
        help="Merge this dataset's reports with the same event in other datasets. Off: every "
        "report of this dataset is shown on its own.",
        disabled=not may(user, Permission.CHANGE_SETTINGS),
    )
    if merging != info.merge_duplicates:
        _guarded(team.set_merging, store, trail, user, info.key, merging)
    if may(user, Permission.DELETE) and delete_col.button(
        "Delete", key=f"delete_{info.key}", icon=":material/delete:"
    ):
        _guarded(team.delete_dataset, store, trail, user, info.key)

st.subheader("Same incident, several sources")
days_col, km_col = st.columns(2)
# Kept for the whole session: every page reads them when it merges the datasets.
days_col.number_input(
    "Days apart at most", 0, 30, DEFAULT_DEDUPE_DAYS, key=DEDUPE_DAYS_KEY, persist_state="session"
)
km_col.number_input(
    "Kilometres apart at most",
    0.0,
    100.0,
    DEFAULT_DEDUPE_KM,
    step=1.0,
    key=DEDUPE_KM_KEY,
    persist_state="session",
)
st.caption(
    "Reports from different datasets this close in time and place are shown as one incident, "
    "with every source kept; the curated record is preferred. Distances are geodesic. They "
    "must also be events of compatible types (a protest never merges with a battle; a "
    "bombing with a battle only when both death tolls are known and agree) with plausible "
    "tolls (at most 2 deaths apart or within a factor of 2; an unknown toll does not "
    "block). Switch merging off for a dataset above, or split a wrong merge below."
)

if limits.database_url:
    st.caption(
        "Team mode: the pages count in the team database, where reports of one event in "
        "several datasets are not merged yet: each report counts once. The merges below "
        "concern the curated layer only."
    )
MERGED_SHOWN = 25
prepared = prepared_or_none()
if prepared is not None:
    total = duplicates.count_merged(prepared.incidents)
    if total:
        st.markdown(
            f"**{total:,} incidents** are shown once for several reports"
            + (f"; the newest {MERGED_SHOWN} are listed." if total > MERGED_SHOWN else ".")
        )
    for group in duplicates.merged_groups(prepared.incidents, limit=MERGED_SHOWN):
        text_col, split_col = st.columns([6, 1])
        plain = duplicates.plain
        text_col.markdown(
            f"**{plain(group.name)}** · {group.date} · {plain(group.place)} · "
            f"{plain(group.dataset_name)}  \n"
            f"merged: {plain(', '.join(group.members[1:]))}  \n"
            f"why: {plain(group.reason or 'not recorded')}"
        )
        if may(user, Permission.CHANGE_SETTINGS) and split_col.button(
            "Split", key=f"split_{group.kept_id}", icon=":material/call_split:"
        ):
            _guarded(team.split_merge, store, trail, user, group)
try:
    split = team.visible_pairs(duplicates.split_pairs(store), hidden_datasets(user, limits))
except DataFileError as error:
    st.error(error.summary() + f"\n\n**What to do:** {error.remedy}", icon=":material/error:")
    split = []
if split:
    with st.expander(f"Merges you split ({len(split):,} pairs of reports kept apart)"):
        for pair in split:
            pair_col, undo_col = st.columns([6, 1])
            pair_col.markdown(
                f"{duplicates.plain(pair.first)} and {duplicates.plain(pair.second)} · "
                f"split {pair.declared_at}"
            )
            if may(user, Permission.CHANGE_SETTINGS) and undo_col.button(
                "Undo", key=f"unsplit_{pair.first}_{pair.second}"
            ):
                _guarded(team.undo_split, store, trail, user, pair)
