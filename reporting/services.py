"""Writes of reporting, one transaction each."""
