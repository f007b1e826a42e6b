"""USB HID inputs through evdev: keypad callers, evaluator keypads, barcode/QR scanners.

Translation is pure (``keys``, ``scanner``: iterables of ``evdev.InputEvent`` in, events
out); ``source`` reads a real ``/dev/input/event*`` in a thread and ``hotplug`` reopens it
when it is plugged back in.
"""
