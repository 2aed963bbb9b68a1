package org.amtpxe.api.error;

/**
 * The management controller answered, but refused or failed the operation: a SOAP fault, an HTTP
 * error status, or a method whose ReturnValue is not 0. Carries what the device said.
 */
public class OperationFailedException extends DriverException {
  private static final long serialVersionUID = 1L;

  private final String operation;
  private final int httpStatus;
  private final String faultSubcode;
  private final String faultReason;
  private final String faultDetail;
  private final Integer returnValue;
  private final String returnValueMeaning;

  private OperationFailedException(Builder b) {
    super(b.message);
    this.operation = b.operation;
    this.httpStatus = b.httpStatus;
    this.faultSubcode = b.faultSubcode;
    this.faultReason = b.faultReason;
    this.faultDetail = b.faultDetail;
    this.returnValue = b.returnValue;
    this.returnValueMeaning = b.returnValueMeaning;
  }

  /** Starts an error for the named operation (for example {@code RequestPowerStateChange}). */
  public static Builder builder(String operation) {
    return new Builder(operation);
  }

  /** The operation that failed, for example {@code RequestPowerStateChange}. */
  public String operation() {
    return operation;
  }

  /** The HTTP status of the reply, or 0 when the failure was not an HTTP error. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The SOAP fault subcode as {@code {namespace}localName}, or null. */
  public String faultSubcode() {
    return faultSubcode;
  }

  /** The SOAP fault reason text, or null. */
  public String faultReason() {
    return faultReason;
  }

  /** The SOAP fault detail text, or null. */
  public String faultDetail() {
    return faultDetail;
  }

  /** The method's ReturnValue, or null when the failure was not a ReturnValue. */
  public Integer returnValue() {
    return returnValue;
  }

  /** What the ReturnValue means for this method, or null. */
  public String returnValueMeaning() {
    return returnValueMeaning;
  }

  /** Builds {@link OperationFailedException}. */
  public static final class Builder {
    private final String operation;
    private String message;
    private int httpStatus;
    private String faultSubcode;
    private String faultReason;
    private String faultDetail;
    private Integer returnValue;
    private String returnValueMeaning;

    private Builder(String operation) {
      this.operation = operation;
    }

    public Builder message(String v) {
      message = v;
      return this;
    }

    public Builder httpStatus(int v) {
      httpStatus = v;
      return this;
    }

    public Builder fault(String subcode, String reason, String detail) {
      faultSubcode = subcode;
      faultReason = reason;
      faultDetail = detail;
      return this;
    }

    public Builder returnValue(int value, String meaning) {
      returnValue = value;
      returnValueMeaning = meaning;
      return this;
    }

    public OperationFailedException build() {
      if (message == null) {
        message = "Operation " + operation + " failed";
      }
      return new OperationFailedException(this);
    }
  }
}
