"""The composition root: the ``hall`` command line, ``build_controller()`` and the demo.

The one package that may import every other; nothing imports it.
"""
