DAGS = []
_current = []


class DAG:
    def __init__(self, **kwargs):
        self.kwargs = kwargs
        self.tasks = []
        DAGS.append(self)

    def __enter__(self):
        _current.append(self)
        return self

    def __exit__(self, *exc):
        _current.pop()


class Task:
    def __init__(self, *, task_id, **kwargs):
        self.task_id = task_id
        self.kwargs = kwargs
        self.upstream = []
        dag = _current[-1]
        if any(t.task_id == task_id for t in dag.tasks):
            raise ValueError(f"duplicate task_id {task_id} in {dag.kwargs['dag_id']}")
        dag.tasks.append(self)

    def __rshift__(self, other):
        other.upstream.append(self)
        return other
