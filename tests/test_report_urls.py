"""Report URLs: every form of one post gets one key, different posts never share one, input is read safely."""

from __future__ import annotations

import pytest

from bot.urls import MAX_URL_LENGTH, links_in_message, normalize, parse_urls

POST = "1790000000000000001"
POST_KEY = f"https://x.com/i/status/{POST}"


@pytest.mark.parametrize(
    "url",
    [
        f"https://x.com/soja_city/status/{POST}",
        f"http://twitter.com/soja_city/status/{POST}",
        f"https://www.twitter.com/Soja_City/status/{POST}/",
        f"https://mobile.twitter.com/soja_city/status/{POST}?s=20&t=AbCdEfGh",
        f"https://m.twitter.com/soja_city/statuses/{POST}",
        f"https://twitter.com/i/web/status/{POST}",
        f"https://x.com/i/status/{POST}",
        f"https://x.com/soja_city/status/{POST}/photo/1",
        f"https://x.com/soja_city/status/{POST}/video/1",
        f"https://x.com/renamed_account/status/{POST}",
        f"https://x.com/soja_city/status/{POST}?ref_src=twsrc%5Etfw#top",
        f"https://fxtwitter.com/soja_city/status/{POST}",
        f"https://vxtwitter.com/soja_city/status/{POST}",
        f"https://fixupx.com/soja_city/status/{POST}",
        f"https://d.fxtwitter.com/soja_city/status/{POST}",
        f"HTTPS://X.COM/SOJA_CITY/STATUS/{POST}",
    ],
)
def test_every_form_of_one_x_post_has_the_same_key(url: str) -> None:
    assert normalize(url) == POST_KEY


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("http://example.com/a", "https://example.com/a", id="http-vs-https"),
        pytest.param("https://example.com/a/", "https://example.com/a", id="trailing-slash"),
        pytest.param("https://example.com/", "https://example.com", id="root-slash"),
        pytest.param("https://www.city.soja.okayama.jp/a", "https://city.soja.okayama.jp/a", id="www"),
        pytest.param("https://m.facebook.com/soja/posts/1", "https://facebook.com/soja/posts/1", id="m-prefix"),
        pytest.param("https://mobile.x.com/soja", "https://x.com/soja", id="mobile-prefix"),
        pytest.param("https://Example.COM/a", "https://example.com/a", id="host-case"),
        pytest.param("http://example.com:80/a", "https://example.com:443/a", id="default-ports"),
        pytest.param("https://user:secret@example.com/a", "https://example.com/a", id="userinfo"),
        pytest.param("https://example.com.//a//b", "https://example.com/a/b", id="duplicate-slashes-root-dot"),
        pytest.param("https://example.com/a/./b/../c", "https://example.com/a/c", id="dot-segments"),
        pytest.param("https://example.com/a#comments", "https://example.com/a", id="fragment"),
        pytest.param(
            "https://www.city.soja.okayama.jp/page.html?id=123&utm_source=x&utm_medium=social&fbclid=IwAR0abc",
            "https://city.soja.okayama.jp/page.html?id=123",
            id="utm-fbclid",
        ),
        pytest.param(
            "https://example.com/?gclid=1&dclid=2&msclkid=3&igshid=4&igsh=5&mc_cid=6&mc_eid=7&_ga=8&yclid=9&si=10",
            "https://example.com/",
            id="other-trackers",
        ),
        pytest.param("https://example.com/a?UTM_Source=x&FBCLID=y", "https://example.com/a", id="tracker-case"),
        pytest.param("https://example.com/a?b=2&a=1&a=0", "https://example.com/a?a=0&a=1&b=2", id="param-order"),
        pytest.param(
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&utm_source=line",
            "https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
            id="youtube-tracking",
        ),
        pytest.param(
            "https://youtu.be/dQw4w9WgXcQ?si=AbCdEf",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            id="youtu.be",
        ),
        pytest.param(
            "https://example.jp/総社市/お知らせ",
            "https://example.jp/%E7%B7%8F%E7%A4%BE%E5%B8%82/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B",
            id="japanese-path",
        ),
        pytest.param("https://example.jp/%e7%b7%8f", "https://example.jp/%E7%B7%8F", id="hex-case"),
        pytest.param("https://example.com/%7Euser/%41", "https://example.com/~user/A", id="unreserved-decoded"),
        pytest.param("https://example.jp/?q=総社", "https://example.jp/?q=%E7%B7%8F%E7%A4%BE", id="japanese-query"),
        pytest.param("https://example.com/?q=a+b", "https://example.com/?q=a%20b", id="plus-is-space-in-query"),
        pytest.param("https://example.com/?a+b=1", "https://example.com/?a%20b=1", id="plus-is-space-in-key"),
        pytest.param("https://総社市.jp/", "https://xn--7st291dghd.jp/", id="idn-punycode"),
        pytest.param("https://ｅｘａｍｐｌｅ.com/a", "https://example.com/a", id="full-width-host"),
        pytest.param("https://x.com/SojaCity", "https://twitter.com/sojacity/", id="x-user-name-case"),
    ],
)
def test_forms_of_one_page_have_the_same_key(first: str, second: str) -> None:
    assert normalize(first) == normalize(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(f"https://x.com/soja/status/{POST}", "https://x.com/soja/status/1790000000000000002", id="posts"),
        pytest.param(
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube.com/watch?v=9bZkp7q1f7w", id="videos"
        ),
        pytest.param("https://youtu.be/dQw4w9WgXcQ", "https://youtu.be/9bZkp7q1f7w", id="short-videos"),
        pytest.param("https://youtu.be/dQw4w9WgXcQ?t=30", "https://youtu.be/dQw4w9WgXcQ", id="youtube-timestamp"),
        pytest.param("https://example.jp/page.html?id=123", "https://example.jp/page.html?id=124", id="page-ids"),
        pytest.param("https://example.jp/page.html?id=123", "https://example.jp/page.html", id="meaningful-param"),
        pytest.param("https://example.com/?s=1&t=2", "https://example.com/", id="s-t-kept-off-x"),
        pytest.param("https://example.com/a", "https://example.org/a", id="hosts"),
        pytest.param("https://example.com/a", "https://example.com/b", id="paths"),
        pytest.param("https://example.com/A", "https://example.com/a", id="path-case"),
        pytest.param("https://instagram.com/p/AbC123", "https://instagram.com/p/abc123", id="shortcode-case"),
        pytest.param("https://x.com/i/spaces/1ZkJzbdvLgyJv", "https://x.com/i/spaces/1zkjzbdvlgyjv", id="x-ids-case"),
        pytest.param("https://example.com:8080/a", "https://example.com/a", id="ports"),
        pytest.param("https://example.com/a%2Fb", "https://example.com/a/b", id="encoded-slash"),
        pytest.param("https://example.com/?q=a%2Bb", "https://example.com/?q=a+b", id="encoded-plus"),
        pytest.param("https://x.com/soja", f"https://x.com/soja/status/{POST}", id="profile-vs-post"),
        pytest.param("https://nottwitter.com/soja", "https://x.com/soja", id="twitter-lookalike"),
        pytest.param("https://www.jp/a", "https://jp/a", id="prefix-is-the-domain"),
        pytest.param("https://blog.example.com/a", "https://example.com/a", id="other-subdomain"),
    ],
)
def test_different_pages_keep_different_keys(first: str, second: str) -> None:
    assert normalize(first) != normalize(second)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        (
            "HTTP://User:pw@WWW.City.Soja.Okayama.JP:80//kurashi/page.html/?utm_source=x&id=123&b&fbclid=abc#top",
            "https://city.soja.okayama.jp/kurashi/page.html?b=&id=123",
        ),
        ("https://example.com/", "https://example.com"),
        ("https://example.com:8443/a/", "https://example.com:8443/a"),
        ("https://example.jp/総社?q=総 社", "https://example.jp/%E7%B7%8F%E7%A4%BE?q=%E7%B7%8F%20%E7%A4%BE"),
        ("https://twitter.com/search?q=%E7%B7%8F%E7%A4%BE&s=20&t=x", "https://x.com/search?q=%E7%B7%8F%E7%A4%BE"),
        ("https://twitter.com/SojaCity/", "https://x.com/sojacity"),
        ("https://help.twitter.com/ja", "https://help.x.com/ja"),
        ("https://youtu.be/dQw4w9WgXcQ?t=30", "https://youtube.com/watch?t=30&v=dQw4w9WgXcQ"),
        ("https://[2001:DB8::1]:8080/a", "https://[2001:db8::1]:8080/a"),
    ],
)
def test_key_format(url: str, key: str) -> None:
    assert normalize(url) == key


@pytest.mark.parametrize(
    "url",
    [
        f"https://twitter.com/soja/status/{POST}?s=20",
        "HTTP://WWW.Example.com//a/%7Eb/?utm_source=x&z=1&a=%e7%b7%8f#f",
        "https://youtu.be/dQw4w9WgXcQ?si=x",
        "https://example.com/a%2Fb?q=a+b&r=a%2Bb&s=x%3Dy",
        "https://総社市.jp/総社",
    ],
)
def test_a_key_is_its_own_key(url: str) -> None:
    key = normalize(url)

    assert normalize(key) == key


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.com/file",
        "www.example.com",
        "example.com/page",
        "https://",
        "https:///path",
        "https:example.com",
        "https://:443/",
        "https://exa mple.com/",
        "https://example.com:99999/",
        "https://example.com:http/",
        "https://<script>/",
    ],
)
def test_normalize_refuses_what_is_not_an_http_url(url: str) -> None:
    with pytest.raises(ValueError, match=r"URL|host|port"):
        normalize(url)


def test_the_modal_field_splits_on_every_separator() -> None:
    text = (
        "https://a.example/1\nhttps://b.example/2\u3000https://c.example/3,https://d.example/4、"
        "https://e.example/5, https://f.example/6\thttps://g.example/7　"
    )

    valid, invalid = parse_urls(text)

    assert valid == [f"https://{host}.example/{n}" for n, host in enumerate("abcdefg", start=1)]
    assert invalid == []


def test_full_width_space_alone_separates() -> None:
    assert parse_urls("https://a.example/1　https://b.example/2") == (
        ["https://a.example/1", "https://b.example/2"],
        [],
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://www.google.com/maps/place/総社市役所/@34.6725,133.7466,17z",
        "https://en.wikipedia.org/wiki/S%C5%8Dja,_Okayama",
        "https://en.wikipedia.org/wiki/Soja_(Okayama)",
    ],
)
def test_commas_and_brackets_inside_a_url_stay(url: str) -> None:
    assert parse_urls(url) == ([url], [])


@pytest.mark.parametrize(
    "item",
    [
        "<https://example.com/a>",
        "<https://example.com/a|ラベル>",
        "「https://example.com/a」",
        "『https://example.com/a』",
        "（https://example.com/a）",
        "(https://example.com/a)",
        "https://example.com/a。",
        "https://example.com/a、",
        "https://example.com/a.",
        "「https://example.com/a」。",
        '"https://example.com/a"',
        "\u200bhttps://example.com/a\u200b",
    ],
)
def test_brackets_and_trailing_punctuation_are_not_part_of_the_url(item: str) -> None:
    assert parse_urls(item) == (["https://example.com/a"], [])


def test_a_closer_the_url_opened_stays_when_the_item_is_bracketed() -> None:
    assert parse_urls("（https://example.com/wiki/Soja_(Okayama)）") == (
        ["https://example.com/wiki/Soja_(Okayama)"],
        [],
    )


@pytest.mark.parametrize(
    "item",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "ftp://example.com/file",
        "file:///etc/passwd",
        "mailto:koho@city.example.jp",
        "www.example.com",
        "example.com/page",
        "https://",
        "https:///path",
        "http://:80/",
        "https:example.com",
        "https://example.com/\x00",
        "https://example.com/\u202etxt.exe",
        "https://example.com:99999/",
        "見てください",
    ],
)
def test_anything_but_an_http_url_is_returned_as_invalid(item: str) -> None:
    assert parse_urls(f"https://example.com/ok {item}") == (["https://example.com/ok"], [item])


def test_invalid_items_are_shown_as_typed_and_listed_once() -> None:
    valid, invalid = parse_urls(
        "「javascript:alert(1)」 https://a.example/ javascript:alert(1) 「javascript:alert(1)」"
    )

    assert valid == ["https://a.example/"]
    assert invalid == ["「javascript:alert(1)」", "javascript:alert(1)"]


def test_a_long_invalid_item_is_shortened_for_the_message() -> None:
    item = "javascript:" + "a" * 300

    _, invalid = parse_urls(item)

    assert invalid == [item[:99] + "…"]
    assert len(invalid[0]) == 100


def test_url_length_limit() -> None:
    longest = "https://example.com/" + "a" * (MAX_URL_LENGTH - len("https://example.com/"))

    assert parse_urls(longest) == ([longest], [])
    assert parse_urls(longest + "a") == ([], [(longest + "a")[:99] + "…"])


def test_a_url_whose_key_would_not_fit_is_invalid() -> None:
    # 600 characters as typed, but 5,400 once percent-encoded: the key must fit where keys are stored.
    url = "https://example.jp/" + "総" * 600

    valid, invalid = parse_urls(url)

    assert valid == []
    assert len(invalid) == 1


def test_duplicates_in_one_field_collapse_to_the_first_as_typed() -> None:
    text = "\n".join(
        [
            f"https://twitter.com/soja/status/{POST}?s=20",
            "https://www.city.soja.okayama.jp/page.html?id=1&utm_source=x",
            f"https://x.com/soja/status/{POST}",
            f"https://x.com/soja/status/{POST}",
            "http://city.soja.okayama.jp/page.html/?id=1",
            "https://x.com/soja/status/1790000000000000002",
        ]
    )

    valid, invalid = parse_urls(text)

    assert valid == [
        f"https://twitter.com/soja/status/{POST}?s=20",
        "https://www.city.soja.okayama.jp/page.html?id=1&utm_source=x",
        "https://x.com/soja/status/1790000000000000002",
    ]
    assert invalid == []


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "　、,"])
def test_an_empty_field_has_no_items(text: str) -> None:
    assert parse_urls(text) == ([], [])


def test_links_in_a_realistic_message() -> None:
    text = (
        "<@U0123ABCD> <!here> 総社市の投稿が炎上しています。"
        f"<https://twitter.com/soja_city/status/{POST}?s=20&amp;t=AbCdEf|この投稿> と "
        "<https://www.city.soja.okayama.jp/page.html?id=123&amp;lang=ja> を確認してください。"
        f"引用元はhttps://x.com/soja_city/status/{POST}/photo/1です。"
        "まとめ: https://example.com/news/1?a=1&amp;b=2. <#C0KOHO|広報> <!subteam^S0123|@koho>"
    )

    assert links_in_message(text) == [
        f"https://twitter.com/soja_city/status/{POST}?s=20&t=AbCdEf",
        "https://www.city.soja.okayama.jp/page.html?id=123&lang=ja",
        "https://example.com/news/1?a=1&b=2",
    ]


def test_mentions_channels_and_specials_are_not_links() -> None:
    text = "<@U0123> <#C0123|general> <!here> <!channel> <!subteam^S0123|@koho> <mailto:a@example.jp|a@example.jp>"

    assert links_in_message(text) == []


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("<https://example.com/?a=1&amp;b=2>", ["https://example.com/?a=1&b=2"]),
        ("<http://example.com/a|example.com/a>", ["http://example.com/a"]),
        ("<https://example.com/a|https://example.com/b>", ["https://example.com/a"]),
        ("<javascript:alert(1)|click> <ftp://example.com/f>", []),
        ("<http://> <https://|x>", []),
        ("詳細はhttps://example.com/a/b?x=1です", ["https://example.com/a/b?x=1"]),
        ("(see https://example.com/a).", ["https://example.com/a"]),
        ("https://example.com/a&lt;b&gt;", ["https://example.com/a"]),
        (
            "https://example.com/b <https://example.com/a> https://example.com/b/",
            ["https://example.com/b", "https://example.com/a"],
        ),
        ("", []),
    ],
)
def test_links_in_message(text: str, links: list[str]) -> None:
    assert links_in_message(text) == links
