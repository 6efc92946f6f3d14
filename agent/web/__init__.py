"""The household web page (docs/web.md): devices, history, schedule, what is planned, routines, suggestions,
skills and status, over the running homebody's own Assistant and household store.

`homebody run` (and any other front end that starts an App, e.g. a headless service) calls
`start_web(app, settings)` once the App has started, and closes what it returns before the App.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.app import App
    from agent.config import Settings
    from agent.web.server import WebServer

__all__ = ["start_web"]


def start_web(app: App, settings: Settings) -> WebServer:
    """Serve the page as `settings.web` says, on a thread of its own; close the result to stop it.

    Nothing is served when web.enabled is false or the address cannot be bound (`problem` says why,
    and it is logged). ConfigError for an address beyond loopback without a household password."""
    from agent.web.server import start

    return start(app, settings.web)
