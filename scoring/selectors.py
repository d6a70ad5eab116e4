"""Reads of scoring, each starting from `visible_to(user)`."""
