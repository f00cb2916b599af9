"""The DynamoDB storage of the desk: every storage port over the one table, wired for the bootstrap."""

from __future__ import annotations

from typing import Callable

from ..services.ports import Storage
from .dynamo_complaints import DynamoComplaints, DynamoOutbox
from .dynamo_corrections import DynamoCorrections
from .dynamo_grants import DynamoGrants
from .dynamo_handles import DynamoWatchedHandles
from .dynamo_links import DynamoUsedLinks
from .dynamo_registry import DynamoHandleRegistry
from .dynamo_searches import DynamoSearchCursors
from .dynamo_stats import DynamoStatistics
from .dynamo_stream import DynamoStreamLeases
from .dynamo_table import Table

# Signs listing cursors. Cursors name only what their listing showed and filters are applied again
# on every page, so a forged one gains nothing; a deployment still passes a key of its own.
LOCAL_CURSOR_KEY = b"complaint-desk-local-cursor-key"


def storage(table_name: str, client=None, cursor_key: bytes | Callable[[], bytes] = LOCAL_CURSOR_KEY) -> Storage:
    """No AWS client is created here: the first call that needs one creates it (or uses `client`)."""
    table = Table(table_name, client)
    complaints = DynamoComplaints(table, cursor_key)
    return Storage(complaints=complaints, outbox=DynamoOutbox(table), handles=DynamoWatchedHandles(table),
                   stats=DynamoStatistics(table), registry=DynamoHandleRegistry(table),
                   grants=DynamoGrants(table), stream=DynamoStreamLeases(table),
                   searches=DynamoSearchCursors(table), corrections=DynamoCorrections(table),
                   links=DynamoUsedLinks(table))
