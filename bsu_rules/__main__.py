"""``python -m bsu_rules`` runs the command line."""

import sys

from bsu_rules.cli import program

sys.exit(program())
