"""The hall's own microcontroller boards (window displays, keypad callers, evaluators).

Wire format and rules: ``firmware_bridge/PROTOCOL.md``.
"""
