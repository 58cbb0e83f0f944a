"""The copy engine behind the directory-based backup drivers.

It copies a tree into a backup and back, in-process, with a bounded pool
of threads, and keeps what ``cp -a`` keeps: modes, owners, times (ns),
symlinks (never followed), hardlinks, xattrs, FIFOs, sparse files, empty
directories, and any file name a Linux file system allows.  Devices and
sockets are skipped with a warning.

Modules:

* ``entries`` - the manifest record of one tree entry, and path keys.
* ``manifest`` - the streamed, versioned manifest (JSON lines) and its
  atomic commit.
* ``walk`` - a sorted pre-order tree walk and its merge with a manifest.
* ``fsmeta`` - reading and applying metadata (owners, modes, xattrs, times).
* ``filecopy`` - sparse-aware file copy that checksums in the same pass.
* ``pipeline`` - bounded parallel jobs whose results are taken in order,
  and batches of small files (one task per batch, not per file).
* ``progress`` - percent callbacks and throughput log lines.
* ``prefetch`` - a helper process that reads inodes ahead of an
  incremental's walk.
* ``backup_tree``, ``restore_tree``, ``verify_tree`` - the three
  operations.

Share trees belong to tenants and the data service runs as root, so below
a tree's root nothing is reached by path: directories are opened with
O_NOFOLLOW relative to their parent's fd, and a directory swapped for a
symlink mid-operation makes the operation fail instead of reading or
writing outside the share.

Everything is streamed: a manifest is never held in memory, and neither
is a list of the tree.  This works because the walk and the manifest use
the same order (paths sorted as tuples of byte components, which is a
pre-order walk with sorted names), so two trees, or a tree and a manifest,
are compared by merging two sorted streams.
"""
