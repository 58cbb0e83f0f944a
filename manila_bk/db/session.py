"""oslo.db enginefacade set-up, including what SQLite needs to be usable.

SQLite (the embedded default) is shared by threads and by processes.  With
oslo.db's plain deferred ``BEGIN`` concurrent read-then-write transactions
deadlock on the shared-to-reserved lock upgrade ("database is locked").
So, on SQLite only:

* writer transactions start with ``BEGIN IMMEDIATE`` (the statement is
  rewritten in ``before_cursor_execute``: a ``begin`` listener runs too
  late), which takes the write lock up front and makes writers queue;
* every connection uses WAL and a 30 s busy timeout;
* readers use a second engine on the same file (``slave_connection``) with
  deferred ``BEGIN`` so they never take the write lock.
"""

import os
import threading

from oslo_db.sqlalchemy import enginefacade
import sqlalchemy as sa
from sqlalchemy.engine import url as sa_url

from manila_bk import conf

CONF = conf.CONF

_LOCK = threading.Lock()
_MANAGER = None


def _is_sqlite(connection):
    return connection.startswith('sqlite')


def _sqlite_file(connection):
    url = sa_url.make_url(connection)
    if url.database and url.database != ':memory:':
        return url.database
    return None


def _add_sqlite_listeners(engine, immediate):
    @sa.event.listens_for(engine, 'connect')
    def _on_connect(dbapi_con, con_record):
        dbapi_con.execute('PRAGMA busy_timeout = 30000')
        dbapi_con.execute('PRAGMA journal_mode = WAL')

    if immediate:
        @sa.event.listens_for(engine, 'before_cursor_execute', retval=True)
        def _immediate(conn, cursor, statement, parameters, context,
                       executemany):
            if statement == 'BEGIN':
                statement = 'BEGIN IMMEDIATE'
            return statement, parameters

    # oslo.db tested a connection while creating the engine, before these
    # listeners existed; drop it so every pooled connection has them.
    engine.dispose()


def _new_manager():
    manager = enginefacade.transaction_context()
    connection = CONF.database.connection
    if _is_sqlite(connection):
        path = _sqlite_file(connection)
        if path:
            os.makedirs(os.path.dirname(os.path.abspath(path)),
                        exist_ok=True)
        created = []

        def _on_engine_create(engine):
            # The writer engine is created first, then the reader.
            _add_sqlite_listeners(engine, immediate=not created)
            created.append(engine)

        manager.configure(connection=connection,
                          slave_connection=connection if path else None,
                          synchronous_reader=not path,
                          sqlite_synchronous=True)
        manager.append_on_engine_create(_on_engine_create)
    return manager


def get_manager():
    """Return the process-wide transaction context manager."""
    global _MANAGER
    if _MANAGER is None:
        with _LOCK:
            if _MANAGER is None:
                _MANAGER = _new_manager()
    return _MANAGER


def writer(context):
    """``with writer(ctx) as session:`` — a read-write transaction."""
    return get_manager().writer.using(context)


def reader(context):
    """``with reader(ctx) as session:`` — a read-only transaction."""
    return get_manager().reader.using(context)


def get_engine():
    return get_manager().writer.get_engine()


def reset():
    """Dispose the engines and forget the configuration (tests, forks)."""
    global _MANAGER
    with _LOCK:
        manager, _MANAGER = _MANAGER, None
    if manager is not None and manager._factory._started:
        manager.writer.get_engine().dispose()
        manager.reader.get_engine().dispose()
