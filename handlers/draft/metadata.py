from handlers.common.metadata import Metadata


class DraftAction(Metadata):
    """Which draft, which request about it, and for a comment modal which answer, a click acts on."""

    draft_id: int
    request_id: int | None = None
    answer: str | None = None
