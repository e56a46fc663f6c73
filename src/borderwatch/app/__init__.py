"""The application layer: what the pages do, as plain functions without Streamlit."""
