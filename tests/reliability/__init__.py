"""Fault-injection scenarios (issue 6): each prints one row of figures; `make reliability` writes them
to bench/RELIABILITY.md. The quick scenarios also run in `make test`; the long ones are marked
``reliability_long``."""
