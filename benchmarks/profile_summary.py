"""Where the time goes: a summary of a py-spy profile (``--format raw``).

py-spy writes one collapsed stack per line (``frame;frame;... count``,
each frame ``function (file:line)``).  This prints the functions with the
largest inclusive share (on the stack) and the largest self share (on
top of the stack), optionally only for stacks that pass through a given
function::

    py-spy record --format raw -o prof.txt --pid PID
    python -m benchmarks.profile_summary prof.txt [--within NAME] [--top 25]
"""

import argparse
import collections
import re
import sys

_FRAME = re.compile(r'^(?P<func>.*?) \((?P<file>[^:()]+)(?::\d+)?\)$')


def _frame_name(frame):
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    path = match.group('file')
    for marker in ('site-packages/', 'lib/python3', '/work/main/'):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return '%s (%s)' % (match.group('func'), path)


def parse(lines, within=None):
    """(total samples, inclusive Counter, self Counter)."""
    inclusive = collections.Counter()
    own = collections.Counter()
    total = 0
    for line in lines:
        line = line.rstrip('\n')
        if not line or ' ' not in line:
            continue
        stack, _, count = line.rpartition(' ')
        try:
            count = int(count)
        except ValueError:
            continue
        frames = [_frame_name(f) for f in stack.split(';') if f]
        if within and not any(within in f for f in frames):
            continue
        total += count
        for name in set(frames):
            inclusive[name] += count
        if frames:
            own[frames[-1]] += count
    return total, inclusive, own


def summarize(path, within=None, top=25, skip_common=False):
    """The summary as a dict (for the JSON results) of file ``path``.

    ``skip_common`` leaves out of the inclusive list the frames on every
    sampled stack (a server's request-handling stack, say), so that the
    list shows where the samples part.
    """
    with open(path) as handle:
        total, inclusive, own = parse(handle, within)
    if skip_common:
        inclusive = collections.Counter(
            {name: n for name, n in inclusive.items() if n < total})

    def share(counter):
        return [{'function': name, 'percent': 100.0 * n / total}
                for name, n in counter.most_common(top)] if total else []

    return {'samples': total, 'within': within,
            'inclusive': share(inclusive), 'self': share(own)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('profile')
    parser.add_argument('--within')
    parser.add_argument('--top', type=int, default=25)
    parser.add_argument('--skip-common', action='store_true',
                        help='leave out the frames on every stack')
    args = parser.parse_args(argv)
    result = summarize(args.profile, args.within, args.top,
                       args.skip_common)
    print('%d samples%s' % (result['samples'], ' within %s' % args.within
                            if args.within else ''))
    for kind in ('inclusive', 'self'):
        print('\n%s:' % kind)
        for row in result[kind]:
            print('  %5.1f%%  %s' % (row['percent'], row['function']))
    return 0


if __name__ == '__main__':
    sys.exit(main())
