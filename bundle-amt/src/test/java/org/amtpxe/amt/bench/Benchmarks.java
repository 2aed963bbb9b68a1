package org.amtpxe.amt.bench;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the measurements of BENCHMARKS.md: round trips and driver overhead against the fake AMT,
 * then the JMH benchmarks. Not part of the test phase; run with {@code mvn -f bundle-amt/pom.xml
 * test-compile exec:exec}.
 */
public final class Benchmarks {
  private Benchmarks() {}

  public static void main(String[] args) throws Exception {
    RoundTripMeasurement.main(new String[] {"500"});
    new Runner(new OptionsBuilder().include(WsmanBenchmark.class.getName()).build()).run();
  }
}
