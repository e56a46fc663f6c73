"""BorderWatch: North African border-security incidents and cooperation on a map.

The package holds the domain (data layouts, loading, spatial work, map building);
Streamlit is imported only in :mod:`borderwatch.ui`.
"""

__version__ = "0.1.0"
