"""Share backups."""

from manila_bk.db import models
from manila_bk.db import session as db_session

B = models.ShareBackup


def share_backup_count(context, share_id):
    """Count a share's live backups, in any project.

    A share with backups cannot be deleted, as in Manila.
    """
    with db_session.reader(context) as session:
        return session.query(B).filter(B.share_id == share_id,
                                       B.deleted == 'False').count()
