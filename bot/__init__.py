"""sns-bot: 総社市ソーシャルメディア活用ガイドライン in daily practice, on Slack."""
