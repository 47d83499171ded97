"""Evaluators: the same checked plan run one member at a time or over a whole table."""
