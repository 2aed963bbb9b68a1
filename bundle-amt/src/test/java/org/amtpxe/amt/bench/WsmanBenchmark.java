package org.amtpxe.amt.bench;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.amtpxe.amt.fake.FakeAmt;
import org.amtpxe.amt.internal.cim.CimAssociatedPowerManagementService;
import org.amtpxe.amt.internal.cim.CimAssociatedPowerManagementService.PowerStatus;
import org.amtpxe.amt.internal.cim.CimPowerManagementService;
import org.amtpxe.amt.internal.wsman.Envelopes;
import org.amtpxe.amt.internal.wsman.SafeXml;
import org.amtpxe.amt.internal.wsman.SoapFault;
import org.amtpxe.amt.internal.wsman.Wsman;
import org.dom4j.Document;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** JMH: the CPU cost of building envelopes and of reading replies, without any network. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WsmanBenchmark {
  private byte[] powerReply;
  private byte[] faultReply;

  @Setup
  public void load() throws Exception {
    powerReply = FakeAmt.resource("/wsman/CIM_AssociatedPowerManagementService/replies/get-on.xml");
    faultReply = FakeAmt.resource("/wsman/faults/invalid-representation.xml");
  }

  @Benchmark
  public byte[] buildGetEnvelope() {
    return Envelopes.serialize(
        Envelopes.build(
            CimAssociatedPowerManagementService.getRequest(), "uuid:" + UUID.randomUUID()));
  }

  @Benchmark
  public byte[] buildRequestPowerStateChangeEnvelope() {
    return Envelopes.serialize(
        Envelopes.build(
            CimPowerManagementService.requestPowerStateChangeRequest(2),
            "uuid:" + UUID.randomUUID()));
  }

  @Benchmark
  public PowerStatus parsePowerStateReply() throws Exception {
    Document reply = SafeXml.parse(powerReply);
    return CimAssociatedPowerManagementService.parse(
        reply
            .getRootElement()
            .element(Wsman.BODY)
            .element(CimAssociatedPowerManagementService.INSTANCE));
  }

  @Benchmark
  public SoapFault parseFaultReply() throws Exception {
    return SoapFault.find(SafeXml.parse(faultReply));
  }
}
