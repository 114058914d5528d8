"""The nightly batch: read stays from a source, code the new or changed ones, store proposals, report.

Engines (`engines.py`) turn stays into proposals — in this process's workers (`local`) or on a Spark cluster
(`spark`); the runner (`runner.py`) owns everything else: the lock, change detection, the store and the report.
"""
