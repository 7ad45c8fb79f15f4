"""Block Kit for /sns-report, one module per surface: the report modal (report_modal), a case's copy
(copy), its other messages and thread lines (messages), the modals opened from a copy (case_modals) and
the list (case_list). Pure: snapshots and config in, slack_sdk models (or message dicts) out. Every string
a person typed passes through ``escape`` before it reaches mrkdwn."""
