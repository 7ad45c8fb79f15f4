"""Realistic drafts for the linter: Japanese announcements of a city's official accounts, 100–600
characters, about one in four with something the guideline's checks should find."""

from __future__ import annotations

import random
from dataclasses import dataclass

HEADINGS = (
    "【お知らせ】",
    "【イベント情報】",
    "【募集】",
    "【防災情報】",
    "【観光情報】",
    "【子育て支援】",
    "■お知らせ■",
    "",
)
EVENTS = (
    "総社吉備路もてなしウォーク",
    "雪舟生誕地の茶会",
    "備中国分寺ライトアップ",
    "総社宵まつり",
    "きびじ花回廊フェスタ",
)
PLACES = ("総社市民会館", "サンロード吉備路", "総社市役所東庁舎", "きびじアリーナ", "備中国分寺周辺")
SENTENCES = (
    "{month}月{day}日（{weekday}）、{place}で「{event}」を開催します。",
    "当日は{start}時から{end}時まで、どなたでも無料でご参加いただけます。",
    "参加を希望される方は、{month}月{deadline}日までに市ホームページの申込フォームからお申し込みください。",
    "駐車場には限りがありますので、できるだけ公共交通機関をご利用ください。",
    "雨天の場合は内容を一部変更して実施します。最新の情報は市の公式アカウントでお知らせします。",
    "小さなお子さま連れの方も安心してお楽しみいただけるよう、授乳室とおむつ替えスペースを用意しています。",
    "会場では地元の農家による新鮮な野菜や果物の販売もあります。ぜひお立ち寄りください。",
    "皆さまのご来場を心よりお待ちしています。",
    "詳しくは市ホームページをご覧ください。https://www.city.soja.okayama.jp/kanko/event/{page}.html",
    "大雨警報の発表に伴い、{place}を避難所として開設しました。早めの避難をお願いします。",
    "今年度の市民提案型協働事業の募集を始めました。地域の課題解決に取り組む団体の応募をお待ちしています。",
    "応募用紙は各地区の市民センターでも配布しています。",
    "#総社市 #吉備路 #岡山",
    "今年は昨年より多くの出店があり、{count}店舗が参加します。",
    "マスクの着用は個人の判断に委ねられていますが、体調の優れない方は来場をお控えください。",
)
# What the guideline's checks are there to find.
FINDINGS = (
    "お問い合わせは担当の山田（090-1234-5678）までお願いします。",
    "申込みはメールで yamada.taro@example.jp へ。",
    "集合場所は総社市中央一丁目1番1号の駐車場です。",
    "当日は○○さんによるトークショーもあります。",
    "開催時間は現在調整中です。",
    "ここだけの話ですが、来年度は規模を拡大する予定です。",
    "拡散希望！",
    "ネットのデマに惑わされないでください。",
    "写真はこちら http://www.city.soja.okayama.jp/photo/{page}.html",
)
WEEKDAYS = "月火水木金土日"


PLATFORMS = ("x", "x", "facebook", "instagram", "line")  # X counts weighted: 280 = 140 full-width characters


@dataclass(frozen=True)
class Draft:
    text: str
    platform: str  # the account's: its length limit applies
    previous: tuple[str, ...]  # the account's texts of the last 14 days (the repetition check's memory)


def drafts(count: int, seed: int = 610) -> list[Draft]:
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    history: dict[int, list[str]] = {}
    result = []
    for _ in range(count):
        account = rng.randrange(40)
        earlier = history.setdefault(account, [])
        repeat = earlier and rng.random() < 0.03  # a repeat of the account's last post
        text = earlier[-1] + "（再掲）" if repeat else _announcement(rng)
        result.append(Draft(text, PLATFORMS[account % len(PLATFORMS)], tuple(earlier[-20:])))
        earlier.append(text)
    return result


def _announcement(rng: random.Random) -> str:
    target = rng.randint(100, 600)
    slots = {
        "month": rng.randint(1, 12),
        "day": rng.randint(1, 28),
        "deadline": rng.randint(1, 28),
        "weekday": rng.choice(WEEKDAYS),
        "place": rng.choice(PLACES),
        "event": rng.choice(EVENTS),
        "start": rng.randint(9, 13),
        "end": rng.randint(14, 17),
        "page": rng.randint(1000, 9999),
        "count": rng.randint(20, 80),
    }
    parts = [rng.choice(HEADINGS) + SENTENCES[0].format(**slots)]
    for sentence in rng.sample(SENTENCES[1:], len(SENTENCES) - 1):
        if sum(len(p) for p in parts) >= target:
            break
        parts.append(sentence.format(**slots))
    if rng.random() < 0.25:
        parts.insert(rng.randrange(1, len(parts) + 1), rng.choice(FINDINGS).format(**slots))
    text = "\n".join(parts)
    return text[:600]
