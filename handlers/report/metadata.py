from handlers.common.metadata import Metadata


class CaseAction(Metadata):
    """Which case, which of its copies, and for a checklist button which item, a click acts on.
    A checklist button carries the state it sets (``done``), so a retried or double click sets it
    again instead of undoing it."""

    case_id: int
    copy_id: int
    item: str | None = None
    done: bool | None = None
