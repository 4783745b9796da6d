namespace BatchJobs.Jobs.Tests.EditorialPlaylists;

public class EditorialPlaylistsSqlTests
{
    [Test]
    public async Task Rows_past_a_templates_artist_cap_are_counted_per_user_and_template()
    {
        var rows = await SqlModel.RunAsync("over_artist_cap", SqlResources.Load("EditorialPlaylists/over_artist_cap.sql"), new Dictionary<string, string>
        {
            // u1 has three a1 tracks in 'focus' (cap 2: one over) and two a1 in 'chill' (cap 1: one over); u2 stays within.
            ["editorial_playlists"] = """
                select * from (values ('focus', 'u1', 'a1'), ('focus', 'u1', 'a1'), ('focus', 'u1', 'a1'), ('focus', 'u1', 'a2'),
                                      ('chill', 'u1', 'a1'), ('chill', 'u1', 'a1'), ('focus', 'u2', 'a1'), ('focus', 'u2', 'a1'))
                    p(template_id, user_id, artist_id)
                """,
            ["editorial_templates"] = "select * from (values ('focus', 2), ('chill', 1)) t(template_id, max_per_artist)",
        }, "over_artist_cap_rows");

        Assert.That(rows, Is.EqualTo(new[] { new object?[] { 2L } }));
    }

    [Test]
    public async Task No_rows_are_none_over_the_cap()
    {
        var rows = await SqlModel.RunAsync("over_artist_cap", SqlResources.Load("EditorialPlaylists/over_artist_cap.sql"), new Dictionary<string, string>
        {
            ["editorial_playlists"] = "select 'x' as template_id, 'u' as user_id, 'a' as artist_id where false",
            ["editorial_templates"] = "select 'x' as template_id, 1 as max_per_artist where false",
        }, "over_artist_cap_rows");

        Assert.That(rows, Is.EqualTo(new[] { new object?[] { 0L } }));
    }
}
