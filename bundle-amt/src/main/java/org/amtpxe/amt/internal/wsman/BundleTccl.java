package org.amtpxe.amt.internal.wsman;

/**
 * Runs code with this bundle's class loader as the thread context class loader. Dom4j loads its
 * factories through the context class loader; a foreign one (a caller's thread, a test class path
 * that also holds dom4j) makes it load a second, incompatible copy (docs/building.md#tccl).
 */
public final class BundleTccl {

  /** Code that may throw a checked exception. */
  @FunctionalInterface
  public interface Body<T, E extends Exception> {
    T run() throws E;
  }

  private BundleTccl() {}

  /** Runs {@code body} with the bundle class loader as context class loader, then restores it. */
  public static <T, E extends Exception> T call(Body<T, E> body) throws E {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    ClassLoader bundleLoader = BundleTccl.class.getClassLoader();
    if (previous == bundleLoader) {
      return body.run();
    }
    thread.setContextClassLoader(bundleLoader);
    try {
      return body.run();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }
}
