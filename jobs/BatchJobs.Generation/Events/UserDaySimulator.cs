using BatchJobs.Generation.Sampling;
using BatchJobs.Generation.World;

namespace BatchJobs.Generation.Events;

/// <summary>
/// Simulates one user's listening on one UTC day: sessions at local-time-of-day peaks, several tracks per
/// session chosen by the session's context, mostly from the user's taste clusters with popularity bias, with
/// favourites replayed across days and some new releases; realistic skips, partial plays and completions.
/// </summary>
/// <remarks>
/// Every draw comes from a generator keyed by (seed, user, day), so a user-day's events do not depend on which
/// other user-days were simulated before it. Favourites are keyed by (seed, user, slot) and so are the same on
/// every day: that is what gives the histories their repeat plays. One instance per worker; not thread-safe.
/// </remarks>
internal sealed class UserDaySimulator
{
    /// <summary>Mean tracks per session (the session length is geometric).</summary>
    public const double MeanSessionTracks = 6;

    /// <summary>Length of a day in milliseconds.</summary>
    public const int DayMs = 86_400_000;

    private const int MaxSessions = 48;
    private const int NewReleaseWindowDays = 14;
    private const int FavouriteReleasedBeforeWindow = int.MinValue;

    /// <summary>Relative listening by local hour: low at night, a morning commute, a long evening peak.</summary>
    private static readonly AliasTable LocalHours = AliasTable.Create(
    [
        1.6, 1.0, 0.6, 0.4, 0.35, 0.5, 1.2, 2.6, 3.6, 3.4, 3.0, 3.0,
        3.3, 3.3, 3.2, 3.4, 3.8, 4.3, 4.6, 4.6, 4.4, 4.0, 3.2, 2.3,
    ]);

    /// <summary>Activity by <see cref="DayOfWeek"/> (Sunday first): weekends a little busier; the mean is 1.</summary>
    private static readonly double[] WeekdayFactor = [1.1, 0.96, 0.96, 0.96, 0.96, 0.96, 1.1];

    private static readonly int UnixEpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    private readonly Catalogue _catalogue;
    private readonly TrackInfo[] _tracks;
    private readonly long _seed;
    private readonly double _eventsPerUserDay;
    private readonly UserProfile _profile = new();
    private EventRow[] _events = new EventRow[128];
    private int _count;

    private Rng _rng;
    private int _user;
    private int _day;
    private int _sessionArtist;
    private int _sessionGenre;
    private int _albumCursor;

    /// <summary>Creates a simulator over a built catalogue.</summary>
    public UserDaySimulator(Catalogue catalogue, long seed, double eventsPerUserDay)
    {
        _catalogue = catalogue;
        _tracks = catalogue.Tracks;
        _seed = seed;
        _eventsPerUserDay = eventsPerUserDay;
    }

    /// <summary>The events of the last simulated user-day, in time order; valid until the next call.</summary>
    public ReadOnlySpan<EventRow> Events => _events.AsSpan(0, _count);

    /// <summary>Unix milliseconds of the start of a day relative to the first generated day.</summary>
    public static long DayStartMs(Catalogue catalogue, int day) =>
        (long)(catalogue.DateOf(day).DayNumber - UnixEpochDayNumber) * DayMs;

    /// <summary>Simulates <paramref name="user"/> on <paramref name="day"/>; returns the number of events.</summary>
    public int Simulate(int user, int day)
    {
        _count = 0;
        _profile.Load(_seed, user, _catalogue);
        if (day < _profile.SignupDay)
        {
            return 0;
        }

        _user = user;
        _day = day;
        _rng = Rng.Create(_seed, SeedStream.UserDay, user, day);
        double mean = _eventsPerUserDay * _profile.Activity * WeekdayFactor[(int)_catalogue.DateOf(day).DayOfWeek];
        int sessions = Math.Min(MaxSessions, _rng.NextPoisson(mean / MeanSessionTracks));
        if (sessions == 0)
        {
            return 0;
        }

        Span<int> starts = stackalloc int[MaxSessions];
        int offsetMs = Countries.UtcOffsetMinutes[_profile.Country] * 60_000;
        for (int s = 0; s < sessions; s++)
        {
            int local = LocalHours.Sample(ref _rng) * 3_600_000 + _rng.NextInt(3_600_000);
            starts[s] = ((local - offsetMs) % DayMs + DayMs) % DayMs;
        }

        starts[..sessions].Sort();
        long dayStartMs = DayStartMs(_catalogue, day);
        int previousEnd = int.MinValue;
        for (int s = 0; s < sessions; s++)
        {
            // A user plays one thing at a time: a session due while the last is still playing waits for it.
            int t = previousEnd == int.MinValue ? starts[s] : Math.Max(starts[s], previousEnd + _rng.NextInt(5_000, 120_000));
            if (t >= DayMs)
            {
                break;
            }

            previousEnd = PlaySession(dayStartMs, t);
        }

        return _count;
    }

    /// <summary>Plays one session from millisecond-of-day <paramref name="t"/>; returns when it ended.</summary>
    private int PlaySession(long dayStartMs, int t)
    {
        byte context = (byte)EventVocabulary.ContextTable.Sample(ref _rng);
        byte platform = _rng.NextDouble() switch
        {
            < 0.75 => _profile.PrimaryPlatform,
            < 0.95 => _profile.SecondaryPlatform,
            _ => (byte)EventVocabulary.PlatformTable.Sample(ref _rng),
        };
        _sessionArtist = -1;
        _sessionGenre = -1;
        _albumCursor = -1;
        const double continueProbability = 1 - 1 / MeanSessionTracks;
        while (true)
        {
            int track = NextTrack(context, out double skipRate);
            long msPlayed = MsPlayed(_tracks[track].DurationMs, skipRate);
            Append(new EventRow
            {
                User = _user,
                Track = track,
                TsMs = dayStartMs + t,
                MsPlayed = msPlayed,
                Context = context,
                Platform = platform,
            });
            // The gap is at least 1 ms, so a user's plays never share a timestamp and no two distinct events
            // are identical rows (identical rows are re-sends only).
            t += (int)msPlayed + (_rng.Chance(0.03) ? _rng.NextInt(30_000, 600_000) : _rng.NextInt(1, 3_000));
            if (t >= DayMs || !_rng.Chance(continueProbability))
            {
                return t;
            }
        }
    }

    private int NextTrack(byte context, out double skipRate)
    {
        switch (context)
        {
            case EventVocabulary.Album:
                if (_albumCursor >= 0 && _albumCursor + 1 < _catalogue.AlbumFirstTrack[_tracks[_albumCursor].Album + 1])
                {
                    skipRate = 0.15;
                    return ++_albumCursor;
                }

                _albumCursor = General(0.35, out skipRate);
                return _albumCursor;

            case EventVocabulary.Artist:
                if (_sessionArtist >= 0)
                {
                    int first = _catalogue.ArtistFirstTrack[_sessionArtist];
                    int n = _catalogue.ArtistFirstTrack[_sessionArtist + 1] - first;
                    int a = first + _rng.NextInt(n);
                    int b = first + _rng.NextInt(n);

                    // The better known of two random tracks: an artist page leans to the hits.
                    int pick = _tracks[a].Weight >= _tracks[b].Weight ? a : b;
                    if (_tracks[pick].ReleaseDay <= _day)
                    {
                        skipRate = 0.25;
                        return pick;
                    }
                }

                int seedTrack = General(0.35, out skipRate);
                _sessionArtist = _tracks[seedTrack].Artist;
                return seedTrack;

            case EventVocabulary.Radio:
                if (_sessionGenre >= 0 && _rng.Chance(0.85))
                {
                    skipRate = 0.30;
                    return SampleReleased(_catalogue.PopularityByGenre[_sessionGenre] ?? _catalogue.Popularity);
                }

                int radioTrack = General(0.35, out skipRate);
                if (_sessionGenre < 0)
                {
                    _sessionGenre = _tracks[radioTrack].Genre;
                }

                return radioTrack;

            case EventVocabulary.Collection:
                return General(0.70, out skipRate);

            default:
                return General(0.35, out skipRate);
        }
    }

    /// <summary>
    /// A favourite (with probability <paramref name="favouriteShare"/>), a recent release, a globally popular
    /// track, or — most often — a popular track of one of the user's taste clusters.
    /// </summary>
    private int General(double favouriteShare, out double skipRate)
    {
        double r = _rng.NextDouble();
        if (r < favouriteShare)
        {
            if (TryFavourite(out int favourite))
            {
                skipRate = 0.12;
                return favourite;
            }
        }
        else if (r < favouriteShare + 0.03)
        {
            if (TryNewRelease(out int fresh))
            {
                skipRate = 0.30;
                return fresh;
            }
        }
        else if (r < favouriteShare + 0.10)
        {
            skipRate = 0.40;
            return SampleReleased(_catalogue.Popularity);
        }

        skipRate = 0.32;
        byte genre = _profile.SampleClusterGenre(ref _rng);
        return SampleReleased(_catalogue.PopularityByGenre[genre] ?? _catalogue.Popularity);
    }

    private bool TryFavourite(out int track)
    {
        // u^2 favours the first slots: a few favourites are replayed far more than the rest.
        double u = _rng.NextDouble();
        int slot = (int)(_profile.FavouriteCount * u * u);
        var rng = Rng.Create(_seed, SeedStream.Favourites, _user, slot);
        byte genre = _profile.SampleClusterGenre(ref rng);
        track = (_catalogue.PopularityByGenre[genre] ?? _catalogue.Popularity).Sample(ref rng);

        // Most favourites predate the window; the rest are discovered on some day of it (never before release).
        int since = rng.Chance(0.7) ? FavouriteReleasedBeforeWindow : rng.NextInt(_catalogue.Days);
        return Math.Max(since, _tracks[track].ReleaseDay) <= _day;
    }

    private bool TryNewRelease(out int track)
    {
        byte genre = _profile.SampleClusterGenre(ref _rng);
        int[] days = _catalogue.NewReleaseDaysByGenre[genre];
        int lo = LowerBound(days, _day - NewReleaseWindowDays + 1);
        int hi = LowerBound(days, _day + 1);
        if (hi <= lo)
        {
            track = -1;
            return false;
        }

        track = _catalogue.NewReleasesByGenre[genre][lo + _rng.NextInt(hi - lo)];
        return true;
    }

    /// <summary>Samples until a track already released on the current day comes up (new releases are rare).</summary>
    private int SampleReleased(AliasTable table)
    {
        for (int attempt = 0; attempt < 8; attempt++)
        {
            int track = table.Sample(ref _rng);
            if (_tracks[track].ReleaseDay <= _day)
            {
                return track;
            }
        }

        return _catalogue.AlwaysReleasedTrack;
    }

    /// <summary>A skip (under 30 s, mostly very early), a completion (at or within 2 s of the end), or a partial play.</summary>
    private long MsPlayed(int durationMs, double skipRate)
    {
        double r = _rng.NextDouble();
        if (r < skipRate)
        {
            double u = _rng.NextDouble();
            return (long)(Math.Min(durationMs, 30_000) * u * u);
        }

        if (r < skipRate + (1 - skipRate) * 0.8)
        {
            return _rng.Chance(0.5) ? durationMs : durationMs - _rng.NextInt(Math.Min(2_000, durationMs));
        }

        return durationMs > 30_000 ? _rng.NextInt(30_000, durationMs) : durationMs;
    }

    private void Append(in EventRow row)
    {
        if (_count == _events.Length)
        {
            Array.Resize(ref _events, _events.Length * 2);
        }

        _events[_count++] = row;
    }

    private static int LowerBound(int[] sorted, int value)
    {
        int lo = 0;
        int hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
