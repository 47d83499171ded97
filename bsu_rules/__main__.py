"""``python -m bsu_rules`` runs the command line."""

import sys

from bsu_rules.cli import main

sys.exit(main())
