"""The course for a tutor agent: tutor.py (the use cases, as JSON-ready dicts) and server.py (MCP)."""
