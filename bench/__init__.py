"""`make bench` (`python -m bench`): sns-bot measured against a bare Bolt floor, written to bench/RESULTS.md."""
