"""The Wyoming edge: homebody's speech-to-text, text-to-speech and conversation agent for Home Assistant, and
the room satellites (wyoming-satellite) it talks to, built on the `wyoming` package.

`server` runs it all on one event loop; `handler` answers one client; `satellites` keeps one satellite's
connection; `listening` is a satellite's wake word and end of speech; `announcements` routes what is said
unprompted to the satellites of its room; `engines` runs the models and the Assistant off the loop;
`info` describes the services; `audio` converts audio to and from the wire.
"""

from agent.wyoming.announcements import SatelliteAnnouncer, speakers_for
from agent.wyoming.server import WyomingService

__all__ = ["SatelliteAnnouncer", "WyomingService", "speakers_for"]
