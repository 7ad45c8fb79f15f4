"""User text in Slack mrkdwn: typed mentions and links stay inert."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.catalog import t
from bot.mrkdwn import escape, fit, fit_escaped, fitting, joined, was_cut

# What Slack turns into a mention, a broadcast or a link: <...> with a live opening bracket.
CONTROL = re.compile(r"<[^>]*>")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<!here>", "&lt;!here&gt;"),
        ("<!everyone>", "&lt;!everyone&gt;"),
        ("<@U123>", "&lt;@U123&gt;"),
        ("<#C0SEC|秘書室>", "&lt;#C0SEC|秘書室&gt;"),
        ("<https://evil|click>", "&lt;https://evil|click&gt;"),
        ("<!subteam^S123>", "&lt;!subteam^S123&gt;"),
    ],
)
def test_control_sequences_become_inert(typed: str, expected: str) -> None:
    escaped = escape(typed)

    assert escaped == expected
    assert not CONTROL.search(escaped)


def test_control_sequence_inside_a_sentence() -> None:
    assert escape("至急 <!channel> 確認 <@U0HEADKANKO> さん") == "至急 &lt;!channel&gt; 確認 &lt;@U0HEADKANKO&gt; さん"


def test_ampersand_is_escaped_first() -> None:
    # A user who types "&lt;" means those four characters, not "<".
    assert escape("&lt;!channel&gt;") == "&amp;lt;!channel&amp;gt;"
    assert escape("A&B") == "A&amp;B"
    assert escape("&amp;") == "&amp;amp;"


def test_escaping_is_not_idempotent_on_purpose() -> None:
    # Escaping escaped text escapes its ampersands again: callers escape exactly once.
    assert escape(escape("<")) == "&amp;lt;"


def test_block_quote_and_formatting_marks() -> None:
    # Only &, < and > change: *bold*, `code` and the rest of mrkdwn formatting stay as the user wrote them.
    assert escape("> quote *bold* _it_ ~s~ `code`") == "&gt; quote *bold* _it_ ~s~ `code`"
    assert escape("1 < 2 && 3 > 2") == "1 &lt; 2 &amp;&amp; 3 &gt; 2"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "観光プロモーション課の投稿を承認しました。",
        "総社市 SNS活用ガイドライン 4(2)③",
        "＜全角の山括弧＞と＆記号",
        "@here !channel #koho",
        "改行\nタブ\t\"quotes\" 'apostrophes' 100% *bold* `code`",
        "絵文字 🎉 :tada:",
    ],
)
def test_text_without_the_three_characters_is_returned_as_is(text: str) -> None:
    assert escape(text) == text


def test_only_three_characters_change() -> None:
    every_ascii = "".join(chr(code) for code in range(32, 127))

    escaped = escape(every_ascii)

    assert escaped.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "") == every_ascii.translate(
        str.maketrans("", "", "&<>")
    )
    assert escaped.count("&") == 3


# -- cutting to fit ----------------------------------------------------------------------------------


@given(st.text(alphabet="<>&a*_~ 漢", max_size=400), st.integers(min_value=2, max_value=300))
def test_a_cut_keeps_every_escape_whole_and_says_so(typed: str, limit: int) -> None:
    shown = fit_escaped(typed, limit)

    assert len(shown) <= limit
    assert not re.search(r"&(?!amp;|lt;|gt;)", shown)  # never "&am…"
    if was_cut(escape(typed), limit):
        assert shown.endswith("…")
        assert escape(typed).startswith(shown[:-1])
    else:
        assert shown == escape(typed)


def test_a_cut_never_splits_a_mention() -> None:
    text = "確認: <@U0HEADKANKO> さん"

    assert fit(text, 10) == "確認: …"


def test_people_beyond_the_limit_are_counted() -> None:
    names = [f"<@U{n:04}>" for n in range(40)]

    shown = joined(names, 100)

    assert len(shown) <= 100
    assert shown.endswith(t("common.others", count=30))  # ten of nine characters each, then 「 ほか 30 名」
    assert shown.startswith("<@U0000>、<@U0001>")


def test_whole_items_only() -> None:
    urls = ["https://a.jp/" + "a" * 10, "https://b.jp/" + "b" * 10]

    assert fitting(urls, 47, "\n") == urls  # 23 + 1 + 23
    assert fitting(urls, 46, "\n") == urls[:1]
    assert joined(urls, 200, separator="\n") == "\n".join(urls)
