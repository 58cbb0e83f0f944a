"""The issue's targets, checked against the results.

They are reported, never asserted: the benchmark is not a test.
"""


def _get(results, *keys):
    node = results
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _row(name, value, limit, better, unit='', note=''):
    if value is None:
        met = None
    elif better == 'higher':
        met = value >= limit
    else:
        met = value <= limit
    return {'target': name, 'value': value, 'limit': limit,
            'better': better, 'unit': unit, 'met': met, 'note': note}


def _copy_targets(results):
    rows = []
    for label in ('L', 'S'):
        for ours in ('engine backup', 'engine restore'):
            value = _get(results, 'copy', label, 'ratios', ours, 'cp -a')
            rows.append(_row('%s of %s: throughput / cp -a' % (
                ours.split()[1], label), value, 0.9, 'higher', 'x'))
    # Same files for both: the copier and the engine back up the same
    # subset of S in the same rounds.  The engine's files/s on the whole
    # of S (more files to spread its fixed costs over) is only noted.
    subset = _get(results, 'copy', 'S-subset') or {}
    value = _get(subset, 'ratios', 'engine backup',
                 'upstream per-file copier')
    engine_s = _get(results, 'copy', 'S', 'tools', 'engine backup',
                    'files_s')
    upstream = _get(subset, 'tools', 'upstream per-file copier', 'files_s')
    note = 'both on the same %s files of S' % (
        '{:,}'.format(subset['files']) if subset.get('files') else 'first')
    if engine_s and upstream:
        note += '; engine on all of S: %.1f x' % (engine_s / upstream)
    rows.append(_row('backup of S: files/s / upstream per-file copier',
                     value, 40, 'higher', 'x', note))
    return rows


def _incremental_targets(results):
    rows = []
    for peer, limit in (('rsync -a', 0.5), ('restic', 0.25)):
        value = _get(results, 'incremental', 'S', 'time_fraction', peer)
        rows.append(_row('incremental of mutated S: time / %s' % peer,
                         value, limit, 'lower', 'x'))
    return rows


def _revert_targets(results):
    rows = []
    ratio = _get(results, 'revert', 'btrfs', 'ratio')
    sizes = (ratio or {}).get('sizes_mib') or ['?', '?']
    for op in ('revert', 'snapshot'):
        value = ratio.get(op) if ratio else None
        rows.append(_row('btrfs %s: time %s MiB / %s MiB' % (
            op, sizes[-1], sizes[0]), value, 1.5, 'lower', 'x',
            '' if sizes[-1] == 4096 else 'the issue asks 4 GiB / 20 MiB'))
    return rows


def _api_targets(results):
    rows = []
    for row in _get(results, 'api', 'rows') or ():
        if row['database'] == 'sqlite' and row['records'] == 1000 and \
                row['clients'] == 1:
            rows.append(_row('%s, 1,000 records, SQLite, 1 client: p95'
                             % row['path'], row['p95_ms'], 50, 'lower',
                             'ms'))
    return rows


def _memory_targets(results):
    ratio = _get(results, 'memory', 'hwm_ratio')
    files = _get(results, 'memory', 'files_ratio')
    return [_row('peak RSS of a backup of S, %sx the files: ratio' %
                 (round(files) if files else '?'), ratio, 1.25, 'lower',
                 'x', 'the issue says "must not grow"; 1.25 is our bound')]


def evaluate(results):
    """A list of rows: target, value, limit, met (None: not measured)."""
    return (_copy_targets(results) + _incremental_targets(results) +
            _revert_targets(results) + _api_targets(results) +
            _memory_targets(results))
