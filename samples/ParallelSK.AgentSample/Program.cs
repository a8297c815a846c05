using System;
using ParallelSK.AgentSample;

// A Microsoft Agent Framework agent whose tool loop is ParallelSK's, on a scripted local model (no network, no key).
await TripAgent.RunAsync(Console.Out);
