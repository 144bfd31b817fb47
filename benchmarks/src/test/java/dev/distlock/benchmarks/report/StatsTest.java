package dev.distlock.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void meanCarriesTheStudentTHalfWidthOfItsRepetitions() {
        Stats.Estimate mean = Stats.mean(new double[] {9, 10, 11});

        assertThat(mean.value()).isEqualTo(10.0);
        // sd 1, n 3: 4.303 * 1 / sqrt(3)
        assertThat(mean.error()).isCloseTo(2.484, within(0.001));
    }

    @Test
    void ratioIntervalHoldsWheneverBothMeansAreWithinTheirOwn() {
        double[] ratio = Stats.ratio(new Stats.Estimate(105, 1), new Stats.Estimate(100, 1));

        assertThat(ratio[0]).isCloseTo(1.05, within(1e-9));
        assertThat(ratio[1]).isCloseTo(104.0 / 101, within(1e-9));
        assertThat(ratio[2]).isCloseTo(106.0 / 99, within(1e-9));
    }

    @Test
    void ratioHasNoIntervalWhenAnErrorIsUnknown() {
        double[] ratio = Stats.ratio(new Stats.Estimate(2, Double.NaN), new Stats.Estimate(1, 0.1));

        assertThat(ratio[0]).isEqualTo(2.0);
        assertThat(ratio[1]).isNaN();
    }

    @Test
    void aTargetIsMetOnlyWhenEveryRunMetIt() {
        assertThat(TargetSummary.combine(java.util.List.of(TargetSummary.Status.MET, TargetSummary.Status.UNRESOLVED)))
                .isEqualTo(TargetSummary.Status.UNRESOLVED);
        assertThat(TargetSummary.combine(java.util.List.of(TargetSummary.Status.MET, TargetSummary.Status.NOT_MET)))
                .isEqualTo(TargetSummary.Status.NOT_MET);
        assertThat(TargetSummary.combine(java.util.List.of(TargetSummary.Status.MET, TargetSummary.Status.MET)))
                .isEqualTo(TargetSummary.Status.MET);
        assertThat(TargetSummary.combine(java.util.List.of())).isEqualTo(TargetSummary.Status.NOT_MEASURED);
    }
}
