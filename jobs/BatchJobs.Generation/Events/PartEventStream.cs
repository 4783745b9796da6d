using BatchJobs.Generation.Sampling;
using BatchJobs.Generation.World;

namespace BatchJobs.Generation.Events;

/// <summary>
/// The rows of one part file: the users of a contiguous range simulated one after another, with a fraction of
/// events replaced by malformed rows and a fraction of good events re-sent as exact duplicates — right after
/// the original or some lines later, as clients retrying an upload do. Pulled in batches so that a day of any
/// size is produced in constant memory.
/// </summary>
internal sealed class PartEventStream
{
    /// <summary>Share of good events that a client sends twice.</summary>
    public const double DuplicateShare = 0.005;

    /// <summary>A later re-send arrives within this many rows of the original.</summary>
    private const int MaxResendDelayRows = 5_000;

    private const long TwoDaysMs = 2L * UserDaySimulator.DayMs;
    private const long TenMinutesMs = 600_000;

    private readonly UserDaySimulator _simulator;
    private readonly Catalogue _catalogue;
    private readonly int _day;
    private readonly int _userEnd;
    private readonly double _badFraction;
    private readonly BadRowKind[] _kinds;
    private readonly long _dayStartMs;
    private readonly PriorityQueue<EventRow, long> _resends = new();
    private readonly long[] _badByKind = new long[Enum.GetValues<BadRowKind>().Length];
    private Rng _rng;
    private int _nextUser;
    private int _cursor;
    private int _available;
    private long _rowIndex;

    /// <summary>Creates the stream of part <paramref name="part"/> of <paramref name="day"/>, users [start, end).</summary>
    public PartEventStream(
        UserDaySimulator simulator,
        Catalogue catalogue,
        long seed,
        int day,
        int part,
        int userStart,
        int userEnd,
        double badFraction,
        BadRowKind[] kinds)
    {
        _simulator = simulator;
        _catalogue = catalogue;
        _day = day;
        _nextUser = userStart;
        _userEnd = userEnd;
        _badFraction = badFraction;
        _kinds = kinds;
        _dayStartMs = UserDaySimulator.DayStartMs(catalogue, day);
        _rng = Rng.Create(seed, SeedStream.EventPart, day, part);
    }

    /// <summary>Distinct good events emitted so far.</summary>
    public long GoodEvents { get; private set; }

    /// <summary>Duplicate re-sends emitted so far.</summary>
    public long Duplicates { get; private set; }

    /// <summary>Malformed rows emitted so far, indexed by <see cref="BadRowKind"/>.</summary>
    public ReadOnlySpan<long> BadByKind => _badByKind;

    /// <summary>Fills <paramref name="destination"/> with the next rows; returns how many (0 at the end).</summary>
    public int Fill(Span<EventRow> destination)
    {
        int n = 0;
        while (n < destination.Length)
        {
            if (_resends.TryPeek(out EventRow resend, out long due) && due <= _rowIndex)
            {
                _resends.Dequeue();
                destination[n++] = resend;
                Duplicates++;
                _rowIndex++;
                continue;
            }

            if (_cursor < _available)
            {
                EventRow row = _simulator.Events[_cursor++];
                if (_badFraction > 0 && _rng.NextDouble() < _badFraction)
                {
                    Corrupt(ref row);
                }
                else
                {
                    GoodEvents++;
                    if (_rng.Chance(DuplicateShare))
                    {
                        long delay = _rng.Chance(0.5) ? 1 : 1 + _rng.NextInt(MaxResendDelayRows);
                        _resends.Enqueue(row, _rowIndex + delay);
                    }
                }

                destination[n++] = row;
                _rowIndex++;
                continue;
            }

            if (_nextUser < _userEnd)
            {
                _available = _simulator.Simulate(_nextUser++, _day);
                _cursor = 0;
                continue;
            }

            // The part is ending: re-sends still pending go out now, in due order, still after their originals.
            if (_resends.TryDequeue(out resend, out _))
            {
                destination[n++] = resend;
                Duplicates++;
                _rowIndex++;
                continue;
            }

            break;
        }

        return n;
    }

    private void Corrupt(ref EventRow row)
    {
        var kind = _kinds[_rng.NextInt(_kinds.Length)];
        uint variant = (uint)_rng.NextUInt64();
        row.Fault = kind;
        row.Variant = variant;
        _badByKind[(int)kind]++;
        switch (kind)
        {
            case BadRowKind.EmptyUserId:
                row.User = -1;
                break;
            case BadRowKind.EmptyTrackId:
                row.Track = -1;
                break;
            case BadRowKind.UnknownTrackId:
                row.Track = _catalogue.TrackCount + (int)(variant % 1_000_000);
                break;
            case BadRowKind.TimestampOutsideDay:
                long shift = 1 + variant % TwoDaysMs;
                row.TsMs = (variant & 1) == 0 ? _dayStartMs - shift : _dayStartMs + UserDaySimulator.DayMs - 1 + shift;
                break;
            case BadRowKind.NegativeMsPlayed:
                row.MsPlayed = -(1 + variant % 300_000);
                break;
            case BadRowKind.MsPlayedTooLarge:
                row.MsPlayed = _catalogue.Tracks[row.Track].DurationMs + TenMinutesMs + 1_000 + variant % 3_600_000;
                break;
            case BadRowKind.EmptyPlatform:
                row.Platform = EventVocabulary.NoPlatform;
                break;
            case BadRowKind.UnknownPlatform:
                row.Platform = (byte)(EventVocabulary.Platforms.Length + variant % (uint)EventVocabulary.UnknownPlatforms.Length);
                break;
        }
    }
}
