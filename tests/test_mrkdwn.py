"""User text in Slack mrkdwn: typed mentions and links stay inert."""

from __future__ import annotations

import re

import pytest

from bot.mrkdwn import escape

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
