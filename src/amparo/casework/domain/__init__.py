"""Casework rules in plain Python: no Django, so every path (form, API, import) meets the same rule."""
