"""Loads a generated DAG file against the stand-in airflow package beside this file and prints its structure as JSON.

With --exit-code N, instead runs the file's BatchJobsOperator against a subprocess that exits N and prints what it raised.
"""
import json
import runpy
import sys

import airflow.sdk as sdk
from airflow.exceptions import AirflowException, AirflowFailException


class FakeResult:
    def __init__(self, code):
        self.exit_code = code
        self.output = "last line"


class FakeHook:
    def __init__(self, code):
        self.code = code
        self.command = None

    def run_command(self, command, env, output_encoding, cwd):
        self.command = command
        return FakeResult(self.code)


module = runpy.run_path(sys.argv[1])
if len(sys.argv) > 3 and sys.argv[2] == "--exit-code":
    task = sdk.DAGS[0].tasks[0]
    task.subprocess_hook = FakeHook(int(sys.argv[3]))
    try:
        print(json.dumps({"returned": task.execute({}), "command": task.subprocess_hook.command}))
    except AirflowFailException as e:
        print(json.dumps({"raised": "AirflowFailException", "message": str(e)}))
    except AirflowException as e:
        print(json.dumps({"raised": "AirflowException", "message": str(e)}))
    sys.exit(0)

print(json.dumps([
    {
        "dag_id": dag.kwargs["dag_id"],
        "schedule": dag.kwargs["schedule"].cron,
        "timezone": dag.kwargs["schedule"].timezone,
        "catchup": dag.kwargs["catchup"],
        "start_date": dag.kwargs["start_date"].isoformat(),
        "deadlines": [
            {"reference": d.reference, "interval": d.interval.total_seconds(), "callback": d.callback.path, "kwargs": d.callback.kwargs}
            for d in dag.kwargs["deadline"]
        ],
        "tasks": [
            {
                "task_id": t.task_id,
                "kind": type(t).__name__,
                "upstream": sorted(u.task_id for u in t.upstream),
                **{k: (v.total_seconds() if hasattr(v, "total_seconds") else v) for k, v in t.kwargs.items()},
            }
            for t in dag.tasks
        ],
    }
    for dag in sdk.DAGS
]))
