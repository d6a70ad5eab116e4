"""Writes of funds, one transaction each."""
