"""Benchmarks of etrade-nb against its peers, measured in one run against the local emulator.

Run ``python -m benchmarks`` (``--quick`` for a smaller N, ``--json PATH`` to choose where the
results go; default ``benchmarks/results/latest.json``). Every number is a median of several
interleaved rounds, and every comparison is a ratio measured in the same run on 127.0.0.1, so
results are comparable across machines. The exit status is 1 if a ratio misses its target.
"""
