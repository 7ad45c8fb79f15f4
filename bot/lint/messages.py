"""The findings' messages: one ``str.format`` template per rule (and kind), each naming its clause of the
guideline. Keyed as the catalog keys them, so they can move to ``bot/catalog/lint.yaml`` as ``lint.<key>``.
Placeholders: ``{excerpt}`` (the text found, as written), ``{percent}``, ``{count}``, ``{limit}``."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "personal_info.phone": (
        "個人情報の可能性（電話番号）: 本人・関係者の了解を得ているか、公開情報か確認してください（4(2)②・4(3)①）"
    ),
    "personal_info.email": (
        "個人情報の可能性（メールアドレス）: 本人・関係者の了解を得ているか、公開情報か確認してください（4(2)②・4(3)①）"
    ),
    "personal_info.my_number": (
        "個人情報の可能性（マイナンバーの形をした12桁の番号）: "
        "本人・関係者の了解を得ているか、公開情報か確認してください（4(2)②・4(3)①）"
    ),
    "personal_info.address": (
        "個人情報の可能性（番地までの住所）: 本人・関係者の了解を得ているか、公開情報か確認してください（4(2)②・4(3)①）"
    ),
    "fuseji": (
        "伏せ字「{excerpt}」: 要らぬ詮索を招くおそれがあります。伏せずに書くか、書かずに済む表現にしてください（4(3)②）"
    ),
    "repetition": (
        "同じ内容の繰り返し（14日以内の投稿・申請と{percent}%一致）: "
        "スパム行為と見られるため、同じ内容を何度も投稿しないでください（4(3)②）"
    ),
    "undecided": (
        "意思形成過程・未発表の情報の可能性（「{excerpt}」）: "
        "市の公式見解として発信してよい内容か確認してください。噂や憶測は発信しません（4(3)①）"
    ),
    "flashpoint": (
        "けんか・炎上の火種になりやすい語（「{excerpt}」）: "
        "差別、違法行為、単なる噂、わいせつ、公序良俗に反する内容ではないか確認してください（4(3)③・5(3)③）"
    ),
    "length.weighted": (
        "文字数が X の上限を超えています（{count}／{limit}、全角文字は2、URLは23と数えます）: "
        "ここから後は投稿できません"
    ),
    "length.plain": "文字数が投稿先の上限を超えています（{count}／{limit}文字）: ここから後は投稿できません",
    "insecure_link": (
        "暗号化されていないリンク（http://）: 閲覧者が改ざんされたページへ誘導されるおそれがあります。"
        "https:// のリンクにしてください（4(2)② 情報セキュリティポリシー）"
    ),
}
