"""The review UI's building blocks; `ui/app.py` and the thin files of `ui/views/` put them on screen.

Pure logic (highlighting, the coder's draft, labels) has no Streamlit import, so that it can be tested alone.
"""
