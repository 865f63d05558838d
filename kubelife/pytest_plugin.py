"""pytest plugin entry point of kubelife (registered as ``kubelife`` in pytest11).

Fixtures and options for projects that test their own lifecycle
implementations against the model are collected here.
"""
