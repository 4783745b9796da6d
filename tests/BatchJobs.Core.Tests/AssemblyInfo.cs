// Each fixture works in its own temp folder, and most of a test's time is spent waiting on fsync and DuckDB, so fixtures
// run side by side even on two cores.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(4)]
