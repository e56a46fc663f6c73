"""Team mode: what a shared server adds to the one-analyst app (audit trail, sign-in, roles,
the PostGIS back end). Nothing here imports Streamlit; everything is off unless configured.
"""
