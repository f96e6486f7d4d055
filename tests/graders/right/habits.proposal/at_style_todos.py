# exercise: habits.proposal
# right: a proposal written with dict(); TODO @author markers, which ruff's TD rules accept as well
PROPOSAL = dict(
    title="A proposal to fix conversion and retries",
    problem=" ".join([
        "Today the conversion uses a constant that nobody updates,",
        "the retry loop treats a declined card like a network error,",
        "and it sleeps exactly two seconds, so every client retries in lock step.",
    ]),
    options=[
        dict(name="Option A", pros=["Quick to ship this week"], cons=["Only fixes the rate"]),
        dict(name="Option B", pros=["Fixes the rate and retries"], cons=["Takes two sprints to finish"]),
    ],
    recommendation=dict(option="Option B", why="Option A would leave the retry storm in place for months."),
    risks=[dict(risk="The team underestimates the work", mitigation="Ship it in three small pull requests")],
    rollout=["Merge behind a feature flag", "Enable it for internal accounts", "Enable it for everyone"],
    rollback="Switch the feature flag off and the old code path runs again immediately.",
    approval="Could the tech lead approve option B in Thursday's review?",
)

ANNOTATED = LEGACY.replace(
    "    rate = 1.08\n",
    "    # TODO @carla: load the rate from configuration or a service\n"
    "    # https://issues.example.org/zendo/17\n"
    "    rate = 1.08\n",
).replace(
    "        except Exception:\n            time.sleep(2)\n",
    "        # TODO @carla: catch the gateway's transient errors only\n"
    "        # https://issues.example.org/zendo/18\n"
    "        except Exception:\n"
    "            # TODO @carla: use a backoff with jitter\n"
    "            # https://issues.example.org/zendo/19\n"
    "            time.sleep(2)\n",
)
