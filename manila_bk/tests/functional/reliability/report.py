"""What each reliability part found, for the summary table.

A part calls :func:`record` once it has run its trials; the record is
appended as one JSON line to the file named by
``MANILA_BK_RELIABILITY_REPORT`` (nothing is written when it is unset, as
in the plain functional run).  ``tools/reliability.py`` prints the table.
"""

import json
import os
import time

MODE_VAR = 'MANILA_BK_RELIABILITY'
REPORT_VAR = 'MANILA_BK_RELIABILITY_REPORT'


def full():
    """True in the full run (``tox -e reliability``); False in CI."""
    return os.environ.get(MODE_VAR, 'short') == 'full'


def trials(short, full_count):
    """How many trials a part runs in this mode."""
    return full_count if full() else short


def record(part, trials, failures_found, invariants_checked,
           invariants_held, **figures):
    """Append one part's result.

    ``failures_found`` counts the defects the part observed (a failed
    invariant, a 5xx, a hang); ``invariants_checked`` and
    ``invariants_held`` count individual invariant checks.  ``figures``
    are extra measurements (requests/s, p95 ms, ...), JSON-serialisable.
    """
    path = os.environ.get(REPORT_VAR)
    if not path:
        return
    line = {'part': part, 'mode': 'full' if full() else 'short',
            'trials': trials, 'failures_found': failures_found,
            'invariants_checked': invariants_checked,
            'invariants_held': invariants_held,
            'figures': figures, 'at': time.time()}
    with open(path, 'a', encoding='utf-8') as out:
        out.write(json.dumps(line, sort_keys=True) + '\n')
