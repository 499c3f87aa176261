"""``python -m quartiers.cli``: how ``quartiers serve`` starts its worker with the same Python."""

import sys

from . import main

sys.exit(main())
