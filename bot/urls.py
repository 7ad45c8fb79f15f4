"""URLs people paste in reports, drafts and accounts: one canonical key per post, so a flame-up's dozens of
reports land on one case and an account is known by any of its addresses.

``normalize`` is the key two URLs are compared by (and stored under), never what is shown.
``parse_urls`` reads a modal's URL field; ``links_in_message`` reads a Slack message's text.
Pure functions: nothing here resolves a URL or touches the network (t.co short links stay as they are).
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from urllib.parse import quote, unquote_to_bytes, urlsplit

MAX_URL_LENGTH = 2000
# An invalid item is echoed back in the modal's error; keep that message readable.
MAX_INVALID_ITEM_LENGTH = 100

_SCHEMES = ("http", "https")
# Mobile and www variants serve the same page; only stripped when a real domain remains (www.jp stays).
_HOST_PREFIXES = ("www.", "mobile.", "m.")
# Embed-fixing mirrors people share instead of the post itself, including their d./ja. subdomains.
_X_MIRRORS = ("fxtwitter.com", "vxtwitter.com", "fixupx.com", "fixvx.com")
_TRACKING_KEYS = frozenset(
    {
        b"fbclid", b"gclid", b"dclid", b"msclkid", b"igshid", b"igsh", b"mc_cid", b"mc_eid", b"ref_src", b"ref_url",
        b"_ga", b"_gl", b"yclid", b"si", b"gbraid", b"wbraid", b"twclid", b"ttclid", b"mibextid",
    }
)  # fmt: skip
# Share tracking that only means tracking on these hosts (t is a timestamp on YouTube, so not dropped there).
_HOST_TRACKING_KEYS = {
    "x.com": frozenset({b"s", b"t"}),
    "youtube.com": frozenset({b"feature", b"ab_channel", b"pp"}),
}
# RFC 3986 pchar minus the unreserved characters, which quote() never encodes anyway.
_PATH_SAFE = ":@!$&'()*+,;="
# What may stay literal inside a query key or value: not the & = + that structure the query.
_QUERY_SAFE = ":@!$'()*,;/?"
_HOST = re.compile(r"[\w.\-\u3002\uff0e\uff61]+|\[[0-9a-f:.]+\]", re.IGNORECASE)
_HOST_AND_PORT = re.compile(r"(?P<host>\[[^\]]*\]|[^:]*)(?::(?P<port>[0-9]*))?")
_DEFAULT_PORTS = (80, 443)  # the scheme is ignored, so both defaults mean "no port"
_DIGITS = re.compile(rb"[0-9]+")

# Modal field separators. A bare comma only separates before whitespace, the end or the next URL,
# because commas occur inside real URLs (Google Maps /@34.67,133.74,15z, Wikipedia titles).
_FIELD_SEPARATOR = re.compile(r"[\s、，\u200b-\u200d\u2060\ufeff]+|,+(?=\s|$|https?://)", re.IGNORECASE)
_OPENERS = "<「『（(【["
_CLOSERS = ">」』）)】]"
_LEADING_JUNK = "\"'“‘"
_TRAILING_JUNK = "。、.,，．:;!?！？\"'”’"

# In Slack's message text a link is <url> or <url|label>; <@U…>, <#C…|…> and <!…> share that shape.
# Bare URLs are a fallback (Slack normally wraps them) and stop at the first non-ASCII character, since
# Japanese prose runs straight into them ("詳細はhttps://…です"); Slack escapes < > as &lt; &gt;.
_SLACK_LINK_OR_BARE_URL = re.compile(
    r"<(?P<target>[^<>|]*)(?:\|[^<>]*)?>|(?P<bare>https?://(?:(?!&[lg]t;)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%])+)",
    re.IGNORECASE,
)


def normalize(url: str) -> str:
    """The key under which two URLs of the same post compare equal: https, canonical host, path and query.

    Raises ValueError for anything but an absolute http(s) URL with a host.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in _SCHEMES:
        raise ValueError("not an http(s) URL")
    host, port = _host_and_port(parts.netloc)
    segments = _path_segments(parts.path)
    pairs = _query_pairs(parts.query)

    if host == "youtu.be" and segments:
        # The share button's short form of youtube.com/watch?v=<id>.
        host, pairs, segments = "youtube.com", [(b"v", segments[0]), *pairs], [b"watch"]
    if host == "x.com" and segments:
        if (post_id := _x_status_id(segments)) is not None:
            # The id alone identifies a post; the user part changes with renames, the rest are sub-views.
            return f"https://x.com/i/status/{post_id}"
        segments[0] = segments[0].lower()  # a user name (case-insensitive) or a lower-case route like "i"

    dropped = _HOST_TRACKING_KEYS.get(host, frozenset())
    kept = sorted((key, value) for key, value in pairs if not _is_tracking(key.lower(), dropped))
    path = "".join("/" + quote(segment, safe=_PATH_SAFE) for segment in segments)
    query = "&".join(f"{quote(key, safe=_QUERY_SAFE)}={quote(value, safe=_QUERY_SAFE)}" for key, value in kept)
    return f"https://{host}{port}{path}" + (f"?{query}" if query else "")


def parse_urls(text: str) -> tuple[list[str], list[str]]:
    """A modal's URL field: (valid URLs in order, one per post; invalid items as typed, shortened)."""
    valid: dict[str, str] = {}
    invalid: list[str] = []
    for item in _FIELD_SEPARATOR.split(text):
        candidate = item
        if candidate.startswith("<") and candidate.endswith(">"):
            candidate = candidate[1:-1].partition("|")[0]  # pasted in Slack's <url|label> form
        candidate = _strip_surroundings(candidate)
        if not candidate:
            continue
        key = _key_if_valid(candidate)
        if key is None:
            shown = item if len(item) <= MAX_INVALID_ITEM_LENGTH else item[: MAX_INVALID_ITEM_LENGTH - 1] + "…"
            if shown not in invalid:
                invalid.append(shown)
        else:
            valid.setdefault(key, candidate)
    return list(valid.values()), invalid


def links_in_message(text: str) -> list[str]:
    """The http(s) links in a Slack message's text, in order of appearance, one per post, &amp; unescaped."""
    links: dict[str, str] = {}
    for match in _SLACK_LINK_OR_BARE_URL.finditer(text):
        target, bare = match.group("target"), match.group("bare")
        # Slack's own <…> holds the exact URL; a bare one may have picked up the sentence's punctuation.
        url = _unescape(target if target is not None else _strip_surroundings(bare))
        if (key := _key_if_valid(url)) is not None:
            links.setdefault(key, url)
    return list(links.values())


def _key_if_valid(url: str) -> str | None:
    """normalize(url) if the URL may be accepted; the key's length is checked too, so both fit a column."""
    if not url or len(url) > MAX_URL_LENGTH:
        return None
    # Whitespace, control and format characters (zero-width, bidi overrides that disguise a URL) reject it.
    if any(unicodedata.category(char)[0] in "CZ" for char in url):
        return None
    try:
        key = normalize(url)
    except ValueError:
        return None
    return key if len(key) <= MAX_URL_LENGTH else None


def _host_and_port(netloc: str) -> tuple[str, str]:
    match = _HOST_AND_PORT.fullmatch(netloc.rpartition("@")[2])  # userinfo never identifies a page
    if match is None:
        raise ValueError("malformed host or port")
    host = match.group("host").rstrip(".\u3002\uff0e\uff61")  # the root's trailing dot names the same host
    if not host or not _HOST.fullmatch(host):
        raise ValueError("missing or malformed host")
    # IDNA maps Unicode and full-width hosts to the punycode form browsers resolve; a host it cannot
    # encode (e.g. an over-long label) still compares in its lower-cased form.
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    host = host.lower()
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and "." in host[len(prefix) :]:
            host = host[len(prefix) :]
            break
    if host == "twitter.com" or host.endswith(".twitter.com"):
        host = host.removesuffix("twitter.com") + "x.com"
    if any(host == mirror or host.endswith("." + mirror) for mirror in _X_MIRRORS):
        host = "x.com"

    port = match.group("port") or ""
    if port and int(port) > 65535:
        raise ValueError("port out of range")
    return host, "" if not port or int(port) in _DEFAULT_PORTS else f":{int(port)}"


def _path_segments(path: str) -> list[bytes]:
    """Decoded segments: empty ones (// and the trailing slash) dropped, dot segments resolved.

    Decoding per segment keeps %2F distinct from /; bytes keep invalid UTF-8 distinct instead of replaced.
    """
    segments: list[bytes] = []
    for raw in path.split("/"):
        segment = unquote_to_bytes(raw)
        if segment == b"..":
            if segments:
                segments.pop()
        elif segment not in (b"", b"."):
            segments.append(segment)
    return segments


def _query_pairs(query: str) -> list[tuple[bytes, bytes]]:
    """Decoded (key, value) pairs; + is a space in a query, so q=a+b equals q=a%20b but not q=a%2Bb."""
    pairs = []
    for field in query.split("&"):
        if field:
            key, _, value = field.partition("=")
            pairs.append((unquote_to_bytes(key.replace("+", " ")), unquote_to_bytes(value.replace("+", " "))))
    return pairs


def _is_tracking(key: bytes, host_keys: frozenset[bytes]) -> bool:
    return key.startswith(b"utm_") or key in _TRACKING_KEYS or key in host_keys


def _x_status_id(segments: list[bytes]) -> str | None:
    match [segment.lower() for segment in segments]:
        case [b"i", b"web", b"status", post_id, *_] | [_, b"status" | b"statuses", post_id, *_]:
            return post_id.decode("ascii") if _DIGITS.fullmatch(post_id) else None
    return None


def _strip_surroundings(item: str) -> str:
    """Drop brackets around a URL and punctuation after it; a closer the URL itself opened stays (Soja_(Okayama))."""
    while True:
        trimmed = item.lstrip(_LEADING_JUNK).rstrip(_TRAILING_JUNK)
        if trimmed and trimmed[0] in _OPENERS:
            trimmed = trimmed[1:]
        if trimmed and trimmed[-1] in _CLOSERS:
            opener = _OPENERS[_CLOSERS.index(trimmed[-1])]
            if trimmed.count(trimmed[-1]) > trimmed.count(opener):
                trimmed = trimmed[:-1]
        if trimmed == item:
            return item
        item = trimmed


def _unescape(text: str) -> str:
    # &amp; last, so an escaped "&lt;" (&amp;lt;) stays the literal text it was.
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
