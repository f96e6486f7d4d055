"""Where judges and jobs keep their scratch: a tmpfs with room, unless the user set TMPDIR.

The candidates are real folders (pytest's `tmp_path`) with their real free space; only
the mount table is written here, since no test may mount a tmpfs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from zendo.judge.scratch import SHARED_MEMORY, choose_scratch_folder


def _table(*tmpfs: Path | str) -> str:
    lines = ["/dev/vda / ext4 rw,relatime 0 0"]
    lines += [f"tmpfs {folder} tmpfs rw,relatime,size=1024k 0 0" for folder in tmpfs]
    return "\n".join(lines) + "\n"


def test_the_runtime_folder_is_chosen_when_it_is_a_tmpfs_with_room(tmp_path: Path) -> None:
    environ = {"XDG_RUNTIME_DIR": str(tmp_path)}
    assert choose_scratch_folder(environ, _table(tmp_path), min_free_bytes=1) == str(tmp_path)


def test_a_tmpdir_the_user_set_always_wins(tmp_path: Path) -> None:
    environ = {"TMPDIR": str(tmp_path / "chosen"), "XDG_RUNTIME_DIR": str(tmp_path)}
    assert choose_scratch_folder(environ, _table(tmp_path), min_free_bytes=1) is None


def test_a_folder_on_a_disk_file_system_is_not_chosen(tmp_path: Path) -> None:
    environ = {"XDG_RUNTIME_DIR": str(tmp_path)}
    assert choose_scratch_folder(environ, _table(), min_free_bytes=1) is None


def test_a_tmpfs_without_room_for_copies_of_mypys_cache_is_not_chosen(tmp_path: Path) -> None:
    environ = {"XDG_RUNTIME_DIR": str(tmp_path)}
    free = os.statvfs(tmp_path).f_bavail * os.statvfs(tmp_path).f_frsize
    assert choose_scratch_folder(environ, _table(tmp_path), min_free_bytes=free * 2) is None


def test_dev_shm_is_next_when_the_runtime_folder_does_not_qualify(tmp_path: Path) -> None:
    environ = {"XDG_RUNTIME_DIR": str(tmp_path)}  # not listed as a tmpfs
    shm = os.path.realpath(SHARED_MEMORY)
    expected = shm if os.access(shm, os.W_OK | os.X_OK) else None
    assert choose_scratch_folder(environ, _table(shm), min_free_bytes=1) == expected


def test_a_runtime_folder_reached_through_a_link_is_chosen_by_its_real_path(
    tmp_path: Path,
) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    environ = {"XDG_RUNTIME_DIR": str(tmp_path / "link")}
    assert choose_scratch_folder(environ, _table(real), min_free_bytes=1) == str(real)


def test_a_relative_runtime_folder_is_ignored() -> None:
    environ = {"XDG_RUNTIME_DIR": "run/user/1000"}
    assert choose_scratch_folder(environ, _table("run/user/1000"), min_free_bytes=1) is None


# A judge spawned the way the console script spawns one, in a process of its own (the
# chosen folder is cached per process): its folder is in the folder chosen for scratch.
SPAWN = """\
import json, os, tempfile
from zendo.judge import prestart, runner
from zendo.judge.scratch import SHARED_MEMORY, choose_scratch_folder
with open("/proc/self/mounts", encoding="utf-8") as mounts:
    chosen = choose_scratch_folder(os.environ, mounts.read())
spawned = prestart.spawn_judge(runner.ONE_JOB_MODULE, "judge", log_on_stdout=True)
spawned.process.communicate(b"", timeout=120)
print(json.dumps([chosen or tempfile.gettempdir(), os.path.dirname(spawned.folder.name)]))
spawned.folder.cleanup()
"""


def test_a_judge_is_spawned_in_the_chosen_scratch_folder(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if k not in ("TMPDIR", "XDG_RUNTIME_DIR")}
    done = subprocess.run(
        [sys.executable, "-c", SPAWN], capture_output=True, text=True, timeout=120,
        check=True, env=environ,
    )  # fmt: skip
    chosen, parent = json.loads(done.stdout)
    assert parent == chosen
    # The same with TMPDIR set: the judge's folder goes there instead.
    done = subprocess.run(
        [sys.executable, "-c", SPAWN], capture_output=True, text=True, timeout=120,
        check=True, env={**environ, "TMPDIR": str(tmp_path)},
    )  # fmt: skip
    assert json.loads(done.stdout) == [str(tmp_path), str(tmp_path)]
