"""Reading what policy staff write: rule files, their tables, and the checks on them."""
