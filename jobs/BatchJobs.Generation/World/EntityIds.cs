using System.Buffers;
using System.Buffers.Text;
using System.Globalization;

namespace BatchJobs.Generation.World;

/// <summary>
/// Opaque string ids of users, tracks, artists and albums: a prefix and a zero-padded index
/// (<c>u000123</c>, <c>t0004567</c>, <c>a00042</c>, <c>al000017</c>). The width grows with the population so
/// that every id of a kind has the same length.
/// </summary>
internal sealed class EntityIds
{
    private readonly int _userWidth;
    private readonly int _trackWidth;
    private readonly int _artistWidth;
    private readonly int _albumWidth;

    /// <summary>Creates the id scheme for the given population sizes.</summary>
    public EntityIds(int users, int tracks, int artists, int albums)
    {
        _userWidth = Width(users, 6);
        _trackWidth = Width(tracks, 7);
        _artistWidth = Width(artists, 5);
        _albumWidth = Width(albums, 6);
    }

    /// <summary>Id of a user.</summary>
    public string User(int index) => "u" + index.ToString("D" + _userWidth, CultureInfo.InvariantCulture);

    /// <summary>Id of a track; an index at or beyond the catalogue size gives a well-formed but unknown id.</summary>
    public string Track(int index) => "t" + index.ToString("D" + _trackWidth, CultureInfo.InvariantCulture);

    /// <summary>Id of an artist.</summary>
    public string Artist(int index) => "a" + index.ToString("D" + _artistWidth, CultureInfo.InvariantCulture);

    /// <summary>Id of an album.</summary>
    public string Album(int index) => "al" + index.ToString("D" + _albumWidth, CultureInfo.InvariantCulture);

    /// <summary>Writes a user id as UTF-8; returns the bytes written.</summary>
    public int WriteUser(int index, Span<byte> destination) => Write((byte)'u', index, _userWidth, destination);

    /// <summary>Writes a track id as UTF-8; returns the bytes written.</summary>
    public int WriteTrack(int index, Span<byte> destination) => Write((byte)'t', index, _trackWidth, destination);

    private static int Write(byte prefix, int index, int width, Span<byte> destination)
    {
        destination[0] = prefix;
        Utf8Formatter.TryFormat(index, destination[1..], out int written, new StandardFormat('D', (byte)width));
        return written + 1;
    }

    private static int Width(int count, int minimum) =>
        Math.Max(minimum, Math.Max(0, count - 1).ToString(CultureInfo.InvariantCulture).Length);
}
