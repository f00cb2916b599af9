"""Bodies outside the state's reach and the channel a citizen should use instead.

A complaint about a central body (the Railways, an airline, a bank, a telecom company) is
`outside_jurisdiction`: the desk answers with the right channel rather than alerting an officer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Channel:
    name_en: str
    name_hi: str
    contact: str  # what the citizen should use: a helpline number, a portal, a handle


CHANNELS: dict[str, Channel] = {
    "railways": Channel("Indian Railways (RailMadad)", "भारतीय रेल (रेलमदद)", "RailMadad 139 / railmadad.indianrailways.gov.in"),
}
