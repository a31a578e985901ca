"""What a killed process leaves behind, and how the next run cleans it up.

A process that is killed (``kill -9``, the out-of-memory killer, a power cut)
cannot remove its temporary files. So temporaries carry the process id of their
writer in their name (``.NAME.PID.RANDOM.staging``, ``.NAME.PID.tmp``), and the
next run in the same folder removes those whose writer is gone (``remove_stale``).

>>> import re
>>> bool(STAGING.match(".my-model.4242.k3j9x.staging"))
True
>>> bool(TEMP_FILE.match(".out.parquet.4242.tmp"))
True
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

#: A model being saved: ``save_model``'s staging folder.
STAGING = re.compile(r"^\..+\.(?P<pid>\d+)\.[^.]+\.staging$")
#: An output file being written: the batch writer's temporary file.
TEMP_FILE = re.compile(r"^\..+\.(?P<pid>\d+)\.tmp$")


def staging_prefix(name: str) -> str:
    """The start of a staging name for ``name`` written by this process.

    Parameters
    ----------
    name : str
        The target's file name.

    Returns
    -------
    str
        ``.NAME.PID.``
    """
    return f".{name}.{os.getpid()}."


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (on this machine); unsure counts as alive.

    Parameters
    ----------
    pid : int
        A process id.

    Returns
    -------
    bool
        False only when the process is known to be gone.
    """
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):  # someone else's process, or no way to tell
        return True
    return True


def remove_stale(folder: str | Path, pattern: re.Pattern = STAGING) -> list[Path]:
    """Remove the entries of ``folder`` named by ``pattern`` whose writer has died.

    Entries of living processes (this one included) are left alone; a folder that
    cannot be listed is skipped.

    Parameters
    ----------
    folder : str or Path
        The folder to clean.
    pattern : re.Pattern, default STAGING
        Matches the names to consider and captures the writer's process id as ``pid``.

    Returns
    -------
    list of Path
        What was removed.
    """
    removed: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        match = pattern.match(name)
        if not match or pid_alive(int(match["pid"])):
            continue
        path = Path(folder) / name
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:  # another run got there first, or no permission: not ours to fail on
            continue
        removed.append(path)
    return removed
