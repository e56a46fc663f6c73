"""The application layer: what pages, benchmarks and tests call. No Streamlit import here.

``borderwatch.ui`` caches and renders what these functions return; the domain modules
(``loading``, ``filters``, ``proximity``, …) do the work.
"""
