namespace BatchJobs.Scheduler.Export;

/// <summary>How tasks run a job: the command-line tool on the worker, or spark-submit on a cluster.</summary>
public enum AirflowEngine
{
    /// <summary><c>batchjobs run JOB --date D --root ROOT</c> (the embedded local engine).</summary>
    Local,

    /// <summary><c>spark-submit.sh run JOB --date D --root ROOT</c>: the script submits the same job to Spark.</summary>
    Spark,
}
