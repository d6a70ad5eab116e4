"""Reads of funds, each starting from `visible_to(user)`."""
