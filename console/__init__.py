"""The web console node: soft caller and live hall (FastAPI + Jinja2 + htmx + SSE)."""
