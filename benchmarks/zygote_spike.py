"""Spike (issue 12): what fresh namespaces per submission would cost inside one sandbox.

Each submission now gets a bubblewrap sandbox of its own, which boots Python and the
observer: about 28 ms of CPU. A "zygote" would boot once per worker and fork each
submission, which gives itself new PID, mount, network, IPC and UTS namespaces, its own
`/proc` and `/tmp`, and drops every capability before any learner code could run. This
runs such a zygote inside bubblewrap (root's or an unprivileged user's, the options the
engine uses minus `--uid`/`--disable-userns`, plus `--cap-add CAP_SYS_ADMIN`), forks
`--submissions` of them, and prints:
- the CPU and wall time per submission, next to one bubblewrap sandbox booting
  `python -S` with the observer's imports, as the engine starts one;
- what the first submission sees (its pid, the processes in its `/proc`, whether it can
  unmount its `/tmp` or signal pid 1 after the drop);
- the same zygote under the engine's real options (`--uid 65534` as root,
  `--disable-userns`): the kernel refuses the new `/proc`, because bubblewrap's nested
  user namespace locks its read-only binds over the old one. That is the blocker
  `docs/architecture.md` describes: a real zygote must do bubblewrap's last steps itself.

Nothing here is used by the engine. Linux with bubblewrap only.

Usage:
    python benchmarks/zygote_spike.py [--submissions 50]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The zygote, run by the sandbox's Python (`-S`: no site, the standard library only).
ZYGOTE = r"""
import ctypes, json, os, resource, sys, time
import decimal, fractions, importlib.util, re, signal  # what the observer imports

libc = ctypes.CDLL(None, use_errno=True)
NEW_NAMESPACES = 0x20000 | 0x4000000 | 0x8000000 | 0x20000000 | 0x40000000  # NS UTS IPC PID NET
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 16384, 1 << 18
PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 24, 38


def ok(result, what):
    if result != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"{what}: {os.strerror(number)}")


def mount(source, target, kind, flags, data=None):
    encode = lambda text: text.encode() if text else None
    ok(libc.mount(encode(source), encode(target), encode(kind), flags, encode(data)), target)


class Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class Sets(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def drop_capabilities():
    for capability in range(64):
        libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)
    ok(libc.capset(ctypes.byref(Header(0x20080522, 0)), (Sets * 2)()), "capset")
    ok(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def submission(number):
    ok(libc.unshare(NEW_NAMESPACES), "unshare")
    pid = os.fork()  # the first process in the new PID namespace: pid 1
    if pid:
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    try:
        mount(None, "/", None, MS_REC | MS_PRIVATE)
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=1m")
        drop_capabilities()
        if number == 0:
            processes = sorted(p for p in os.listdir("/proc") if p.isdigit())
            seen = {"pid": os.getpid(), "proc": processes}
            seen["umount /tmp"] = "refused" if libc.umount2(b"/tmp", 2) else "allowed"
            print("SEEN " + json.dumps(seen), flush=True)
        os._exit(0)
    except OSError as error:
        print(f"ERROR {error}", flush=True)
        os._exit(3)


count = int(sys.argv[1])
started, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
for number in range(count):
    pid = os.fork()
    if pid == 0:
        os._exit(submission(number))
    if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0:
        sys.exit(1)
after = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
wall = time.perf_counter() - started
print(f"PER {1000 * cpu / count:.2f} {1000 * wall / count:.2f}", flush=True)
"""


def bubblewrap(zygote: Path, *, engine_options: bool, cap_admin: bool) -> list[str]:
    """bubblewrap's options as `judge.sandbox` builds them, around `python -S`."""
    prefix = str(Path(sys.base_prefix).resolve())
    args = ["bwrap", "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session"]
    args += ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/lib", "/lib32", "/lib64", "/sbin"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    if not prefix.startswith("/usr/"):
        args += ["--ro-bind", prefix, prefix]
    args += ["--ro-bind", str(zygote.parent), "/zygote", "--proc", "/proc", "--dev", "/dev"]
    args += ["--tmpfs", "/tmp", "--chdir", "/tmp"]  # noqa: S108 - the sandbox's own tmpfs
    if engine_options:
        args += ["--disable-userns"]
        if os.geteuid() == 0:
            args += ["--uid", "65534", "--gid", "65534"]
    if cap_admin:
        args += ["--cap-add", "CAP_SYS_ADMIN"]
    executable = str(Path(sys.executable).resolve())
    return [*args, executable, "-S", "-s", "-P", "-B"]


def sandbox_boot_cpu(zygote: Path, runs: int) -> tuple[float, float]:
    """CPU and wall ms of one bubblewrap sandbox booting Python and the observer's imports.

    The CPU is read inside (the sandboxed Python's own times) plus bubblewrap's, reaped
    here: the process bubblewrap forks is reaped inside the sandbox, out of our sight.
    """
    imports = "import decimal, fractions, importlib.util, json, re, signal, resource; "
    report = "u = resource.getrusage(resource.RUSAGE_SELF); print(1000 * (u.ru_utime + u.ru_stime))"
    command = [*bubblewrap(zygote, engine_options=True, cap_admin=False), "-c", imports + report]
    cpu: list[float] = []
    wall: list[float] = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        wall.append(1000 * (time.perf_counter() - started))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        outside = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        cpu.append(float(done.stdout) + 1000 * outside)
    cpu.sort()
    wall.sort()
    return cpu[runs // 2], wall[runs // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--submissions", type=int, default=50)
    arguments = parser.parse_args()
    if shutil.which("bwrap") is None or not sys.platform.startswith("linux"):
        raise SystemExit("This spike needs Linux with bubblewrap (apt install bubblewrap).")
    with tempfile.TemporaryDirectory(prefix="zendo-zygote-") as folder:
        zygote = Path(folder) / "zygote.py"
        zygote.write_text(ZYGOTE, encoding="utf-8")
        os.chmod(folder, 0o755)  # noqa: S103 - read by the sandbox's uid 65534
        inside = str(Path("/zygote") / zygote.name)
        runs = [
            ("zygote, no nested user namespace", False),
            ("zygote, the engine's options (--uid 65534 as root, --disable-userns)", True),
        ]
        for title, engine_options in runs:
            command = bubblewrap(zygote, engine_options=engine_options, cap_admin=True)
            done = subprocess.run(
                [*command, inside, str(arguments.submissions)],
                capture_output=True,
                text=True,
                check=False,
            )
            print(f"{title}:")
            for line in done.stdout.splitlines():
                if line.startswith("PER "):
                    per_cpu, per_wall = line.split()[1:]
                    print(f"  per submission: {per_cpu} ms of CPU, {per_wall} ms wall")
                elif line.startswith("SEEN "):
                    print(f"  the first submission sees: {line[5:]}")
                else:
                    print(f"  {line}")
            if done.returncode != 0:
                print(f"  failed (exit {done.returncode}) {done.stderr.strip()[-300:]}")
        cpu, wall = sandbox_boot_cpu(zygote, 15)
        print("one bubblewrap sandbox booting python -S and the observer's imports:")
        print(f"  {cpu:.1f} ms of CPU seen from here, {wall:.1f} ms wall (median of 15)")


if __name__ == "__main__":
    main()
