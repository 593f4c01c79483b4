"""Data files shipped with the app (icons, desktop entry template, AppStream metainfo).

Read them with `importlib.resources.files("desktop_chat.resources")`: that works from a
checkout, an installed wheel and a PyInstaller bundle alike. See desktop_chat/desktop_entry.py.
"""
