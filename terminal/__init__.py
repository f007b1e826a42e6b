"""The punch terminal node (issue 7 parts 3 and 4): camera loop, liveness, offline outbox, sync.

Parts, each usable and tested alone:

- ``outbox``  SQLite outbox (WAL, synchronous FULL): a punch is on disk before it is sent
- ``sender``  sends the outbox in order over ``cmd/<node>/att/punch`` (request/reply,
  idempotent ids)
- ``clock``   boot id, NTP status and the controller's time beacon: ``clock_synced``
- ``camera``  frames from a camera index, a video file or still images (``port: sim``)
- ``faces``   identify → blink → "this staff member is here"
- ``desk``    the one punch path of face and fingerprint: cooldown, outbox, on time / late
- ``sync``    face templates from the controller (``attendance.recognition.sealed``) to the terminal
- ``view``    what the screen shows, without Kivy; ``screen`` renders it with Kivy
- ``node``    wires them on one asyncio loop; ``run`` builds it from the hall config

Nothing here imports dlib at import time (``faces.FacePipeline.from_matcher`` does).
See ``README.md`` beside this file for running a terminal.
"""
