from airflow.sdk import Task


class BashOperator(Task):
    def __init__(self, *, bash_command, **kwargs):
        super().__init__(bash_command=bash_command, **kwargs)
        self.bash_command = bash_command
        self.output_encoding = "utf-8"
        self.cwd = None

    def get_env(self, context):
        return {}
