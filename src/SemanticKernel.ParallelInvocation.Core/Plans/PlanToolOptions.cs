using System;

namespace SemanticKernel.ParallelInvocation;

/// <summary>Options of the plan tool (<see cref="ParallelPlanTool"/>): its name and the limits a plan must keep.</summary>
/// <remarks>A plan that breaks a limit is rejected before any of its steps runs, with an error the model can act on. Not thread-safe for writes.</remarks>
[System.Diagnostics.CodeAnalysis.Experimental(Experiments.PlanMode, UrlFormat = Experiments.UrlFormat)]
public sealed class PlanToolOptions
{
    /// <summary>The default name of the plan tool.</summary>
    public const string DefaultName = "run_plan";

    private string _name = DefaultName;
    private int _maxSteps = 32;
    private int _maxFanOut = 64;
    private int _maxResultLength = 16_000;

    /// <summary>Gets or sets the name the model calls the plan tool by.</summary>
    /// <value>The default value is <see cref="DefaultName"/>.</value>
    /// <exception cref="ArgumentException">The value is null, empty or white space.</exception>
    public string Name
    {
        get => _name;
        set
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            _name = value;
        }
    }

    /// <summary>Gets or sets the most steps one plan may have.</summary>
    /// <value>The default value is 32.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxSteps
    {
        get => _maxSteps;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxSteps = value;
        }
    }

    /// <summary>
    /// Gets or sets the most calls one <c>for_each</c> step may make. The array is known only once its producer has run, so a longer
    /// array fails that step (and skips the steps that need it) without calling the function.
    /// </summary>
    /// <value>The default value is 64.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxFanOut
    {
        get => _maxFanOut;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxFanOut = value;
        }
    }

    /// <summary>
    /// Gets or sets the most characters of the one result a plan sends back to the model. Longer step results are cut, the longest
    /// first, each marked with how much was cut; every step's status is always kept.
    /// </summary>
    /// <value>The default value is 16,000.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 256.</exception>
    public int MaxResultLength
    {
        get => _maxResultLength;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 256);
            _maxResultLength = value;
        }
    }

    /// <summary>Gets or sets the tool's description for the model, or <see langword="null"/> for the built-in one, which teaches the plan format in a few lines.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Description { get; set; }

    internal PlanToolOptions Clone() => (PlanToolOptions)MemberwiseClone();
}
