"""Recipients as the delivery log shows them: enough to tell them apart, not to contact them."""

from __future__ import annotations

from urllib.parse import urlsplit


def mask(channel: str, recipient: str) -> str:
    """A mailbox (role@entity) is no contact and shows as is; a URL keeps its scheme and host's
    first letters; anything else keeps its first and last two characters."""
    if channel == "inbox":
        return recipient
    if "://" in recipient:
        parts = urlsplit(recipient)
        host = parts.hostname or ""
        return f"{parts.scheme}://{host[:3]}***"
    if len(recipient) <= 4:
        return "***"
    return f"{recipient[:2]}***{recipient[-2:]}"
