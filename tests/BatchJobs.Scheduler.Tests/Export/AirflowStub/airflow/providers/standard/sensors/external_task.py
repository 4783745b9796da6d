from airflow.sdk import Task


class ExternalTaskSensor(Task):
    pass
