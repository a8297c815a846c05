using System;
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Threading.Tasks;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.AgentSample;

/// <summary>
/// The agent's tools. Their attributes are the declarations ParallelSK plans with: forecasts only read, a trip's bookings and notes are
/// one resource per trip, so two writes to one trip run in the emitted order and everything else runs at once.
/// </summary>
public sealed class TripTools(TimeSpan latency)
{
    private readonly ConcurrentDictionary<string, string> _trips = new(StringComparer.Ordinal);

    /// <summary>Gets what was written to each trip, in the order it was written.</summary>
    public ConcurrentDictionary<string, string> Trips => _trips;

    [Description("Gets the weather forecast for a city.")]
    [ReadsResource("weather/{city}")]
    public async Task<string> GetForecast(string city)
    {
        await Task.Delay(latency);
        return city switch
        {
            "Lisbon" => "sunny, 24°C",
            "Porto" => "cloudy, 19°C",
            _ => "rain, 12°C",
        };
    }

    [Description("Books a hotel in a city for a trip.")]
    [WritesResource("trips/{trip}")]
    public async Task<string> BookHotel(string trip, string city)
    {
        await Task.Delay(latency);
        _trips.AddOrUpdate(trip, $"hotel in {city}", (_, before) => $"{before}; hotel in {city}");
        return $"booked a hotel in {city} for {trip}";
    }

    [Description("Adds a note to a trip.")]
    [WritesResource("trips/{trip}")]
    public async Task<string> AddNote(string trip, string note)
    {
        await Task.Delay(latency);
        _trips.AddOrUpdate(trip, $"note: {note}", (_, before) => $"{before}; note: {note}");
        return "noted";
    }
}
