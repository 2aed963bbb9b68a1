package org.amtpxe.api.driver;

import java.util.Map;
import java.util.Set;
import org.amtpxe.api.error.DriverException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Writes an image to a node. The conductor calls {@link #prepare}, then {@link #deploy}; when the
 * deploy ramdisk calls back, {@link #validateCallback} then {@link #continueDeploy}; on undeploy
 * {@link #cleanUp} then {@link #tearDown}. The conductor owns the provision states; the methods
 * report what they reached through {@link DeployState}.
 */
@ProviderType
public interface DeployInterface extends DriverInterface {

  /**
   * Writes the node's boot configuration and caches the files it needs. Needs an exclusive lock.
   *
   * @param task the node, locked exclusively
   * @throws DriverException when an image cannot be fetched or a file cannot be written
   */
  void prepare(TaskContext task) throws DriverException;

  /**
   * Starts the deploy: sets the node to network boot and reboots it into the deploy ramdisk.
   *
   * @param task the node, locked exclusively
   * @return {@link DeployState#WAIT_CALLBACK} when a ramdisk will call back, {@link
   *     DeployState#DONE} when the deploy completed synchronously
   * @throws DriverException when the node cannot be booted
   */
  DeployState deploy(TaskContext task) throws DriverException;

  /** The vendor-passthru methods by which a deploy ramdisk calls back, e.g. pass_deploy_info. */
  Set<String> callbackMethods();

  /**
   * Checks a ramdisk callback before it is accepted: the method and the parameters. The conductor
   * has already authenticated the ramdisk by the one-time agent token of its lookup and by the
   * address that lookup came from, and passes that address as {@code address} in the body (what the
   * ramdisk itself claims is not trusted). Fast and offline; changes nothing.
   *
   * @param task the node
   * @param method one of {@link #callbackMethods()}
   * @param body the JSON body the ramdisk posted, with {@code address} set by the conductor
   * @throws org.amtpxe.api.error.MissingParameterValueException when a parameter is missing
   * @throws org.amtpxe.api.error.InvalidParameterValueException when a parameter is wrong
   * @throws DriverException for any other reason the callback cannot be accepted
   */
  void validateCallback(TaskContext task, String method, Map<String, Object> body)
      throws DriverException;

  /**
   * Continues the deploy after the ramdisk called back: switches the boot configuration to the
   * instance and lets the ramdisk reboot.
   *
   * @param task the node, locked exclusively
   * @param method one of {@link #callbackMethods()}
   * @param body the JSON body the ramdisk posted, already validated
   * @return {@link DeployState#DONE}, or {@link DeployState#WAIT_CALLBACK} when a second callback
   *     is expected
   * @throws org.amtpxe.api.error.DeployFailureException when the ramdisk reported an error or the
   *     switch failed
   * @throws DriverException for any other failure
   */
  DeployState continueDeploy(TaskContext task, String method, Map<String, Object> body)
      throws DriverException;

  /**
   * Powers the node off after an undeploy.
   *
   * @param task the node, locked exclusively
   * @return {@link DeployState#DELETED}
   * @throws DriverException when the node cannot be powered off
   */
  DeployState tearDown(TaskContext task) throws DriverException;

  /**
   * Removes everything {@link #prepare} and {@link #deploy} left for the node: boot configuration,
   * links to cached images, per-node files. Carries on past individual failures.
   *
   * @param task the node, locked exclusively
   * @throws DriverException when something could not be removed
   */
  void cleanUp(TaskContext task) throws DriverException;

  /**
   * Re-creates what this conductor needs to serve an active node another conductor deployed.
   * Optional: the default does nothing.
   *
   * @param task the node, locked exclusively
   * @throws DriverException when the node cannot be taken over
   */
  default void takeOver(TaskContext task) throws DriverException {}
}
