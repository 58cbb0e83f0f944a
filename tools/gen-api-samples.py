#!/usr/bin/env python3
"""Write doc/api_samples/ from a live manila-bk-all.

Starts a throw-away embedded deployment (SQLite, in-process RPC; the
functional tests' ``Deployment('all')``), runs the scenario of
``manila_bk/tests/functional/api_samples.py`` against it and writes each
call's request body and response body, with the values that change from
one deployment to the next replaced by placeholders (see that module).
``manila_bk/tests/functional/test_api_samples.py`` checks the result.

    .venv/bin/python tools/gen-api-samples.py [--only REGEX] [--keep]

``--only`` rewrites only the samples whose name matches (the whole
scenario still runs: later calls need the earlier ones); ``--keep`` leaves
the deployment's directory (logs, database) in place for a look.
"""

import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))

from manila_bk.tests.functional import api_samples  # noqa: E402
from manila_bk.tests.functional import fixtures as ffx  # noqa: E402


def _write(path, body):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(body, f, indent=4, sort_keys=True)
        f.write('\n')


def _remove(path):
    if os.path.exists(path):
        os.unlink(path)


def generate(deployment, only=None):
    runner = api_samples.Runner(deployment)
    runner.wait_ready()
    bound = api_samples.deployment_values(deployment)
    written = 0
    for step in api_samples.SCENARIO:
        body = api_samples.fill(step.body, bound)
        resp = runner.send(step, body, bound)
        live = api_samples.response_json(resp)
        for name, path in step.capture.items():
            bound[name] = api_samples.dig(live, path)
        for wait in step.wait:
            runner.wait(wait, bound)
        if only and not re.search(only, step.name):
            continue
        if step.body is None:
            _remove(step.request_file)
        else:
            _write(step.request_file, step.body)
        if live is None:
            _remove(step.response_file)
        else:
            _write(step.response_file, api_samples.templatize(live, bound))
        written += 1
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--only', help='Regular expression of sample names '
                        'to write (default: all).')
    parser.add_argument('--keep', action='store_true',
                        help='Keep the deployment directory.')
    args = parser.parse_args()
    deployment = ffx.Deployment('all')
    try:
        deployment.start()
        count = generate(deployment, args.only)
    except BaseException:
        print('Deployment directory: %s' % deployment.workdir,
              file=sys.stderr)
        deployment.stop()
        raise
    if args.keep:
        deployment.stop()
        print('Deployment directory kept: %s' % deployment.workdir)
    else:
        deployment.cleanup()
    print('Wrote the samples of %d call(s) to %s'
          % (count, api_samples.SAMPLES_DIR))


if __name__ == '__main__':
    main()
