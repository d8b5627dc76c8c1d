"""`python -m hindsight` runs the same entry point as the `hindsight` command."""

import sys

from hindsight.cli import main

sys.exit(main())
