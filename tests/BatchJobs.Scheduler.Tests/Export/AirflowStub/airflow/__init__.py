"""A stand-in for the parts of Airflow 3 a generated DAG file uses, so tests can load it without Airflow."""
