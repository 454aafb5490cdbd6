"""`python -m brokerage.scheduling ...`: the scheduler's command line (see cli.py)."""

import sys

from brokerage.scheduling.cli import main

sys.exit(main())
