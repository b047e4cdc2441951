import sys

from pbanalysis.cli import main

sys.exit(main())
