"""The reliability harness (issue #9): crashes, faults, load, hostile input.

The functional run (CI) runs a short version of every part; ``tox -e
reliability`` sets ``MANILA_BK_RELIABILITY=full`` and runs the full one,
then prints the summary table that :mod:`.report` collects.
"""
