using BatchJobs.Jobs.PlaylistEvaluation;
using static BatchJobs.Jobs.Tests.PlanFixture;

namespace BatchJobs.Jobs.Tests.PlaylistEvaluation;

/// <summary>Each SQL stage of <see cref="PlaylistEvaluationJob"/> alone: given tiny tables, expect rows.</summary>
public class PlaylistEvaluationSqlTests
{
    private PlanFixture plans = null!;

    [SetUp]
    public void SetUp() => plans = new PlanFixture();

    [TearDown]
    public void TearDown() => plans.Dispose();

    private Task<List<object?[]>> RunAsync(string model, params Core.Plans.InlineTable[] given) =>
        plans.RowsAsync(given, plan => plan.Sql(model, SqlResources.Load($"PlaylistEvaluation/{model}.sql")), model);

    [Test]
    public async Task Weekly_playlists_keep_the_tracks_the_model_knows_and_drop_users_left_without_any()
    {
        var rows = await RunAsync("weekly_playlists",
            Table("discover_weekly", "user_id string, position int32, track_id string",
                ["u1", 1, "t1"], ["u1", 2, "t-gone"], ["u1", 3, "t2"], ["u2", 1, "t-gone"]),
            Table("track_embeddings", "track_id string", ["t1"], ["t2"]));

        Assert.That(rows, Is.EquivalentTo(new[] { new object?[] { "u1", 1, "t1" }, new object?[] { "u1", 3, "t2" } }));
    }

    [Test]
    public async Task Track_popularity_counts_evaluated_listeners_and_breaks_ties_by_track_id()
    {
        var rows = await RunAsync("track_popularity",
            Table("track_embeddings", "track_id string, artist_id string", ["t4", "a2"], ["t3", "a1"], ["t2", "a1"], ["t1", "a2"]),
            // u3 has no playlist, so its play of t1 does not count; t9 is not in the model.
            Table("user_track_affinity", "user_id string, track_id string", ["u1", "t2"], ["u2", "t2"], ["u1", "t3"], ["u3", "t1"], ["u1", "t9"]),
            Table("weekly_playlists", "user_id string", ["u1"], ["u1"], ["u2"]));

        Assert.That(rows, Is.EquivalentTo(new[]
        {
            new object?[] { "t2", "a1", 2, 1 },
            new object?[] { "t3", "a1", 1, 2 },
            new object?[] { "t1", "a2", 0, 3 },
            new object?[] { "t4", "a2", 0, 4 },
        }));
    }

    [Test]
    public async Task Baseline_users_carry_length_cap_and_history_and_a_user_without_history_once()
    {
        var rows = await RunAsync("baseline_users",
            Table("weekly_playlists", "user_id string, track_id string", ["u1", "t1"], ["u1", "t2"], ["u1", "t3"], ["u2", "t1"]),
            Table("user_track_affinity", "user_id string, track_id string", ["u1", "t5"], ["u1", "t6"], ["u3", "t7"]),
            Table("job_params", "max_per_artist int32", [2]));

        Assert.That(rows, Is.EquivalentTo(new[]
        {
            new object?[] { "u1", 3, 2, "t5" },
            new object?[] { "u1", 3, 2, "t6" },
            new object?[] { "u2", 1, 2, null },
        }));
    }

    [Test]
    public async Task Evaluation_rows_put_both_playlists_and_the_distinct_known_test_plays_of_evaluated_users_side_by_side()
    {
        var rows = await RunAsync("evaluation_rows",
            Table("weekly_playlists", "user_id string, position int32, track_id string", ["u1", 1, "t1"], ["u1", 2, "t2"]),
            Table("popularity_baseline", "user_id string, position int32, track_id string", ["u1", 1, "t3"]),
            // u1 plays t2 twice and an unknown track; u9 has no playlist.
            Table("listening_events", "user_id string, track_id string", ["u1", "t2"], ["u1", "t2"], ["u1", "t-gone"], ["u9", "t1"]),
            Table("track_embeddings", "track_id string", ["t1"], ["t2"], ["t3"]));

        Assert.That(rows, Is.EquivalentTo(new[]
        {
            new object?[] { "discover_weekly", "u1", 1, "t1" },
            new object?[] { "discover_weekly", "u1", 2, "t2" },
            new object?[] { "popularity_baseline", "u1", 1, "t3" },
            new object?[] { "played", "u1", 0, "t2" },
        }));
    }

    /// <summary>
    /// Discover Weekly: u1 lists t1, t2 (identical vectors, one artist, ranks 1 + 2) and played t2; u2 lists t3, t4
    /// (distance 1, two artists, ranks 3 + 4) and played something else; u3 lists t1, t4 (distance 2, ranks 1 + 4) and
    /// played nothing. The baseline: u1 gets t1 (played), u2 nothing, u3 t1. The catalogue has five tracks; t5 is only
    /// played, which is no coverage.
    /// </summary>
    [Test]
    public async Task Playlist_evaluation_sums_the_users_of_each_playlist_kind_into_one_row()
    {
        var week = new DateOnly(2026, 11, 23);
        const string metrics = "playlist string, user_id string, tracks int32, hits int32, is_active boolean, has_pairs boolean, diversity double, distinct_artists int32, rank_sum int64";
        var rows = await RunAsync("playlist_evaluation",
            Table("playlist_user_metrics", metrics,
                ["discover_weekly", "u1", 2, 1, true, true, 0.0, 1, 3L],
                ["discover_weekly", "u2", 2, 0, true, true, 1.0, 2, 7L],
                ["discover_weekly", "u3", 2, 0, false, true, 2.0, 2, 5L],
                ["popularity_baseline", "u1", 1, 1, true, false, 0.0, 1, 1L],
                ["popularity_baseline", "u2", 0, 0, true, false, 0.0, 0, 0L],
                ["popularity_baseline", "u3", 1, 0, false, false, 0.0, 1, 1L]),
            Table("evaluation_rows", "kind string, user_id string, position int32, track_id string",
                ["discover_weekly", "u1", 1, "t1"], ["discover_weekly", "u1", 2, "t2"], ["discover_weekly", "u2", 1, "t3"], ["discover_weekly", "u2", 2, "t4"],
                ["discover_weekly", "u3", 1, "t1"], ["discover_weekly", "u3", 2, "t4"], ["popularity_baseline", "u1", 1, "t1"], ["popularity_baseline", "u3", 1, "t1"],
                ["played", "u1", 0, "t2"], ["played", "u2", 0, "t5"]),
            Table("track_popularity", "track_id string", ["t1"], ["t2"], ["t3"], ["t4"], ["t5"]),
            Table("discover_weekly", "dt date", [week], [week]));

        Assert.That(rows, Is.EquivalentTo(new[]
        {
            new object?[] { "discover_weekly", week, 3, 2, 0.5, 0.25, 1.0, 5 / 3.0, 15 / 6.0, 0.8 },
            new object?[] { "popularity_baseline", week, 3, 2, 0.5, 1.0, 0.0, 2 / 3.0, 1.0, 0.2 },
        }));
    }
}
