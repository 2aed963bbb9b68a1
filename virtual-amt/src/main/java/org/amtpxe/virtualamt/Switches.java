package org.amtpxe.virtualamt;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Realism switches of one virtual AMT: how closely it imitates the quirks of real firmware. All can
 * be changed while the emulator runs ({@link VirtualAmtNode#setSwitches}, control API).
 *
 * @param meIdleSleep the management engine falls asleep after this long without traffic while the
 *     host is off; {@link Duration#ZERO} means it never sleeps
 * @param meSleepMode what a sleeping engine does with a request
 * @param meWakeTime how long the engine takes to wake after the first TCP connection reaches it
 * @param concurrency what happens to a request that arrives while another one is being served
 * @param latency added before every WS-Man reply
 * @param dropRate share (0..1) of authenticated requests whose connection is closed without reply
 * @param http500Rate share of requests answered with HTTP 500 and a {@code wsman:InternalError}
 * @param malformedRate share of requests whose reply is cut off in the middle of the XML
 * @param slowRate share of requests whose reply is delayed by {@code slowDelay}
 * @param slowDelay the delay of a slow reply
 * @param redirectionActive a redirection session (SOL, IDE-R, KVM) is open: power-off and
 *     power-cycle are refused
 * @param osAgent an OS agent (Intel LMS) runs on the host: graceful shutdown/reset, sleep and
 *     hibernate can be requested while the host is on
 * @param nonceLifetime a digest nonce older than this is refused with {@code stale="true"}
 * @param lockoutThreshold consecutive wrong passwords that lock the account; 0 disables lockout
 * @param lockoutDuration how long a locked account refuses even correct passwords
 * @param faultHttpStatus the HTTP status of SOAP faults: 400 (most firmware) or 500
 * @param keepBootSourceAfterBoot imitate firmware that does not clear the boot source after the
 *     boot that used it (clients must clear it with an empty ChangeBootOrder)
 * @param unsupportedClasses class names (e.g. {@code CIM_Chip}) this firmware does not serve: every
 *     request for them is answered {@code wsa:DestinationUnreachable} with the detail {@code
 *     InvalidResourceURI}, as firmware answers an unknown resource URI
 * @param omittedProperties properties this firmware leaves out of its instances, as {@code
 *     Class.Property} (e.g. {@code CIM_Chassis.SerialNumber}) or a bare property name for every
 *     class
 */
public record Switches(
    Duration meIdleSleep,
    SleepMode meSleepMode,
    Duration meWakeTime,
    Concurrency concurrency,
    Duration latency,
    double dropRate,
    double http500Rate,
    double malformedRate,
    double slowRate,
    Duration slowDelay,
    boolean redirectionActive,
    boolean osAgent,
    Duration nonceLifetime,
    int lockoutThreshold,
    Duration lockoutDuration,
    int faultHttpStatus,
    boolean keepBootSourceAfterBoot,
    Set<String> unsupportedClasses,
    Set<String> omittedProperties) {

  /** What a sleeping management engine does with a request. */
  public enum SleepMode {
    /** Close the TCP connection without a reply until the engine is awake. */
    DROP,
    /** Hold the request until the engine is awake, then answer it. */
    DELAY
  }

  /** What a virtual AMT does with a request while it is serving another one. */
  public enum Concurrency {
    /** Serve any number of requests at once. */
    UNLIMITED,
    /** Answer the second request with a {@code wsman:QuotaLimit} fault. */
    QUOTA_FAULT,
    /** Queue requests and serve them one at a time. */
    QUEUE
  }

  /** A fault that can be injected into the next requests ({@link VirtualAmtNode#injectFaults}). */
  public enum Fault {
    /** Close the connection without a reply. */
    DROP,
    /** Answer HTTP 500 with a {@code wsman:InternalError} fault. */
    HTTP_500,
    /** Cut the reply off in the middle of the XML. */
    MALFORMED_XML,
    /** Delay the reply by {@code slowDelay}. */
    SLOW
  }

  /** Validates the values. */
  public Switches {
    requireNonNegative(meIdleSleep, "meIdleSleep");
    Objects.requireNonNull(meSleepMode, "meSleepMode");
    requireNonNegative(meWakeTime, "meWakeTime");
    Objects.requireNonNull(concurrency, "concurrency");
    requireNonNegative(latency, "latency");
    requireRate(dropRate, "dropRate");
    requireRate(http500Rate, "http500Rate");
    requireRate(malformedRate, "malformedRate");
    requireRate(slowRate, "slowRate");
    requireNonNegative(slowDelay, "slowDelay");
    requireNonNegative(nonceLifetime, "nonceLifetime");
    if (nonceLifetime.isZero()) {
      throw new IllegalArgumentException("nonceLifetime must be positive, e.g. 300 seconds");
    }
    if (lockoutThreshold < 0) {
      throw new IllegalArgumentException(
          "lockoutThreshold must be 0 (no lockout) or positive, not " + lockoutThreshold);
    }
    requireNonNegative(lockoutDuration, "lockoutDuration");
    if (faultHttpStatus != 400 && faultHttpStatus != 500) {
      throw new IllegalArgumentException(
          "faultHttpStatus must be 400 or 500 (what firmware sends), not " + faultHttpStatus);
    }
    unsupportedClasses = Set.copyOf(unsupportedClasses);
    omittedProperties = Set.copyOf(omittedProperties);
  }

  /** True when the firmware leaves this property of this class out. */
  public boolean omits(String className, String property) {
    return !omittedProperties.isEmpty()
        && (omittedProperties.contains(property)
            || omittedProperties.contains(className + "." + property));
  }

  /** Firmware-like defaults: no sleep, requests queued, no latency, no faults, no lockout. */
  public static Switches defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  private static void requireNonNegative(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, not " + value);
    }
  }

  private static void requireRate(double value, String name) {
    if (!(value >= 0.0 && value <= 1.0)) {
      throw new IllegalArgumentException(
          name + " must be a share between 0 and 1 (e.g. 0.1 for 10%), not " + value);
    }
  }

  /** Builds {@link Switches}. */
  public static final class Builder {
    private Duration meIdleSleep = Duration.ZERO;
    private SleepMode meSleepMode = SleepMode.DROP;
    private Duration meWakeTime = Duration.ofSeconds(1);
    private Concurrency concurrency = Concurrency.QUEUE;
    private Duration latency = Duration.ZERO;
    private double dropRate;
    private double http500Rate;
    private double malformedRate;
    private double slowRate;
    private Duration slowDelay = Duration.ofSeconds(5);
    private boolean redirectionActive;
    private boolean osAgent;
    private Duration nonceLifetime = Duration.ofMinutes(5);
    private int lockoutThreshold;
    private Duration lockoutDuration = Duration.ofSeconds(60);
    private int faultHttpStatus = 400;
    private boolean keepBootSourceAfterBoot;
    private Set<String> unsupportedClasses = Set.of();
    private Set<String> omittedProperties = Set.of();

    private Builder() {}

    private Builder(Switches s) {
      meIdleSleep = s.meIdleSleep;
      meSleepMode = s.meSleepMode;
      meWakeTime = s.meWakeTime;
      concurrency = s.concurrency;
      latency = s.latency;
      dropRate = s.dropRate;
      http500Rate = s.http500Rate;
      malformedRate = s.malformedRate;
      slowRate = s.slowRate;
      slowDelay = s.slowDelay;
      redirectionActive = s.redirectionActive;
      osAgent = s.osAgent;
      nonceLifetime = s.nonceLifetime;
      lockoutThreshold = s.lockoutThreshold;
      lockoutDuration = s.lockoutDuration;
      faultHttpStatus = s.faultHttpStatus;
      keepBootSourceAfterBoot = s.keepBootSourceAfterBoot;
      unsupportedClasses = s.unsupportedClasses;
      omittedProperties = s.omittedProperties;
    }

    /** See {@link Switches#meIdleSleep()}. */
    public Builder meIdleSleep(Duration value) {
      meIdleSleep = value;
      return this;
    }

    /** See {@link Switches#meSleepMode()}. */
    public Builder meSleepMode(SleepMode value) {
      meSleepMode = value;
      return this;
    }

    /** See {@link Switches#meWakeTime()}. */
    public Builder meWakeTime(Duration value) {
      meWakeTime = value;
      return this;
    }

    /** See {@link Switches#concurrency()}. */
    public Builder concurrency(Concurrency value) {
      concurrency = value;
      return this;
    }

    /** See {@link Switches#latency()}. */
    public Builder latency(Duration value) {
      latency = value;
      return this;
    }

    /** See {@link Switches#dropRate()}. */
    public Builder dropRate(double value) {
      dropRate = value;
      return this;
    }

    /** See {@link Switches#http500Rate()}. */
    public Builder http500Rate(double value) {
      http500Rate = value;
      return this;
    }

    /** See {@link Switches#malformedRate()}. */
    public Builder malformedRate(double value) {
      malformedRate = value;
      return this;
    }

    /** See {@link Switches#slowRate()}. */
    public Builder slowRate(double value) {
      slowRate = value;
      return this;
    }

    /** See {@link Switches#slowDelay()}. */
    public Builder slowDelay(Duration value) {
      slowDelay = value;
      return this;
    }

    /** See {@link Switches#redirectionActive()}. */
    public Builder redirectionActive(boolean value) {
      redirectionActive = value;
      return this;
    }

    /** See {@link Switches#osAgent()}. */
    public Builder osAgent(boolean value) {
      osAgent = value;
      return this;
    }

    /** See {@link Switches#nonceLifetime()}. */
    public Builder nonceLifetime(Duration value) {
      nonceLifetime = value;
      return this;
    }

    /** See {@link Switches#lockoutThreshold()}. */
    public Builder lockoutThreshold(int value) {
      lockoutThreshold = value;
      return this;
    }

    /** See {@link Switches#lockoutDuration()}. */
    public Builder lockoutDuration(Duration value) {
      lockoutDuration = value;
      return this;
    }

    /** See {@link Switches#faultHttpStatus()}. */
    public Builder faultHttpStatus(int value) {
      faultHttpStatus = value;
      return this;
    }

    /** See {@link Switches#keepBootSourceAfterBoot()}. */
    public Builder keepBootSourceAfterBoot(boolean value) {
      keepBootSourceAfterBoot = value;
      return this;
    }

    /** See {@link Switches#unsupportedClasses()}. */
    public Builder unsupportedClasses(Set<String> value) {
      unsupportedClasses = value;
      return this;
    }

    /** See {@link Switches#omittedProperties()}. */
    public Builder omittedProperties(Set<String> value) {
      omittedProperties = value;
      return this;
    }

    /**
     * Builds the switches.
     *
     * @throws IllegalArgumentException if a value is out of range
     * @throws NullPointerException if a value is missing
     */
    public Switches build() {
      return new Switches(
          meIdleSleep,
          meSleepMode,
          meWakeTime,
          concurrency,
          latency,
          dropRate,
          http500Rate,
          malformedRate,
          slowRate,
          slowDelay,
          redirectionActive,
          osAgent,
          nonceLifetime,
          lockoutThreshold,
          lockoutDuration,
          faultHttpStatus,
          keepBootSourceAfterBoot,
          unsupportedClasses,
          omittedProperties);
    }
  }
}
