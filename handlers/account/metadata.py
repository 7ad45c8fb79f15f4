from handlers.common.metadata import Metadata


class AccountAction(Metadata):
    """Which account a button or modal acts on, and for a withdrawal task which one."""

    account_id: int
    task: str | None = None
