"""Writes of scoring, one transaction each."""
