"""The guideline's checks on a post's text (bot.lint): what fires, what must not, and where it points."""

from __future__ import annotations

import json
import random

import pytest
from twitter_text import parse_tweet

from bot.catalog import keys as catalog_keys
from bot.catalog import t
from bot.lint import (
    DEFAULT_FORBIDDEN_WORDS,
    Finding,
    LintSettings,
    Rule,
    Severity,
    lint,
    normalise_for_repetition,
    weighted_length,
)

PI, FUSEJI, UNDECIDED, FLASHPOINT, LINK = (
    Rule.PERSONAL_INFO,
    Rule.FUSEJI,
    Rule.UNDECIDED,
    Rule.FLASHPOINT,
    Rule.INSECURE_LINK,
)
CLEAN: set[tuple[Rule, str]] = set()

ANNOUNCEMENT = (
    "【桃太郎まつり】令和8年8月1日（土）18:00〜21:00、総社市役所前広場で第12回桃太郎まつりを予定どおり開催します。"
    "雨天時は翌日に順延します。参加費は無料、駐車場は1,200台分です。"
    "詳しくは https://www.city.soja.okayama.jp/kanko/event/20260801.html をご覧ください。"
)

CASES: list[tuple[str, set[tuple[Rule, str]]]] = [
    # 個人情報: phone numbers in Japanese formats, half- and full-width
    ("お問い合わせは03-1234-5678まで", {(PI, "03-1234-5678")}),
    ("携帯 090-1234-5678 へ", {(PI, "090-1234-5678")}),
    ("フリーダイヤル0120-123-456", {(PI, "0120-123-456")}),
    ("海外からは+81 3-1234-5678へ", {(PI, "+81 3-1234-5678")}),
    ("電話は０９０－１２３４－５６７８まで", {(PI, "０９０－１２３４－５６７８")}),
    ("TEL (0866)92-8200", {(PI, "(0866)92-8200")}),
    ("㈱総社の山田さん（090-1234-5678）", {(PI, "090-1234-5678")}),
    # e-mail addresses, My Number shapes, addresses down to the lot
    ("担当 yamada.taro@example.co.jp まで", {(PI, "yamada.taro@example.co.jp")}),
    ("連絡先はｙａｍａｄａ＠ｅｘａｍｐｌｅ．ｊｐです", {(PI, "ｙａｍａｄａ＠ｅｘａｍｐｌｅ．ｊｐ")}),
    ("番号は1234 5678 9012です", {(PI, "1234 5678 9012")}),
    ("マイナンバー１２３４－５６７８－９０１２を", {(PI, "１２３４－５６７８－９０１２")}),
    ("控え123456789012", {(PI, "123456789012")}),
    ("会場は総社市中央一丁目1番1号です", {(PI, "総社市中央一丁目1番1号")}),
    ("自宅は山田町123番地の4にある", {(PI, "山田町123番地の4")}),
    ("中央1丁目2-3の前", {(PI, "中央1丁目2-3")}),
    # 個人情報 must not fire on dates, times, prices, years, postal codes, links, numbering
    ("2026-04-01に開催", CLEAN),
    ("2026/4/1（水）", CLEAN),
    ("令和8年4月1日から", CLEAN),
    ("受付は10:00〜12:00です", CLEAN),
    ("2026-04-01 10:00-12:00", CLEAN),
    ("参加費1,200円", CLEAN),
    ("入場料¥12,000（税込）", CLEAN),
    ("第12回総社市民まつり", CLEAN),
    ("〒719-1192 総社市役所", CLEAN),
    ("https://www.city.soja.okayama.jp/0866928200/index.html", CLEAN),
    ("受付番号1234567890123", CLEAN),
    ("202604011030受付", CLEAN),
    ("事件や事故は110番通報を", CLEAN),
    ("中央一丁目の皆さん", CLEAN),
    # 伏せ字: runs of one hiding mark, also inside words
    ("〇〇課長が出席します", {(FUSEJI, "〇〇")}),
    ("××さんの件", {(FUSEJI, "××")}),
    ("△△地区で", {(FUSEJI, "△△")}),
    ("＊＊＊さんより", {(FUSEJI, "＊＊＊")}),
    ("**さんより", {(FUSEJI, "**")}),
    ("■■■の件", {(FUSEJI, "■■■")}),
    ("担当は ○○ です", {(FUSEJI, "○○")}),
    ("〇〇町〇丁目〇番〇号", {(FUSEJI, "〇〇")}),
    ("〇○さん", {(FUSEJI, "〇○")}),  # 〇 (kanji zero) and ○ (circle) look alike and are mixed up
    ("〇〇××さん", {(FUSEJI, "〇〇"), (FUSEJI, "××")}),
    # 伏せ字 must not fire on bullets, quiz marks, kanji zeros, separators, headings, markdown emphasis
    ("○ 日時: 4月1日\n○ 場所: 市役所", CLEAN),
    ("・日時: 4月1日", CLEAN),
    ("○×クイズ大会", CLEAN),
    ("二〇〇〇年に開館", CLEAN),
    ("■■■■■■\n本文\n■■■■■■", CLEAN),
    ("本文\n■■□□■■", CLEAN),
    ("■■ お知らせ ■■", CLEAN),
    ("**重要**なお知らせ", CLEAN),
    # 意思形成過程・未発表
    ("詳細は未定です", {(UNDECIDED, "未定")}),
    ("現在検討中の事業", {(UNDECIDED, "検討中")}),
    ("内部資料によると", {(UNDECIDED, "内部資料")}),
    ("ｳﾜｻによると", {(UNDECIDED, "ｳﾜｻ")}),
    ("極秘の噂です", {(UNDECIDED, "極秘"), (UNDECIDED, "噂")}),
    ("移住をご検討中の方へ", CLEAN),
    ("予定どおり開催します", CLEAN),
    # けんか・炎上の火種 (default list)
    ("拡散希望！", {(FLASHPOINT, "拡散希望")}),
    ("ﾃﾞﾏに注意", {(FLASHPOINT, "ﾃﾞﾏ")}),
    ("違法ダウンロードはやめよう", {(FLASHPOINT, "違法ダウンロード")}),
    ("デマンドタクシー雪舟くん", CLEAN),
    ("イエローカード", CLEAN),
    # links that are not https (and digits inside links are not phone numbers)
    ("詳しくは http://example.jp/event?id=0312345678 へ", {(LINK, "http://example.jp/event?id=0312345678")}),
    ("（http://example.jp）", {(LINK, "http://example.jp")}),
    ("HTTP://EXAMPLE.JP/A と https://example.jp/b", {(LINK, "HTTP://EXAMPLE.JP/A")}),
    ("https://example.jp/?tel=09012345678", CLEAN),
    # several rules at once, offsets past characters that normalise to more or fewer characters
    ("…〇〇さん（03-1234-5678）", {(FUSEJI, "〇〇"), (PI, "03-1234-5678")}),
    ("か\u3099っこうの電話 03-1234-5678", {(PI, "03-1234-5678")}),
    ("ｶﾞｲﾄﾞの〇〇さん", {(FUSEJI, "〇〇")}),
    # an ordinary announcement
    (ANNOUNCEMENT, CLEAN),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_table(text: str, expected: set[tuple[Rule, str]]) -> None:
    findings = lint(text)

    assert {(f.rule, f.excerpt) for f in findings} == expected
    for finding in findings:
        assert text[finding.start : finding.end] == finding.excerpt  # offsets into the text as written
        assert finding.severity == (Severity.BLOCK if finding.rule == Rule.PERSONAL_INFO else Severity.WARN)


def test_the_table_is_large_and_mixed() -> None:
    assert len(CASES) >= 40
    assert sum(1 for _, expected in CASES if expected == CLEAN) >= 15


def test_findings_sorted_by_start_and_pointing_at_each_occurrence() -> None:
    text = "未定の件。〇〇さんの電話 090-1234-5678。未定です。http://example.jp"

    findings = lint(text)

    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert [(f.rule, f.start, f.end) for f in findings] == [
        (Rule.UNDECIDED, 0, 2),
        (Rule.FUSEJI, 5, 7),
        (Rule.PERSONAL_INFO, 13, 26),
        (Rule.UNDECIDED, 27, 29),
        (Rule.INSECURE_LINK, 32, 49),
    ]


def test_personal_info_blocks_and_the_rest_warns() -> None:
    text = "〇〇さん 03-1234-5678 未定 拡散希望 http://example.jp"

    severities = {f.rule: f.severity for f in lint(text)}

    assert severities == {
        Rule.PERSONAL_INFO: Severity.BLOCK,
        Rule.FUSEJI: Severity.WARN,
        Rule.UNDECIDED: Severity.WARN,
        Rule.FLASHPOINT: Severity.WARN,
        Rule.INSECURE_LINK: Severity.WARN,
    }


def test_messages_name_the_guideline_clause() -> None:
    (phone,) = lint("電話 090-1234-5678")

    assert phone.message == (
        "個人情報の可能性（電話番号）: 本人・関係者の了解を得ているか、公開情報か確認してください（4(2)②・4(3)①）"
    )
    (word,) = lint("詳細は未定です")
    assert "「未定」" in word.message
    assert "4(3)①" in word.message


def test_every_message_template_formats_and_names_a_clause() -> None:
    lint_keys = [key for key in catalog_keys() if key.startswith("lint.")]
    assert len(lint_keys) == 11
    for key in lint_keys:
        message = t(key, excerpt="〇〇", percent=100, count=300, limit=280)
        assert "{" not in message, key
        assert "（" in message, key


# -- 同じ内容の繰り返し -----------------------------------------------------------------------------------

POST = "桃太郎まつりを8月1日に開催します。皆さまのお越しをお待ちしています。 https://www.city.soja.okayama.jp/a"


def test_normalise_for_repetition_ignores_width_spaces_links_and_case() -> None:
    assert normalise_for_repetition("ＡＢＣ　ｄｅｆ\n１２３ https://example.jp/x?y=1 です") == "abcdef123です"


@pytest.mark.parametrize(
    "earlier",
    [
        POST,
        # differing only in width, spaces and the link
        "桃太郎まつりを８月１日に開催します。 皆さまのお越しを お待ちしています。\nhttp://example.jp/other",
        # nearly the same: one word changed
        "桃太郎まつりを8月1日に開催します。皆さまのご来場をお待ちしています。",
    ],
)
def test_repetition_of_the_same_or_nearly_the_same_text(earlier: str) -> None:
    findings = [f for f in lint(POST, previous=["まったく別のお知らせです。", earlier]) if f.rule == Rule.REPETITION]

    assert len(findings) == 1
    (finding,) = findings
    assert (finding.start, finding.end, finding.excerpt) == (0, len(POST), POST)
    assert finding.severity == Severity.WARN


@pytest.mark.parametrize(
    "earlier",
    [
        "花火大会を8月15日に開催します。雨天の場合は中止とし、市ホームページでお知らせします。",
        "",
        "https://www.city.soja.okayama.jp/a",
    ],
)
def test_no_repetition_for_different_text(earlier: str) -> None:
    assert not [f for f in lint(POST, previous=[earlier]) if f.rule == Rule.REPETITION]


def test_short_texts_repeat_only_when_equal() -> None:
    assert [f.rule for f in lint("おはようございます！", previous=["おはようございます！"])] == [Rule.REPETITION]
    assert lint("おはようございます！", previous=["おはようございました！"]) == []


def test_previous_may_be_any_iterable() -> None:
    assert [f.rule for f in lint(POST, previous=iter([POST]))] == [Rule.REPETITION]


# -- 文字数 -------------------------------------------------------------------------------------------------


def _length(text: str, settings: LintSettings = LintSettings()) -> list[Finding]:  # noqa: B008 (frozen)
    return [f for f in lint(text, settings) if f.rule == Rule.LENGTH]


def test_x_counts_full_width_as_two() -> None:
    assert _length("あ" * 140) == []

    (finding,) = _length("あ" * 141)
    assert (finding.start, finding.end) == (140, 141)
    assert "282／280" in finding.message


def test_x_counts_ascii_as_one() -> None:
    assert _length("a" * 280) == []

    (finding,) = _length("a" * 281)
    assert (finding.start, finding.end, finding.excerpt) == (280, 281, "a")


def test_x_counts_a_link_as_23_however_long() -> None:
    text = "あ" * 120 + " https://www.city.soja.okayama.jp/" + "x" * 300

    assert len(text) > 280
    assert _length(text) == []
    # 240 + 1 + 23 + 1 = 265 before the new あ: the eighth takes it to 281.
    assert _length(text + " " + "あ" * 20)[0].start == len(text) + 1 + 7


def test_x_short_links_can_take_a_short_text_over() -> None:
    text = "t.co " * 12  # X links t.co without http://

    assert len(text) <= 140
    (finding,) = _length(text)
    assert finding.start == 55  # the twelfth link takes 11 × 24 = 264 to 287
    assert finding.excerpt == "t.co "


def test_length_offsets_point_into_the_text_as_written() -> None:
    text = "\u304b\u3099" * 141  # が written as か + combining mark: X counts 141 characters of 2

    (finding,) = _length(text)
    assert (finding.start, finding.end) == (280, 282)


@pytest.mark.parametrize(
    "text",
    [
        "english text 日本語 😷 https://example.com",
        "家族👨‍👩‍👧と☀️、🇯🇵、1️⃣、👍🏻、© ® ™ " * 5,
        "改行\r\nあり\rなし\n" * 10,
        "example.com と t.co と http://総社.jp と www.city.soja.okayama.jp/a?b=1 " * 3,
        "ｶﾞｲﾄﾞ ｶ\uff9e ＡＢＣ …",
        "",
    ],
)
def test_weighted_length_agrees_with_twitter_text(text: str) -> None:
    assert weighted_length(text) == parse_tweet(text).weightedLength


def test_plain_character_limit_for_other_platforms() -> None:
    settings = LintSettings(length_limit=500, weighted=False)

    assert _length("あ" * 500, settings) == []
    (finding,) = _length("あ" * 501, settings)
    assert (finding.start, finding.end) == (500, 501)
    assert "501／500" in finding.message


# -- けんか・炎上の火種 ---------------------------------------------------------------------------------------


def test_default_forbidden_words_catch_an_obvious_entry() -> None:
    assert "違法ダウンロード" in DEFAULT_FORBIDDEN_WORDS
    (finding,) = lint("違法ダウンロードのすすめ")
    assert (finding.rule, finding.excerpt) == (Rule.FLASHPOINT, "違法ダウンロード")


def test_custom_forbidden_words_replace_the_default() -> None:
    settings = LintSettings(forbidden_words=("桃太郎", "ＡＢＣ"))

    findings = lint("桃太郎とabcの拡散希望", settings)

    assert [(f.rule, f.excerpt) for f in findings] == [(Rule.FLASHPOINT, "桃太郎"), (Rule.FLASHPOINT, "abc")]
    assert lint("拡散希望", LintSettings(forbidden_words=())) == []


def test_settings_in_the_order_the_draft_flow_passes_them() -> None:
    settings = LintSettings(("桃太郎",), 10, False)

    assert {f.rule for f in lint("桃太郎" * 4, settings)} == {Rule.FLASHPOINT, Rule.LENGTH}


# -- the result ---------------------------------------------------------------------------------------------


def test_to_dict_shape() -> None:
    (finding,) = lint("電話 090-1234-5678")

    data = finding.to_dict()

    assert data == {
        "rule": "personal_info",
        "severity": "block",
        "start": 3,
        "end": 16,
        "excerpt": "090-1234-5678",
        "message": finding.message,
    }
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert type(data["rule"]) is str  # plain strings, not the enums
    assert type(data["severity"]) is str


def test_empty_text_is_clean() -> None:
    assert lint("") == []
    assert lint("", previous=[""]) == []


def test_offsets_hold_for_text_that_normalises_to_another_length() -> None:
    # Characters that expand (…, ㈱, ①), merge (ｶﾞ, か + ゛), or fold (ß) around every kind of finding.
    pieces = ["…", "㈱", "ｶﾞ", "\u304b\u3099", "ß", "ＡＢ", "\r\n", "〇〇", "０９０－１２３４－５６７８", "未定", "ﾃﾞﾏ"]
    pieces += ["http://example.jp ", "yamada@example.jp ", "1丁目2番3号", "1234 5678 9012 ", "あ", " "]
    rng = random.Random(4)  # fixed: the same texts on every run
    seen: set[Rule] = set()
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        for finding in lint(text, LintSettings(length_limit=60)):
            seen.add(finding.rule)
            assert 0 <= finding.start < finding.end <= len(text), text
            assert text[finding.start : finding.end] == finding.excerpt, text

    assert seen == set(Rule) - {Rule.REPETITION}
