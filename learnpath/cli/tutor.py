"""For a tutor agent: `mcp` serves the course over the Model Context Protocol."""

from __future__ import annotations

import typer

from learnpath.catalog import find_root
from learnpath.cli.app import app
from learnpath.errors import LearnpathError


@app.command("mcp")
def mcp_command(ctx: typer.Context) -> None:
    """Serve the course to a tutor agent over the Model Context Protocol (stdio).

    Register it with your agent as {"command": "learnpath", "args": ["mcp"]} run in the
    course folder (or add --root DIR before mcp). Needs: pip install -e '.[mcp]'
    """
    try:
        from learnpath.mcp.server import serve
    except ImportError as missing:
        raise LearnpathError(f"the MCP server needs the `mcp` package ({missing.msg})",
                             fix="Install it with: pip install -e '.[mcp]'") from None
    serve(find_root(override=ctx.find_root().obj))
