"""Benchmarks of manila_bk against named peers, on this machine, in one run.

``python -m benchmarks [--quick] [--out DIR]`` (or ``tox -e bench``)
generates its own seeded data sets, times the data service's copy engine
(through the nfs backup driver, in a child process as the data service
runs it) beside ``cp -a``, ``rsync -a``, ``tar | tar``, an upstream
Manila-style per-file copier and ``restic``, times snapshot and revert of
the share drivers against share size, the REST API's list calls over
SQLite and MariaDB, and a backup and restore through the whole API path,
then writes JSON, Markdown, reStructuredText and PNG plots.

Modules:

* ``common`` - profiles (quick/full), timing, page-cache drops, medians.
* ``datasets`` - the seeded data sets L and S and their mutations.
* ``peers`` - the peer copiers and restic.
* ``engine_child`` - one engine operation in a child process, with its
  peak memory.
* ``copy_bench``, ``incremental_bench``, ``memory_bench``,
  ``revert_bench``, ``api_bench`` (+ ``seed_db``), ``apipath_bench`` -
  the sections.
* ``report`` - the Markdown/RST tables and the plots.
* ``btrfs_revert`` - the btrfs snapshot/revert measurement (also a script).

Nothing here is a test: the targets are reported, never asserted.
"""
