namespace BatchJobs.Jobs.Tests.Embeddings;

/// <summary>The SQL stages of train-embeddings, each on a tiny given table.</summary>
public class TrainEmbeddingsSqlTests
{
    private const string Affinity = "select * from (values ('u2', 't9', 1.5), ('u1', 't9', 0.0), ('u1', 't1', 2.0), ('u3', 't5', 0.25)) a(user_id, track_id, affinity)";
    private const string Tracks = "select * from (values ('t1', 'a2'), ('t9', 'a1'), ('t7', 'a3')) t(track_id, artist_id)";

    private static Task<List<object?[]>> RunAsync(string model, string orderBy, params (string Name, string Rows)[] given) =>
        SqlModel.RunAsync(model, SqlResources.Load($"Embeddings/{model}.sql"), given.ToDictionary(g => g.Name, g => g.Rows), orderBy);

    [Test]
    public async Task User_index_numbers_every_user_from_zero_in_id_order()
    {
        Assert.That(await RunAsync("user_index", "user_id", ("user_track_affinity", Affinity)),
            Is.EqualTo(new[] { new object?[] { "u1", 0 }, ["u2", 1], ["u3", 2] }));
    }

    [Test]
    public async Task Track_index_numbers_played_tracks_and_their_artists_and_keeps_a_track_the_catalogue_lacks_without_artist()
    {
        Assert.That(await RunAsync("track_index", "track_id", ("user_track_affinity", Affinity), ("tracks", Tracks)),
            Is.EqualTo(new[] { new object?[] { "t1", 0, "a2", 1 }, ["t5", 1, null, null], ["t9", 2, "a1", 0] }));
    }

    [Test]
    public async Task Interactions_are_the_affinities_by_index_zero_ones_included()
    {
        var rows = await RunAsync("interactions", "user_index, track_index", ("user_track_affinity", Affinity),
            ("user_index", "select * from (values ('u1', 0), ('u2', 1), ('u3', 2)) u(user_id, user_index)"),
            ("track_index", "select * from (values ('t1', 0), ('t5', 1), ('t9', 2)) t(track_id, track_index)"));

        Assert.That(rows, Is.EqualTo(new[] { new object?[] { 0, 0, 0, 2f }, [0, 0, 2, 0f], [0, 1, 2, 1.5f], [0, 2, 1, 0.25f] }));
    }

    private const string Factors = """
        select * from (values
            ('user', 0, 0, [1.0::float, 0.0::float]), ('user', 1, 0, [0.0::float, 1.0::float]),
            ('track', 0, 0, [0.5::float, 0.5::float]), ('track', 1, 0, [0.25::float, 0.0::float]),
            ('artist', 0, 1, [0.25::float, 0.0::float]), ('artist', 1, 1, [0.5::float, 0.5::float])
        ) f(kind, row_index, tracks, vector)
        """;

    private const string TrackIndex = "select * from (values ('t1', 0, 'a2', 1), ('t5', 1, 'a1', 0)) t(track_id, track_index, artist_id, artist_index)";

    [Test]
    public async Task The_embeddings_name_each_kind_of_factor_by_its_index()
    {
        var users = await RunAsync("user_embeddings", "user_id", ("als_factors", Factors), ("user_index", "select * from (values ('u1', 0), ('u2', 1)) u(user_id, user_index)"));
        var tracks = await RunAsync("track_embeddings", "track_id", ("als_factors", Factors), ("track_index", TrackIndex));
        var artists = await RunAsync("artist_embeddings", "artist_id", ("als_factors", Factors), ("track_index", TrackIndex));

        Assert.That(users, Is.EqualTo(new[] { new object?[] { "u1", new[] { 1f, 0f } }, ["u2", new[] { 0f, 1f }] }));
        Assert.That(tracks, Is.EqualTo(new[] { new object?[] { "t1", "a2", new[] { 0.5f, 0.5f } }, ["t5", "a1", new[] { 0.25f, 0f }] }));
        Assert.That(artists, Is.EqualTo(new[] { new object?[] { "a1", 1, new[] { 0.25f, 0f } }, ["a2", 1, new[] { 0.5f, 0.5f }] }));
    }
}
