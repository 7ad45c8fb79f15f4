from handlers.common.metadata import Metadata


class CaseAction(Metadata):
    """Which case, which of its copies, and for a checklist button which item, a click acts on."""

    case_id: int
    copy_id: int
    item: str | None = None
