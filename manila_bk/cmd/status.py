"""manila-bk-status upgrade check (oslo.upgradecheck)."""

import sys

from oslo_upgradecheck import common_checks
from oslo_upgradecheck import upgradecheck

from manila_bk import conf
from manila_bk.db import migration

CONF = conf.CONF


class Checks(upgradecheck.UpgradeCommands):
    """Checks an operator runs before and after an upgrade."""

    def _check_database(self):
        try:
            current = migration.db_version()
        except Exception as exc:
            return upgradecheck.Result(
                upgradecheck.Code.FAILURE,
                'The database cannot be read: %s' % exc)
        head = migration.head_version()
        if current != head:
            return upgradecheck.Result(
                upgradecheck.Code.FAILURE,
                'The database is at revision %s but the code needs %s; run '
                '"manila-bk-manage db sync".' % (current, head))
        return upgradecheck.Result(upgradecheck.Code.SUCCESS)

    _upgrade_checks = (
        ('Database schema', _check_database),
        ('Policy file', (common_checks.check_policy_json, {'conf': CONF})),
    )


def main(argv=None):
    return upgradecheck.main(CONF, project='manila_bk',
                             upgrade_command=Checks())


if __name__ == '__main__':
    sys.exit(main())
