using BatchJobs.Jobs.Tests.Support;

namespace BatchJobs.Jobs.Tests.Embeddings;

/// <summary>The SQL stages of train-embeddings, each on a tiny given table.</summary>
public class TrainEmbeddingsSqlTests
{
    private const string Affinity = "select * from (values ('u2', 't9', 1.5), ('u1', 't9', 0.0), ('u1', 't1', 2.0), ('u3', 't5', 0.25)) a(user_id, track_id, affinity)";
    private const string Tracks = "select * from (values ('t1', 'a2'), ('t9', 'a1'), ('t7', 'a3')) t(track_id, artist_id)";

    [Test]
    public void User_index_numbers_every_user_from_zero_in_id_order()
    {
        Assert.That(SqlModel.Run("Embeddings/user_index.sql", ("user_track_affinity", Affinity)),
            Is.EqualTo(new[] { "{'user_id': u1, 'user_index': 0}", "{'user_id': u2, 'user_index': 1}", "{'user_id': u3, 'user_index': 2}" }));
    }

    [Test]
    public void Track_index_numbers_played_tracks_and_their_artists_and_keeps_a_track_the_catalogue_lacks_without_artist()
    {
        Assert.That(SqlModel.Run("Embeddings/track_index.sql", ("user_track_affinity", Affinity), ("tracks", Tracks)), Is.EqualTo(new[]
        {
            "{'track_id': t1, 'track_index': 0, 'artist_id': a2, 'artist_index': 1}",
            "{'track_id': t5, 'track_index': 1, 'artist_id': NULL, 'artist_index': NULL}",
            "{'track_id': t9, 'track_index': 2, 'artist_id': a1, 'artist_index': 0}",
        }));
    }

    [Test]
    public void Interactions_are_the_affinities_by_index_zero_ones_included()
    {
        var rows = SqlModel.Run("Embeddings/interactions.sql", ("user_track_affinity", Affinity),
            ("user_index", "select * from (values ('u1', 0), ('u2', 1), ('u3', 2)) u(user_id, user_index)"),
            ("track_index", "select * from (values ('t1', 0), ('t5', 1), ('t9', 2)) t(track_id, track_index)"));

        Assert.That(rows, Is.EqualTo(new[]
        {
            "{'model': 0, 'user_index': 0, 'track_index': 0, 'affinity': 2.0}",
            "{'model': 0, 'user_index': 0, 'track_index': 2, 'affinity': 0.0}",
            "{'model': 0, 'user_index': 1, 'track_index': 2, 'affinity': 1.5}",
            "{'model': 0, 'user_index': 2, 'track_index': 1, 'affinity': 0.25}",
        }));
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
    public void The_embeddings_name_each_kind_of_factor_by_its_index()
    {
        var users = SqlModel.Run("Embeddings/user_embeddings.sql", ("als_factors", Factors), ("user_index", "select * from (values ('u1', 0), ('u2', 1)) u(user_id, user_index)"));
        var tracks = SqlModel.Run("Embeddings/track_embeddings.sql", ("als_factors", Factors), ("track_index", TrackIndex));
        var artists = SqlModel.Run("Embeddings/artist_embeddings.sql", ("als_factors", Factors), ("track_index", TrackIndex));

        Assert.That(users, Is.EqualTo(new[] { "{'user_id': u1, 'vector': [1.0, 0.0]}", "{'user_id': u2, 'vector': [0.0, 1.0]}" }));
        Assert.That(tracks, Is.EqualTo(new[] { "{'track_id': t1, 'artist_id': a2, 'vector': [0.5, 0.5]}", "{'track_id': t5, 'artist_id': a1, 'vector': [0.25, 0.0]}" }));
        Assert.That(artists, Is.EqualTo(new[] { "{'artist_id': a1, 'tracks': 1, 'vector': [0.25, 0.0]}", "{'artist_id': a2, 'tracks': 1, 'vector': [0.5, 0.5]}" }));
    }
}
