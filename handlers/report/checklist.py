"""Kind-specific checklists, tracked per case (4(5)②③, and the steps of a flame-up)."""

from __future__ import annotations

from storage.models import CaseKind

IMPERSONATION = ("takedown_requested", "public_warning", "mutual_links_checked")  # 4(5)②
MISTAKE = ("correction_posted", "confidential", "deleted")  # 4(5)③
FLAME = ("facts_checked", "policy_decided", "official_view_judged")

ITEMS: dict[CaseKind, tuple[str, ...]] = {
    CaseKind.IMPERSONATION: IMPERSONATION,
    CaseKind.MISTAKE: MISTAKE,
    CaseKind.FLAME: FLAME,
}
# Done only with a value: the URL of the correcting post.
NEEDS_URL = frozenset({"correction_posted"})


def visible_items(kind: CaseKind, done: set[str]) -> tuple[str, ...]:
    """A mistaken post is corrected, not deleted: 削除 appears only once it is marked confidential."""
    items = ITEMS.get(kind, ())
    return tuple(i for i in items if i != "deleted" or "confidential" in done)
