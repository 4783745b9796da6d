namespace BatchJobs.Jobs.Tests.Playlists;

/// <summary>Given/expect fixtures of the shared playlist SQL models, each alone on tiny relations.</summary>
public class PlaylistSqlTests
{
    /// <summary>u1 and u2 are users of the model, u3 is not; t1..t3 are tracks of the model, t9 is not.</summary>
    private static readonly Dictionary<string, string> World = new()
    {
        ["user_embeddings"] = "select * from (values ('u1', [1.0, 0.0]::float[]), ('u2', [0.0, 1.0]::float[]), ('u4', [0.5, 0.5]::float[])) as t(user_id, vector)",
        ["track_embeddings"] = "select * from (values ('t1', 'a1'), ('t2', 'a1'), ('t3', 'a2')) as t(track_id, artist_id)",
        ["user_track_affinity"] = """
            select * from (values
                ('u1', 't1', 2.5::double, 3::bigint, 0::bigint),
                ('u2', 't1', 1.0::double, 1::bigint, 1::bigint),
                ('u3', 't1', 9.0::double, 9::bigint, 0::bigint),
                ('u1', 't2', 0.0::double, 0::bigint, 2::bigint),
                ('u1', 't9', 4.0::double, 4::bigint, 0::bigint)
            ) as t(user_id, track_id, affinity, streams, skips)
            """,
    };

    [Test]
    public async Task Track_popularity_counts_the_model_users_who_played_each_model_track_zero_included()
    {
        var rows = await SqlModel.RunAsync("track_popularity", SqlResources.Load("Playlists/track_popularity.sql"), World, "track_id");

        Assert.That(rows, Is.EqualTo(new[]
        {
            new object?[] { "t1", 2 },
            new object?[] { "t2", 1 },
            new object?[] { "t3", 0 },
        }), "u3 is not a user of the model and t9 not a track of it");
    }

    [Test]
    public async Task Playlist_users_gives_each_model_user_its_vector_row_first_then_its_plays_of_model_tracks()
    {
        var rows = await SqlModel.RunAsync("playlist_users", SqlResources.Load("Playlists/playlist_users.sql"), World, "user_id, row_kind, track_id");

        Assert.That(rows, Is.EqualTo(new[]
        {
            new object?[] { "u1", 0, new[] { 1f, 0f }, null, null, null, null },
            new object?[] { "u1", 1, null, "t1", 2.5, 3L, 0L },
            new object?[] { "u1", 1, null, "t2", 0.0, 0L, 2L },
            new object?[] { "u2", 0, new[] { 0f, 1f }, null, null, null, null },
            new object?[] { "u2", 1, null, "t1", 1.0, 1L, 1L },
            new object?[] { "u4", 0, new[] { 0.5f, 0.5f }, null, null, null, null },
        }), "u3 has no vector and t9 is unknown to the model; u4, without plays, still has its vector row");
    }
}
