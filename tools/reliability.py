#!/usr/bin/env python3
"""Run the full reliability harness and print its summary table.

    tools/reliability.py [STESTR FILTER...]

Runs ``stestr --test-path manila_bk/tests/functional/reliability run``
with ``MANILA_BK_RELIABILITY=full`` (twenty crash rounds, eight trials per
fault, the full load and fuzz runs) and ``MANILA_BK_RELIABILITY_REPORT``
naming a temporary file, into which each part appends one JSON line
(manila_bk/tests/functional/reliability/report.py).  Then prints one row
per part: trials, failures found, invariants held of checked, and the
part's figures.  The exit status is non-zero if any test failed or any
part found a failure.  ``tox -e reliability`` runs this.

Environment: MANILA_BK_RELIABILITY_SEED replays the random choices of a
run (the seed is in the table); MANILA_BK_RELIABILITY_LOGS keeps the
service logs of failed trials there; the MANILA_BK_TEST_* service URLs of
the functional tests apply.
"""

import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEST_PATH = 'manila_bk/tests/functional/reliability'


def run_tests(report_path, filters):
    env = dict(os.environ)
    env['MANILA_BK_RELIABILITY'] = 'full'
    env['MANILA_BK_RELIABILITY_REPORT'] = report_path
    cmd = [sys.executable, '-m', 'stestr', '--test-path', TEST_PATH, 'run',
           '--concurrency', '1'] + list(filters)
    print('+ ' + ' '.join(cmd), flush=True)
    return subprocess.call(cmd, cwd=ROOT, env=env)


def load(report_path):
    rows = []
    try:
        with open(report_path, encoding='utf-8') as f:
            for line in f:
                line = line.strip()
                if line:
                    rows.append(json.loads(line))
    except FileNotFoundError:
        pass
    return rows


def _figure(value):
    if isinstance(value, dict):
        if set(value) == {'min', 'median', 'max'}:
            return '%s/%s/%s' % (value['min'], value['median'], value['max'])
        return '{%s}' % ', '.join('%s: %s' % (k, _figure(v))
                                  for k, v in value.items())
    return str(value)


def table(rows):
    """The summary as text lines (figures: min/median/max where spread)."""
    head = ('part', 'mode', 'trials', 'failures found', 'invariants held')
    body = [(r['part'], r['mode'], str(r['trials']),
             str(r['failures_found']),
             '%d/%d' % (r['invariants_held'], r['invariants_checked']))
            for r in rows]
    widths = [max(len(x) for x in col) for col in zip(head, *body)]
    fmt = '  '.join('%%-%ds' % w for w in widths)
    lines = [fmt % head, fmt % tuple('-' * w for w in widths)]
    for row, record in zip(body, rows):
        lines.append(fmt % row)
        for key, value in sorted(record.get('figures', {}).items()):
            if value not in (None, {}, []):
                lines.append('    %s: %s' % (key, _figure(value)))
    if rows:
        lines.append(fmt % tuple('-' * w for w in widths))
        lines.append(fmt % (
            'total', '', str(sum(r['trials'] for r in rows)),
            str(sum(r['failures_found'] for r in rows)),
            '%d/%d' % (sum(r['invariants_held'] for r in rows),
                       sum(r['invariants_checked'] for r in rows))))
    return [line.rstrip() for line in lines]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] in (['-h'], ['--help']):
        print(__doc__)
        return 0
    fd, report_path = tempfile.mkstemp(prefix='manila-bk-reliability-',
                                       suffix='.jsonl')
    os.close(fd)
    try:
        status = run_tests(report_path, argv)
        rows = load(report_path)
    finally:
        os.unlink(report_path)
    print()
    print('Reliability summary (MANILA_BK_RELIABILITY=full)')
    for line in table(rows):
        print(line)
    if not rows:
        print('no part recorded a result')
        return status or 1
    if status == 0 and any(r['failures_found'] for r in rows):
        return 1
    return status


if __name__ == '__main__':
    sys.exit(main())
