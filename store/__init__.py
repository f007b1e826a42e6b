"""The store floor: tables, migrations, opening the database, upsert, the calendar store and
the service protocol (``Service``, ``Outcome``, ``Publication``).

The services (``hallqueue``, ``attendance``) and the controller stand on it; it imports only
``config``, ``bus`` and ``workdays``.
"""
