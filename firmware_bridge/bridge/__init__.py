"""The bridge process: a node's devices as MQTT endpoints (``process`` runs it).

``node`` wires one node's devices to its bus, ``worker`` runs each device on its thread,
``endpoint``/``printer``/``display``/``inputs`` are the device kinds, ``logic`` the pure
decisions (what a key press sends, what a display shows), ``fanout`` hands device events
to their subscribers.
"""
