"""Sub-commands of ``kubelife``: each module defines NAME, HELP, ORDER, setup(parser) and run(args)."""
