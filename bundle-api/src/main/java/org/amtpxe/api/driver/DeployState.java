package org.amtpxe.api.driver;

/** What a deploy step leaves the node waiting for. */
public enum DeployState {
  /** The node is booting a ramdisk that will call back. */
  WAIT_CALLBACK,
  /** The deploy is complete. */
  DONE,
  /** The node has been torn down. */
  DELETED
}
