"""JupyterLab's settings for the course, loaded because `make lab` points JUPYTER_CONFIG_DIR here.

Everything that decides what a learner sees when the course opens lives in this one file,
so that `make lab` and the browser test (which starts JupyterLab through `make lab`) can
never differ:

- the server's top folder is the course root, so the file browser reaches `notebooks/`,
  `exercises/` and everything else, and the welcome notebook opens first (the printed URL
  lands on it too, with `--no-browser`);
- terminals start a shell whose PATH begins with this environment's `bin/`, so `zendo`
  works in JupyterLab's terminal however the server was started (a login shell, which
  JupyterLab uses when it has no TTY, would otherwise reset PATH from /etc/profile);
- `settings/overrides.json`: widget state is saved with the notebook, so a reopened
  notebook shows the last verdicts and quizzes instead of "Error displaying widget: model
  not found"; autosave runs every 15 s, so `check()` can tell an exercise cell edited
  since it ran; no news prompt (a course needs no network);
- a little CSS marks exercise notebooks' tabs, so a lesson and its exercises can be told
  apart at a glance.

Options given on the command line (`make lab LAB_OPTIONS=...`) override these.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
COURSE_ROOT = HERE.parent
ENVIRONMENT_BIN = Path(sys.executable).parent
STATE = COURSE_ROOT / ".zendo" / "lab"

c = get_config()  # type: ignore[name-defined]  # noqa: F821 - provided by traitlets when loaded

c.ServerApp.root_dir = str(COURSE_ROOT)
c.ServerApp.preferred_dir = str(COURSE_ROOT)
c.LabApp.default_url = "/lab/tree/notebooks/00_welcome.ipynb"
c.LabApp.custom_css = True
# The learner's layout and settings belong to this course copy, not to ~/.jupyter.
c.LabApp.user_settings_dir = str(STATE / "user-settings")
c.LabApp.workspaces_dir = str(STATE / "workspaces")

# `zendo` and this environment's `python` first on PATH in every terminal and kernel.
os.environ["PATH"] = os.pathsep.join([str(ENVIRONMENT_BIN), os.environ.get("PATH", "")])
os.environ["ZENDO_ENVIRONMENT_BIN"] = str(ENVIRONMENT_BIN)
if os.name != "nt" and shutil.which("bash"):
    # An interactive, non-login bash that reads the learner's ~/.bashrc, then puts this
    # environment's bin/ first again (a .bashrc may prepend pyenv or conda shims).
    c.ServerApp.terminado_settings = {
        "shell_command": ["bash", "--rcfile", str(HERE / "terminal.bashrc"), "-i"]
    }
elif os.name != "nt":
    # No bash: a plain interactive sh keeps the PATH set above (no -l, no /etc/profile).
    c.ServerApp.terminado_settings = {"shell_command": ["sh", "-i"]}


def _install_overrides() -> None:
    """Put the course's JupyterLab setting overrides where JupyterLab reads them.

    JupyterLab reads overrides only from the environment's application settings folder, so
    they are copied there at start-up (a no-op when already current).
    """
    target = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.d"
    wanted = json.loads((HERE / "settings" / "overrides.json").read_text(encoding="utf-8"))
    installed = target / "zendo.json"
    try:
        if installed.exists() and json.loads(installed.read_text(encoding="utf-8")) == wanted:
            return
        target.mkdir(parents=True, exist_ok=True)
        installed.write_text(json.dumps(wanted, indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        print(  # the server's log is where a learner would look
            f"Zendo: could not install JupyterLab overrides into {target} ({error}); "
            "saved verdicts may show 'model not found' after a reload."
        )


_install_overrides()
