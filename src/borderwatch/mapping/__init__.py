"""Build folium maps from BorderWatch data: pure functions, no Streamlit."""
