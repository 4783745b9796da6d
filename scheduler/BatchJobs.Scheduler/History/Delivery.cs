namespace BatchJobs.Scheduler.History;

/// <summary>A dataset partition published at a time (the manifest's <c>created_at</c>).</summary>
public sealed record Delivery(string Dataset, DateOnly Partition, string SnapshotRunId, DateTimeOffset PublishedAt);
