namespace BatchJobs.Jobs.Tests.ModelEvaluation;

/// <summary>The SQL stages of evaluate-embeddings, each on a tiny given table.</summary>
public class EvaluateEmbeddingsSqlTests
{
    private const string Affinity = "select * from (values ('u2', 't9', 1.5), ('u1', 't9', 0.0), ('u1', 't1', 2.0), ('u3', 't5', 0.25)) a(user_id, track_id, affinity)";
    private const string UserIndex = "select * from (values ('u1', 0), ('u2', 1), ('u3', 2)) u(user_id, user_index)";
    private const string TrackIndex = "select * from (values ('t1', 0), ('t5', 1), ('t9', 2)) t(track_id, track_index)";

    /// <summary>u1 played t1 and t9 (the latter at zero affinity), u2 t9, u3 t5: track 2 has two users.</summary>
    private const string Interactions = "select * from (values (0, 0, 0, 2.0::float), (0, 0, 2, 0.0::float), (0, 1, 2, 1.5::float), (0, 2, 1, 0.25::float)) i(model, user_index, track_index, affinity)";

    private const string Factors = """
        select * from (values
            ('user', 0, [1.0::float, 0.0::float]), ('user', 1, [0.0::float, 1.0::float]), ('user', 2, [0.5::float, 0.5::float]),
            ('track', 0, [0.5::float, 0.5::float]), ('track', 1, [0.25::float, 0.0::float])
        ) f(kind, row_index, vector)
        """;

    private static Task<List<object?[]>> RunAsync(string model, string orderBy, params (string Name, string Rows)[] given) =>
        SqlModel.RunAsync(model, SqlResources.Load($"ModelEvaluation/{model}.sql"), given.ToDictionary(g => g.Name, g => g.Rows), orderBy);

    [Test]
    public async Task Track_index_numbers_the_played_tracks_from_zero_in_id_order_as_train_embeddings_does()
    {
        Assert.That(await RunAsync("track_index", "track_id", ("user_track_affinity", Affinity)),
            Is.EqualTo(new[] { new object?[] { "t1", 0 }, ["t5", 1], ["t9", 2] }));
    }

    [Test]
    public async Task Track_factors_are_the_track_vectors_by_track_index()
    {
        Assert.That(await RunAsync("track_factors", "track_index", ("als_factors", Factors)),
            Is.EqualTo(new[] { new object?[] { 0, new[] { 0.5f, 0.5f } }, [1, new[] { 0.25f, 0f }] }));
    }

    [Test]
    public async Task First_plays_are_the_distinct_unseen_pairs_of_known_users_and_tracks_when_zero_affinities_count_as_seen()
    {
        const string events = """
            select * from (values ('u1', 't5'), ('u1', 't5'), ('u1', 't9'), ('u2', 't1'), ('u2', 't-new'), ('u-new', 't1'), ('u3', 't5'))
            e(user_id, track_id)
            """;

        var rows = await RunAsync("first_plays", "user_index, track_index", ("listening_events", events), ("user_index", UserIndex),
            ("track_index", TrackIndex), ("interactions", Interactions));

        Assert.That(rows, Is.EqualTo(new[] { new object?[] { 0, 1 }, [1, 0] }), "u1-t9 (zero affinity) and u3-t5 were seen; t-new and u-new are unknown");
    }

    [Test]
    public async Task Track_popularity_ranks_tracks_by_training_users_with_ties_to_the_lower_index()
    {
        Assert.That(await RunAsync("track_popularity", "popularity_rank", ("interactions", Interactions)),
            Is.EqualTo(new[] { new object?[] { 2, 1 }, [0, 2], [1, 3] }), "track 2 has two users (one at zero affinity); tracks 0 and 1 tie");
    }

    [Test]
    public async Task Evaluation_history_gives_each_user_with_a_first_play_its_history_and_vector()
    {
        var rows = await RunAsync("evaluation_history", "user_index, track_index", ("interactions", Interactions), ("als_factors", Factors),
            ("first_plays", "select * from (values (0, 1), (2, 0), (2, 2)) f(user_index, track_index)"));

        Assert.That(rows, Is.EqualTo(new[]
        {
            new object?[] { 0, 0, new[] { 1f, 0f } }, [0, 2, new[] { 1f, 0f }], [2, 1, new[] { 0.5f, 0.5f }],
        }), "u2 has no first play");
    }

    [Test]
    public async Task Evaluation_rows_put_both_lists_and_the_test_pairs_side_by_side()
    {
        var rows = await RunAsync("evaluation_rows", "user_index, kind, position, track_index",
            ("recommendations", "select * from (values ('als', 0, 1, 4), ('popularity', 0, 1, 3)) r(model, user_index, position, track_index)"),
            ("first_plays", "select * from (values (0, 4), (0, 7)) f(user_index, track_index)"));

        Assert.That(rows, Is.EqualTo(new[] { new object?[] { "als", 0, 1, 4 }, ["popularity", 0, 1, 3], ["test", 0, 0, 4], ["test", 0, 0, 7] }));
    }

    [Test]
    public async Task Model_evaluation_averages_the_user_metrics_and_covers_the_distinct_listed_tracks_in_contract_order()
    {
        const string metrics = """
            select * from (values
                ('als', 0, 0.5, 1.0, 0.25, 0.75), ('als', 1, 0.0, 0.0, 0.0, 0.0),
                ('popularity', 0, 0.25, 0.5, 0.125, 0.25), ('popularity', 1, 0.25, 0.5, 0.5, 0.5)
            ) m(model, user_index, precision, recall, map, ndcg)
            """;
        const string lists = """
            select * from (values ('als', 0, 1, 0), ('als', 0, 2, 1), ('als', 1, 1, 1), ('popularity', 0, 1, 2), ('popularity', 1, 1, 2))
            r(model, user_index, position, track_index)
            """;

        var rows = await RunAsync("model_evaluation", "model", ("user_metrics", metrics), ("recommendations", lists),
            ("track_index", "select * from (values ('t1', 0), ('t2', 1), ('t3', 2), ('t4', 3)) t(track_id, track_index)"),
            ("job_params", "select 2 as k"));

        Assert.That(rows, Is.EqualTo(new[]
        {
            new object?[] { "als", 2, 2, 0.25, 0.5, 0.125, 0.375, 0.5 },
            ["popularity", 2, 2, 0.25, 0.5, 0.3125, 0.375, 0.25],
        }));
    }
}
