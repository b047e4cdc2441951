"""``python -m pbanalysis``: the command line (see :mod:`pbanalysis.cli`)."""

import sys

from pbanalysis.cli import main

sys.exit(main())
