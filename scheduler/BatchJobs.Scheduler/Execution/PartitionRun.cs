namespace BatchJobs.Scheduler.Execution;

/// <summary>One job to run for one partition, with the date it is run with.</summary>
public sealed record PartitionRun(string Job, DateOnly Partition, DateOnly LogicalDate)
{
    public override string ToString() => $"{Job} dt={Partition:yyyy-MM-dd}";
}
