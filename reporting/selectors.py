"""Reads of reporting, each starting from `visible_to(user)`."""
