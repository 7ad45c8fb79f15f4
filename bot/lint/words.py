"""Word lists. Matching is on NFKC-normalised, case-folded text (half-width ｶﾀｶﾅ and full-width ＡＢＣ match
too), by substring: Japanese has no spaces between words, so each entry is chosen to be rare inside
ordinary words, and FORBIDDEN_EXCEPTIONS lists the ordinary words that contain an entry."""

from __future__ import annotations

# けんか・炎上の火種 (5(3)③[1]–[5], 4(3)③): a moderate starting point. app.yaml's lint.forbidden_words
# replaces it. Words a city post needs to use when warning against something (詐欺, 闇バイト, 差別) are left
# out on purpose: the list looks for the thing itself, not for talk about it.
DEFAULT_FORBIDDEN_WORDS: tuple[str, ...] = (
    # [1] 差別・差別を助長する表現 (slurs only; 土人, 外人, めくら, かたわ occur inside 郷土人形, 海外人材,
    # めくらない, かたわら and are left out)
    "キチガイ",
    "きちがい",
    "気違い",
    "ガイジ",
    "ジャップ",
    "シナ人",
    "チャンコロ",
    "部落民",
    # [2] 違法行為・その助長
    "違法ダウンロード",
    "違法アップロード",
    "海賊版",
    "脱税のすすめ",
    "脱税の方法",
    "大麻解禁",
    "闇バイト募集",
    # [3] 単なる噂・その助長 (噂 itself is an 意思形成過程・未発表 word, see UNDECIDED_WORDS)
    "デマ",
    "拡散希望",
    "拡散お願い",
    "拡散してください",
    "RT希望",
    "真偽不明",
    "未確認情報",
    "陰謀論",
    # [4] わいせつ
    "エロ",
    "セックス",
    "アダルト動画",
    "アダルトサイト",
    "わいせつ画像",
    "ヌード写真",
    "AV女優",
    # [5] 公序良俗・けんかの売り買い (4(3)③)
    "死ね",
    "殺すぞ",
    "ぶっ殺",
    "ざまあみろ",
    "馬鹿",
    "バカ",
    "アホ",
    "黙れ",
)

# Ordinary words that contain a forbidden entry: a match inside one of them is not a finding.
# Applied to app.yaml's list too.
FORBIDDEN_EXCEPTIONS: tuple[str, ...] = (
    "デマンド",  # デマンド型乗合タクシー
    "イエロー",
    "エロイカ",  # ベートーヴェン「英雄」
    "エロージョン",
    "バカンス",
    "アホウドリ",
)

# 意思形成過程・未発表 (4(3)①): not yet the city's official view. 予定 is not here: 予定どおり開催 is an
# ordinary announcement. Preceded by ご/御 (ご検討中の方, ご調整中の方) the word is about the reader and
# is not a finding.
UNDECIDED_WORDS: tuple[str, ...] = (
    "検討中",
    "検討段階",
    "協議中",
    "調整中",
    "未定",
    "未確定",
    "未発表",
    "非公開",
    "内部資料",
    "部外秘",
    "庁内限り",
    "取扱注意",
    "極秘",
    "オフレコ",
    "ここだけの話",
    "内定",
    "内々定",
    "噂",
    "うわさ",
    "ウワサ",
)
