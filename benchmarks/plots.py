"""PNG plots of the results (matplotlib, Agg back end).

Each function draws one figure and returns its file name, or None when
its section has no data.  matplotlib is a benchmark requirement only
(``benchmarks/requirements.txt``); without it no plot is drawn and the
tables still are.
"""

import os

COLORS = {'engine': '#1f77b4', 'api': '#17becf', 'peer': '#999999',
          'upstream': '#d62728'}


def _pyplot():
    import matplotlib
    matplotlib.use('Agg')
    from matplotlib import pyplot
    return pyplot


def _color(name):
    if name.startswith('engine'):
        return COLORS['engine']
    if name.startswith('upstream'):
        return COLORS['upstream']
    return COLORS['peer']


def _bars(axis, names, values, title, xlabel):
    positions = range(len(names))
    axis.barh(list(positions), [v or 0 for v in values],
              color=[_color(n) for n in names])
    axis.set_yticks(list(positions))
    axis.set_yticklabels(names, fontsize=8)
    axis.invert_yaxis()
    axis.set_title(title, fontsize=10)
    axis.set_xlabel(xlabel, fontsize=8)
    for pos, value in zip(positions, values):
        if value:
            axis.text(value, pos, ' %.0f' % value, va='center', fontsize=7)


def copy_throughput(plt, results, out_dir):
    copy = results.get('copy') or {}
    if not copy:
        return None
    panels = [(label, key) for label, key in (
        ('L', 'mib_s'), ('S', 'files_s'), ('S-subset', 'files_s'))
        if label in copy]
    fig, axes = plt.subplots(len(panels), 1, figsize=(7, 2.4 * len(panels)),
                             squeeze=False)
    for axis, (label, key) in zip(axes[:, 0], panels):
        tools = copy[label]['tools']
        names = list(tools)
        _bars(axis, names, [tools[n][key] for n in names],
              'Full copy of %s (median of %d)' % (
                  label, len(tools[names[0]]['samples'])),
              'MiB/s' if key == 'mib_s' else 'files/s')
    fig.tight_layout()
    name = 'copy_throughput.png'
    fig.savefig(os.path.join(out_dir, name), dpi=100)
    plt.close(fig)
    return name


def incremental(plt, results, out_dir):
    data = results.get('incremental') or {}
    if not data:
        return None
    fig, axes = plt.subplots(1, len(data), figsize=(7, 2.6), squeeze=False)
    for axis, (label, item) in zip(axes[0], sorted(data.items())):
        names = list(item['tools'])
        _bars(axis, names, [item['tools'][n]['median_s'] for n in names],
              'Incremental backup of mutated %s' % label, 'seconds')
    fig.tight_layout()
    name = 'incremental.png'
    fig.savefig(os.path.join(out_dir, name), dpi=100)
    plt.close(fig)
    return name


def revert(plt, results, out_dir):
    data = {k: v for k, v in (results.get('revert') or {}).items()
            if 'sizes' in v}
    if not data:
        return None
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.2), sharey=True)
    for axis, key, title in ((axes[0], 'snapshot_seconds', 'snapshot'),
                             (axes[1], 'revert_seconds', 'revert')):
        for driver, item in data.items():
            sizes = [row['mib'] for row in item['sizes']]
            axis.plot(sizes, [row[key] for row in item['sizes']],
                      marker='o', label=driver)
        axis.set_xscale('log')
        axis.set_yscale('log')
        sizes = sorted({row['mib'] for item in data.values()
                        for row in item['sizes']})
        axis.set_xticks(sizes)
        axis.set_xticklabels([str(size) for size in sizes], fontsize=8)
        axis.minorticks_off()
        axis.set_title('%s time vs share size' % title, fontsize=10)
        axis.set_xlabel('share data (MiB)', fontsize=8)
    axes[0].set_ylabel('seconds (median)', fontsize=8)
    axes[1].legend(fontsize=7)
    fig.tight_layout()
    name = 'revert.png'
    fig.savefig(os.path.join(out_dir, name), dpi=100)
    plt.close(fig)
    return name


def api(plt, results, out_dir):
    rows = (results.get('api') or {}).get('rows') or []
    if not rows:
        return None
    labels = ['%s %s %d rec %d cl' % (
        r['database'], r['path'].split('/')[-2], r['records'], r['clients'])
        for r in rows]
    fig, axis = plt.subplots(figsize=(7, 0.28 * len(rows) + 1.2))
    positions = list(range(len(rows)))
    axis.barh([p - 0.2 for p in positions], [r['p50_ms'] for r in rows],
              height=0.4, label='p50', color=COLORS['engine'])
    axis.barh([p + 0.2 for p in positions], [r['p95_ms'] for r in rows],
              height=0.4, label='p95', color=COLORS['api'])
    axis.axvline(50, color=COLORS['upstream'], linestyle='--',
                 label='50 ms target')
    axis.set_yticks(positions)
    axis.set_yticklabels(labels, fontsize=7)
    axis.invert_yaxis()
    axis.set_xscale('log')
    axis.set_xlabel('latency ms (log)', fontsize=8)
    axis.set_title('GET detail lists', fontsize=10)
    axis.legend(fontsize=7)
    fig.tight_layout()
    name = 'api_latency.png'
    fig.savefig(os.path.join(out_dir, name), dpi=100)
    plt.close(fig)
    return name


def memory(plt, results, out_dir):
    trees = (results.get('memory') or {}).get('trees') or {}
    if not trees:
        return None
    labels = ['%s\n%d files' % (k, v['files']) for k, v in trees.items()]
    fig, axis = plt.subplots(figsize=(5, 2.8))
    start = [v['rss_start_kib'] / 1024 for v in trees.values()]
    growth = [v['growth_kib'] / 1024 for v in trees.values()]
    axis.bar(labels, start, color=COLORS['peer'], label='after start-up')
    axis.bar(labels, growth, bottom=start, color=COLORS['engine'],
             label='growth during backup')
    axis.set_ylabel('peak RSS MiB', fontsize=8)
    axis.set_title('Engine peak memory backing up S', fontsize=10)
    axis.legend(fontsize=7)
    fig.tight_layout()
    name = 'memory.png'
    fig.savefig(os.path.join(out_dir, name), dpi=100)
    plt.close(fig)
    return name


def draw_all(results, out_dir):
    """File names of the plots drawn (empty without matplotlib)."""
    try:
        plt = _pyplot()
    except ImportError:
        return []
    drawn = [func(plt, results, out_dir) for func in (
        copy_throughput, incremental, revert, api, memory)]
    return [name for name in drawn if name]
