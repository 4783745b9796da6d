using BatchJobs.Embeddings.Als;

namespace BatchJobs.Embeddings.Tests.Als;

public sealed class ImplicitAlsOptionsTests
{
    private static IEnumerable<TestCaseData> InvalidOptions()
    {
        var valid = new ImplicitAlsOptions();
        yield return new TestCaseData(valid with { Factors = 0 }, "Factors must be between 1 and 1024; got 0");
        yield return new TestCaseData(valid with { Factors = 2000 }, "Factors must be between 1 and 1024; got 2000");
        yield return new TestCaseData(valid with { Iterations = 0 }, "Iterations must be at least 1");
        yield return new TestCaseData(valid with { Regularization = 0f }, "Regularization must be a positive finite number");
        yield return new TestCaseData(valid with { Regularization = float.NaN }, "Regularization must be a positive finite number");
        yield return new TestCaseData(valid with { Alpha = -1f }, "Alpha must be zero or a positive finite number");
        yield return new TestCaseData(valid with { Alpha = float.PositiveInfinity }, "Alpha must be zero or a positive finite number");
        yield return new TestCaseData(valid with { ConjugateGradientSteps = 0 }, "ConjugateGradientSteps must be at least 1");
        yield return new TestCaseData(valid with { MaxDegreeOfParallelism = -2 }, "MaxDegreeOfParallelism must be 0 (all cores) or positive");
        yield return new TestCaseData(valid with { Solver = (AlsSolver)7 }, "Solver 7 is not one of");
        yield return new TestCaseData(valid with { Scaling = (ConfidenceScaling)9 }, "Scaling 9 is not one of");
        yield return new TestCaseData(valid with { RegularizationMode = (RegularizationMode)4 }, "RegularizationMode 4 is not one of");
    }

    [TestCaseSource(nameof(InvalidOptions))]
    public void Invalid_options_are_rejected_with_a_message_naming_the_option(ImplicitAlsOptions options, string message)
    {
        Assert.That(options.Validate, Throws.ArgumentException.With.Message.Contains(message));
    }

    [Test]
    public void Defaults_are_valid_and_match_the_documentation()
    {
        var options = new ImplicitAlsOptions();
        Assert.That(options.Validate, Throws.Nothing);
        Assert.That((options.Factors, options.Iterations, options.Regularization, options.Alpha, options.ConjugateGradientSteps),
            Is.EqualTo((64, 15, 0.01f, 1f, 3)));
        Assert.That((options.Solver, options.Scaling, options.RegularizationMode, options.ComputeLoss),
            Is.EqualTo((AlsSolver.ConjugateGradient, ConfidenceScaling.Linear, RegularizationMode.Plain, false)));
    }

    [Test]
    public void Confidence_and_regularisation_follow_the_chosen_modes()
    {
        var linear = new ImplicitAlsOptions { Alpha = 2f, Regularization = 0.5f };
        var log = linear with { Scaling = ConfidenceScaling.Log, RegularizationMode = RegularizationMode.Weighted };
        Assert.That(linear.ConfidenceMinusOne(3f), Is.EqualTo(6f));
        Assert.That(log.ConfidenceMinusOne(3f), Is.EqualTo(2f * MathF.Log(4f)).Within(1e-6f));
        Assert.That(linear.RowRegularization(10), Is.EqualTo(0.5f));
        Assert.That(log.RowRegularization(10), Is.EqualTo(5f));
    }
}
