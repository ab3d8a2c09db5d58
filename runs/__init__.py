"""Training runs as values, shared by every session of a server process.

``store``: a bounded, least-recently-used store of runs keyed by ``TrainConfig`` (history, probes,
parameter snapshots, status), so identical configs are computed once and any session can replay or
follow them. ``pool``: worker processes (one per core) that train the runs someone is waiting for,
in chunks of about 0.1 s, round-robin. ``pace``: how many samples make a chunk of that length.
``cadence`` and ``live``: when a page following a run redraws what, and what it says under the progress.
Imports no streamlit; layers: pages -> app -> runs -> core (``live`` reads the MLP lab's words and pictures).
"""
