import sys

from kubelife.cli import main

sys.exit(main())
