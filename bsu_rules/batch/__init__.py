"""Batch screening of member files (optional extra ``bsu-rules[batch]``: polars, pyarrow, tqdm)."""
