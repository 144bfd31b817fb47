package dev.distlock.benchmarks.report;

/**
 * The little statistics the report needs: a mean with its 95% confidence half-width (Student's t
 * over independent repetitions), and the interval of a ratio of two such means.
 */
final class Stats {

    /** Student's t, two-sided 95%, for 1 to 30 degrees of freedom; 1.96 beyond. */
    private static final double[] T_95 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
            2.056, 2.052, 2.048, 2.045, 2.042};

    private Stats() {
    }

    /** A value with the half-width of its confidence interval (NaN when unknown). */
    record Estimate(double value, double error) {

        double low() {
            return value - (Double.isNaN(error) ? 0 : error);
        }

        double high() {
            return value + (Double.isNaN(error) ? 0 : error);
        }
    }

    static double t95(int degreesOfFreedom) {
        return degreesOfFreedom < 1 ? Double.NaN : degreesOfFreedom <= T_95.length ? T_95[degreesOfFreedom - 1] : 1.96;
    }

    /** The mean of independent repetitions and its 95% half-width (NaN for fewer than two). */
    static Estimate mean(double[] samples) {
        int n = samples.length;
        double sum = 0;
        for (double sample : samples) {
            sum += sample;
        }
        double mean = sum / n;
        if (n < 2) {
            return new Estimate(mean, Double.NaN);
        }
        double squares = 0;
        for (double sample : samples) {
            squares += (sample - mean) * (sample - mean);
        }
        return new Estimate(mean, t95(n - 1) * Math.sqrt(squares / (n - 1) / n));
    }

    /**
     * a / b with the interval that holds whenever both means are within their own intervals:
     * [(a - ea) / (b + eb), (a + ea) / (b - eb)]. Conservative, and it needs no assumption about
     * how the two are distributed. NaN bounds when an error is unknown or b's interval reaches 0.
     */
    static double[] ratio(Estimate a, Estimate b) {
        double value = a.value() / b.value();
        if (Double.isNaN(a.error()) || Double.isNaN(b.error()) || b.low() <= 0) {
            return new double[] {value, Double.NaN, Double.NaN};
        }
        return new double[] {value, Math.max(0, a.low()) / b.high(), a.high() / b.low()};
    }
}
