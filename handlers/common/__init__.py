"""Pieces every feature's listeners share."""
