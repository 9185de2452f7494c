using Vigil.Pipeline.Jobs;

namespace Vigil.Pipeline.Tests.Jobs;

public sealed class JobReadinessTests
{
    [Theory]
    [InlineData(0, true, 0, 0, true, "first_cycle_running")]
    [InlineData(0, false, 0, 0, false, "waiting_for_first_cycle")]
    [InlineData(5, false, 0, 5, false, "every_cycle_failed")]
    [InlineData(1, true, 0, 1, false, "every_cycle_failed")]
    [InlineData(10, false, 8, 2, true, "ok")]
    [InlineData(10, false, 7, 3, false, "failing")]
    [InlineData(10, false, 10, 0, true, "ok")]
    public void Evaluate_CycleHistory_GivesReadinessAndState(long completed, bool inProgress, long successful, int consecutiveFailures, bool ready, string state)
    {
        Assert.Equal((ready, state), JobReadiness.Evaluate(completed, inProgress, successful, consecutiveFailures));
    }
}
