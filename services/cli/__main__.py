"""``python -m services.cli``: the ``tally`` command without its script."""

import sys

from services.cli.main import main

sys.exit(main())
