"""Tables of the results, rendered as Markdown and reStructuredText.

Each ``_section_*`` function turns one part of the results into
``(title, header, rows, note)``; :func:`markdown` and :func:`rst`
render the same tables, so the docs page (which includes the RST file)
and the Markdown file always say the same thing.
"""

from benchmarks import targets as targets_mod


def _num(value, digits=2):
    if value is None:
        return 'n/m'
    if isinstance(value, str):
        return value
    if abs(value) >= 100:
        return '{:,.0f}'.format(value)
    return '%.*f' % (digits, value)


def _section_copy(results):
    out = []
    for label, data in sorted((results.get('copy') or {}).items()):
        rows = []
        for name, tool in data['tools'].items():
            rows.append([name, _num(tool['median_s'], 3),
                         _num(tool['mib_s'], 1), _num(tool['files_s'], 0),
                         ', '.join('%.3f' % s for s in tool['samples'])])
        title = 'Full copy of %s (%s MiB, %s files)' % (
            label, _num(data['bytes'] / 2 ** 20, 0), _num(data['files'], 0))
        out.append((title, ['tool', 'median s', 'MiB/s', 'files/s',
                            'samples s'], rows, ''))
        ratio_rows = [[ours] + [_num(v) for v in peers.values()]
                      for ours, peers in data['ratios'].items()]
        if ratio_rows:
            peers = list(next(iter(data['ratios'].values())))
            out.append(('Throughput ratios on %s (ours / peer; > 1 is '
                        'faster)' % label, ['ours'] + peers, ratio_rows, ''))
    return out


def _section_incremental(results):
    rows = []
    for label, data in sorted((results.get('incremental') or {}).items()):
        fractions = data['time_fraction']
        for name, tool in data['tools'].items():
            full = data['full_backup'].get(
                'engine incremental' if name.startswith('engine') else name)
            rows.append([label, name, _num(tool['median_s'], 3),
                         _num(full['median_s'], 3) if full else 'n/m',
                         '' if name.startswith('engine') else
                         _num(fractions.get(name))])
    note = ' '.join(
        'Mutation of %s: %d files changed, %d added, %d removed.' % (
            label, data['mutation']['changed'], data['mutation']['added'],
            data['mutation']['removed'])
        for label, data in sorted((results.get('incremental') or
                                   {}).items()))
    return [('Incremental backup of the mutated data sets',
             ['data set', 'tool', 'incremental s', 'full s (one run)',
              'engine time / tool time'], rows, note)]


def _section_memory(results):
    memory = results.get('memory') or {}
    rows = [[label, _num(r['files'], 0), _num(r['rss_start_kib'] / 1024, 1),
             _num(r['hwm_kib'] / 1024, 1), _num(r['growth_kib'] / 1024, 1)]
            for label, r in (memory.get('trees') or {}).items()]
    note = ('Peak/start ratio between the two trees: %s for %sx the '
            'files.' % (_num(memory.get('hwm_ratio')),
                        _num(memory.get('files_ratio'), 0))) if rows else ''
    return [('Peak memory of the engine backing up S',
             ['tree', 'files', 'RSS after start MiB', 'peak RSS MiB',
              'growth MiB'], rows, note)]


def _section_revert(results):
    rows = []
    for driver, data in (results.get('revert') or {}).items():
        if 'not_measured' in data:
            rows.append([driver, 'n/m', 'n/m', 'n/m', data['not_measured']])
            continue
        for size in data['sizes']:
            rows.append([driver, _num(size['mib'], 0),
                         _num(size['snapshot_seconds'] * 1000, 1),
                         _num(size['revert_seconds'] * 1000, 1), ''])
        ratio = data['ratio']
        rows.append([driver, 'ratio %s/%s' % tuple(ratio['sizes_mib'][::-1]),
                     _num(ratio['snapshot']), _num(ratio['revert']), ''])
    return [('Snapshot and revert against share size (medians)',
             ['driver', 'share MiB', 'snapshot ms', 'revert ms', 'note'],
             rows, '')]


def _section_api(results):
    api = results.get('api') or {}
    rows = [[r['database'], r['path'], _num(r['records'], 0),
             str(r['clients']), _num(r['items'], 0), _num(r['p50_ms'], 1),
             _num(r['p95_ms'], 1), _num(r['req_s'], 1), str(r['requests'])]
            for r in api.get('rows') or ()]
    for db_kind, reason in (api.get('not_measured') or {}).items():
        rows.append([db_kind, 'not measured: %s' % reason] + [''] * 7)
    return [('REST API detail lists',
             ['database', 'request', 'records', 'clients', 'items returned',
              'p50 ms', 'p95 ms', 'req/s', 'requests'], rows, '')]


def _section_apipath(results):
    rows = []
    for label, data in sorted((results.get('api_path') or {}).items()):
        if 'not_measured' in data:
            rows.append([label, 'not measured', data['not_measured'], '',
                         '', ''])
            continue
        direct = (results.get('copy') or {}).get(label, {}).get('tools', {})
        for name, tool in data['tools'].items():
            engine = direct.get('engine ' + name.split()[1], {})
            rows.append([label, name, _num(tool['median_s'], 3),
                         _num(tool['mib_s'], 1), _num(tool['files_s'], 0),
                         _num(engine.get('median_s'), 3)])
    return [('Backup and restore through the whole API path',
             ['data set', 'operation', 'median s', 'MiB/s', 'files/s',
              'engine alone s'], rows, '')]


def _section_targets(results):
    rows = []
    for row in targets_mod.evaluate(results):
        met = {True: 'met', False: 'missed', None: 'not measured'}[
            row['met']]
        bound = ('>= ' if row['better'] == 'higher' else '<= ') + \
            _num(row['limit'])
        rows.append([row['target'], _num(row['value']) + ' ' + row['unit'],
                     bound + ' ' + row['unit'], met, row['note']])
    return [('Targets of the issue', ['target', 'measured', 'target',
                                      'result', 'note'], rows, '')]


SECTIONS = (_section_targets, _section_copy, _section_incremental,
            _section_memory, _section_revert, _section_api,
            _section_apipath)


def tables(results):
    out = []
    for section in SECTIONS:
        out.extend(section(results))
    return out


def _md_cell(text):
    return str(text).replace('|', '\\|').replace('\n', ' ')


def markdown(results, header):
    lines = [header, '']
    for title, columns, rows, note in tables(results):
        lines += ['### %s' % title, '']
        lines.append('| ' + ' | '.join(_md_cell(c) for c in columns) + ' |')
        lines.append('|' + '---|' * len(columns))
        for row in rows:
            lines.append('| ' + ' | '.join(_md_cell(c) for c in row) + ' |')
        lines += ['', note, ''] if note else ['']
    return '\n'.join(lines)


def _rst_cell(text):
    text = str(text).replace('\n', ' ')
    return text if text else '..'


def rst(results, header):
    lines = [header, '']
    for title, columns, rows, note in tables(results):
        lines += ['.. list-table:: %s' % title, '   :header-rows: 1', '']
        for row in [columns] + rows:
            lines.append('   * - %s' % _rst_cell(row[0]))
            lines += ['     - %s' % _rst_cell(c) for c in row[1:]]
        lines.append('')
        if note:
            lines += [note, '']
    return '\n'.join(lines)
