import sys

from cchc_desktop.cli import main

sys.exit(main())
