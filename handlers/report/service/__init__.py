"""Reporting rules, free of Slack, one module per seam: submission (open or attach, route), actions (the copies'
buttons and the modals they open, the violation chain), escalation, handover (the April reload), queries
(listing), authority (who may act) and copies (the copies and the thread every change rewrites).

Every change locks its case row first (FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE
serialises writers), so the checks that follow see no concurrent change: a double click
or a Slack retry resolves to one change and the second finds nothing to do. Which report
opens a case and which attach is decided by a unique key on the open cases' URLs.
Messages are queued in the same transaction as intents (domain.Message), drawn by the delivery worker
when it sends them (handlers/report/messages.py): a change stores facts, never Block Kit.
"""
